package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Call sites of sampled stacks, interned: one {@link SiteStats} per distinct stack, with what happened there. The
 * number of sites is bounded; once {@link #MAX_SITES} are known, further new stacks are merged into one "(other
 * sites)" site so that totals stay right. Site id 0 means "no site". Drain thread only; a snapshot's sites are
 * values ({@link Site}).
 */
final class SiteTable {
    static final int MAX_SITES = 8192;
    static final int NONE = 0;

    private final Map<List<String>, Integer> idByFrames = new HashMap<>();
    /** Hash of a sampled stack's frames → site id: the allocation-free fast path of {@link #intern}. */
    private final LiveThreadTable idByFrameHash = new LiveThreadTable();
    private final List<SiteStats> sites = new ArrayList<>();
    private int overflowId = NONE;

    SiteTable() {
        sites.add(null); // id 0: no site
    }

    /**
     * Interns a sampled stack. Most samples repeat a stack already seen, so they are first looked up by a hash of
     * (class, method, bytecode index) per frame, without building any string; only a new stack is formatted.
     * The class and method names of a frame are the JVM's own strings, hashed by content.
     */
    int intern(StackWalker.StackFrame[] stack) {
        long hash = 17;
        for (StackWalker.StackFrame frame : stack) {
            hash = hash * 31 + frame.getClassName().hashCode();
            hash = hash * 31 + frame.getMethodName().hashCode();
            hash = hash * 31 + frame.getByteCodeIndex();
        }
        hash = hash * 31 + stack.length;
        int known = (int) idByFrameHash.get(hash, SiteTable.NONE);
        if (known != NONE) {
            return known;
        }
        List<String> frames = new ArrayList<>(stack.length);
        for (StackWalker.StackFrame frame : stack) {
            frames.add(format(frame.getClassName(), frame.getMethodName(), frame.getFileName(), frame.getLineNumber()));
        }
        int id = intern(frames);
        if (hash != 0) {
            idByFrameHash.put(hash, id); // a collision would merge two sites: at 64 bits, not in this lifetime
        }
        return id;
    }

    /** For stacks taken with {@link Thread#getStackTrace()}: at most {@code maxDepth} frames. */
    int intern(StackTraceElement[] stack, int maxDepth) {
        List<String> frames = new ArrayList<>(Math.min(stack.length, maxDepth));
        for (StackTraceElement frame : stack) {
            if (frames.size() == maxDepth) {
                break;
            }
            frames.add(format(frame.getClassName(), frame.getMethodName(), frame.getFileName(), frame.getLineNumber()));
        }
        return intern(frames);
    }

    /** For stacks whose frames are formatted already (the JVM's reports of pinned blocks). */
    int intern(List<String> frames) {
        Integer id = idByFrames.get(frames);
        if (id != null) {
            return id;
        }
        if (sites.size() > MAX_SITES) {
            if (overflowId == NONE) {
                overflowId = add(List.of("(other sites: more than " + MAX_SITES + " distinct stacks)"));
            }
            return overflowId;
        }
        int newId = add(List.copyOf(frames));
        idByFrames.put(sites.get(newId).frames, newId);
        return newId;
    }

    private int add(List<String> frames) {
        sites.add(new SiteStats(frames));
        return sites.size() - 1;
    }

    SiteStats get(int id) {
        return sites.get(id);
    }

    /** Every site as it is now, in id order (index = id - 1): values a dump writes while the drain goes on. */
    List<Site> snapshot() {
        List<Site> values = new ArrayList<>(sites.size() - 1);
        for (int id = 1; id < sites.size(); id++) {
            values.add(sites.get(id).snapshot());
        }
        return values;
    }

    /** {@code class.method(file:line)}, as in a Java stack trace. */
    static String format(String className, String method, String file, int line) {
        return className + "." + method + "("
                + (file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file) + ")";
    }

    /** One stack and the sampled events charged to it so far. Drain thread only. */
    static final class SiteStats {
        private final List<String> frames;
        private long creates;
        private final ChargeStats blocked = new ChargeStats();
        private final long[] blocksByKind = new long[BlockKind.COUNT];
        private final ChargeStats wakeToRun = new ChargeStats();
        private final ChargeStats pinned = new ChargeStats();
        /** Pinned blocks here by {@link PinnedKind}; their total is {@code blocksByKind[PINNED]}. */
        private final long[] pinnedByKind = new long[PinnedKind.COUNT];

        SiteStats(List<String> frames) {
            this.frames = frames;
        }

        void created() {
            creates++;
        }

        void blockBegan(int blockKind) {
            blocksByKind[blockKind]++;
        }

        void pinnedBlockBegan(int pinnedKind) {
            blocksByKind[BlockKind.PINNED]++;
            pinnedByKind[pinnedKind]++;
        }

        void blocked(long nanos) {
            blocked.add(nanos);
        }

        void wokeToRun(long nanos) {
            wakeToRun.add(nanos);
        }

        void pinned(long nanos) {
            pinned.add(nanos);
        }

        Site snapshot() {
            return new Site(frames, creates, blocked.snapshot(), blocksByKind.clone(), wakeToRun.snapshot(),
                    pinned.snapshot(), pinnedByKind.clone());
        }
    }

    /** Sampled events at a site with their latencies, as they are charged. */
    private static final class ChargeStats {
        private long count;
        private long totalNanos;
        private int[] buckets;

        void add(long nanos) {
            count++;
            totalNanos += nanos;
            if (buckets == null) {
                buckets = new int[LogLatencyBuckets.BUCKETS]; // lazily: most sites see one or two kinds of event
            }
            buckets[LogLatencyBuckets.index(nanos)]++;
        }

        Charges snapshot() {
            return new Charges(count, totalNanos, buckets == null ? null : buckets.clone());
        }
    }

    /**
     * One stack and the sampled events charged to it, at a snapshot: a value (the arrays are its own copies, read only).
     */
    static final class Site {
        final List<String> frames;
        final long creates;
        final Charges blocked;
        /** Indexed by {@link BlockKind}. */
        final long[] blocksByKind;
        final Charges wakeToRun;
        final Charges pinned;
        /** Indexed by {@link PinnedKind}; sums to {@code blocksByKind[PINNED]}. */
        final long[] pinnedByKind;

        private Site(List<String> frames, long creates, Charges blocked, long[] blocksByKind, Charges wakeToRun,
                     Charges pinned, long[] pinnedByKind) {
            this.frames = frames;
            this.creates = creates;
            this.blocked = blocked;
            this.blocksByKind = blocksByKind;
            this.wakeToRun = wakeToRun;
            this.pinned = pinned;
            this.pinnedByKind = pinnedByKind;
        }
    }

    /**
     * Sampled events at a site with their latencies, at a snapshot: count, total, and a log-bucket histogram (written
     * to the dump, where its percentiles are computed). A value.
     */
    static final class Charges {
        final long count;
        final long totalNanos;
        /** Counts per {@link LogLatencyBuckets} bucket; null when nothing was charged. */
        private final int[] buckets;

        private Charges(long count, long totalNanos, int[] buckets) {
            this.count = count;
            this.totalNanos = totalNanos;
            this.buckets = buckets;
        }

        /** The non-zero buckets as {@code [bucket, count]} pairs in bucket order, as the dump writes them. */
        long[][] nonZeroBuckets() {
            if (buckets == null) {
                return new long[0][];
            }
            List<long[]> cells = new ArrayList<>();
            for (int i = 0; i < buckets.length; i++) {
                if (buckets[i] > 0) {
                    cells.add(new long[]{i, buckets[i]});
                }
            }
            return cells.toArray(long[][]::new);
        }
    }
}

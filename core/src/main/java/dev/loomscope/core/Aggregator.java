package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.EventSink;
import dev.loomscope.bootstrap.Recorder;
import dev.loomscope.bootstrap.SampleRing;
import dev.loomscope.bootstrap.SitePurpose;
import dev.loomscope.bootstrap.StackSample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Turns the drained event stream into counts, latency distributions, heatmaps and carrier statistics, following each
 * live virtual thread through a small state machine.
 * <p>
 * The stream of one virtual thread arrives in the order its transitions happened (the recorder stripes by thread id),
 * but it may be incomplete: records can be dropped when a ring is full, and after a late attach the first records of
 * a thread that was already parked come without its creation. Every transition therefore tolerates an unexpected
 * previous state instead of trusting it, and a latency is only measured between two records that were both seen.
 * <p>
 * Per live thread one {@code long}: state bits in the top {@value #STATE_BITS} bits, and in the rest the time of its
 * last transition, in nanoseconds since {@link #originNanoTime} (enough for {@value #TIMESTAMP_DAYS} days).
 * <p>
 * Drain thread only; {@link #snapshot} must be called under the same external lock the drain holds.
 */
final class Aggregator implements EventSink {
    // Phase of a live virtual thread.
    private static final int QUEUED_FOR_START = 1;
    private static final int RUNNING = 2;
    private static final int BLOCKED = 3;
    private static final int YIELDED = 4;
    private static final int QUEUED = 5;
    private static final int PINNED = 6;
    private static final int PHASE_MASK = 0x7;
    /** Between SLEEP_BEGIN and SLEEP_END: a timed park is a sleep. */
    private static final int SLEEPING = 1 << 3;
    /** Its CREATE was recorded, so its END counts in {@code ended}. */
    private static final int TRACKED = 1 << 4;
    /** The block kind of a BLOCKED or QUEUED thread, for blocked-by-kind latencies. */
    private static final int KIND_SHIFT = 5;
    private static final int KIND_MASK = 0xF << KIND_SHIFT;
    /** A timed block with a known deadline in {@link #timedBlockDeadline}. */
    private static final int TIMED = 1 << 9;
    /** The thread has sampled sites in {@link #sitesOfThread}: only then is that table probed. */
    private static final int HAS_SITES = 1 << 10;
    // Site ids of one thread, packed into one long of sitesOfThread.
    private static final int SITE_BITS = 21;
    private static final long SITE_MASK = (1L << SITE_BITS) - 1;
    private static final int PENDING_BLOCK_SITE = 0;
    private static final int BLOCK_SITE = SITE_BITS;
    private static final int WAKE_SITE = 2 * SITE_BITS;

    static final int STATE_BITS = 12;
    private static final int TIMESTAMP_BITS = 64 - STATE_BITS;
    private static final long TIMESTAMP_MASK = (1L << TIMESTAMP_BITS) - 1;
    static final int TIMESTAMP_DAYS = 52;
    private static final long ABSENT = -1L;
    /** Longest slices kept with their details. */
    private static final int LONG_SLICES_KEPT = 20;

    private final LiveThreadTable live = new LiveThreadTable();
    /** Start of the current pinned block, for threads pinned now (few at a time). */
    private final LiveThreadTable pinnedSince = new LiveThreadTable();
    /** Deadline (relative to the origin) of the current timed park or wait, for threads in one now. */
    private final LiveThreadTable timedBlockDeadline = new LiveThreadTable();
    /**
     * For threads with sampled stacks in flight: the site of the block being entered (sampled before its BLOCK record),
     * of the block in progress, and of the wake awaiting its mount.
     */
    private final LiveThreadTable sitesOfThread = new LiveThreadTable();
    private final SiteTable sites = new SiteTable();
    /**
     * Per virtual thread mounted now (as few entries as carriers): its carrier column in the low 32 bits and, once a
     * long slice was walked, its site in the high bits. Kept per thread because only a thread's own records are
     * ordered: another thread's mount on the same carrier may be drained before this thread's unmount.
     */
    private final LiveThreadTable carrierOfMounted = new LiveThreadTable();
    private final ClockConversion clock;
    private final SampleRing samples;
    private long samplesTaken;
    private long samplesLost;
    private final long leakThresholdNanos;
    private final int stackDepth;
    private final long firstObservableThreadId;
    private final long originNanoTime;
    private final long originEpochNanos;
    private final long longSliceNanos;

    private long created;
    private long started;
    private long ended;
    private long preexistingEnded;
    private long blocks;
    private long pinnedBlocks;
    private long wakes;
    private long yields;
    private long mounts;
    private long unmounts;
    private long submitFailed;
    private final long[] blocksByKind = new long[BlockKind.COUNT];
    private long carriersStarted;
    private long carriersExited;
    private long carrierIdlePeriods;
    private long events;

    private final LatencyDistribution startDelay = new LatencyDistribution();
    private final LatencyDistribution wakeToRun = new LatencyDistribution();
    private final LatencyDistribution runSlice = new LatencyDistribution();
    private final LatencyDistribution pinnedBlocked = new LatencyDistribution();
    private final LatencyDistribution[] blockedByKind = new LatencyDistribution[BlockKind.COUNT];

    private final WindowedHeatmap createHeatmap;
    private final WindowedHeatmap blockHeatmap;
    private final WindowedHeatmap wakeHeatmap;
    private final WindowedHeatmap mountHeatmap;
    private final WindowedHeatmap startDelayHeatmap;
    private final WindowedHeatmap wakeToRunHeatmap;
    private final WindowedHeatmap blockedHeatmap;
    private final WindowedHeatmap runSliceHeatmap;

    private final CarrierTable carriers = new CarrierTable();
    private long longSlices;
    private final PriorityQueue<LongSlice> longestSlices =
            new PriorityQueue<>(Comparator.comparingLong(LongSlice::durationNanos));

    /**
     * @param firstObservableThreadId thread ids are handed out in increasing order; a thread id at or above this was
     *                                allocated after the agent started, so it cannot predate the recording even if
     *                                its CREATE record was lost
     * @param originNanoTime          a {@link System#nanoTime()} before any record (timestamps are stored relative)
     * @param originEpochNanos        wall-clock time at {@code originNanoTime}, to align heatmap windows on epoch time
     * @param windowNanos             heatmap window length
     * @param fineWindows             windows kept at full resolution before downsampling
     * @param longSliceNanos          run slices at least this long are reported as long slices
     * @param samples                 where sampled stacks come from, or null when sampling is off
     * @param leakThresholdNanos      blocked at least this long at a dump: reported in leak clusters
     * @param stackDepth              frames kept of stacks the drain walks itself (long slices)
     * @param clock                   turns the records' timestamps into {@code nanoTime} nanoseconds
     */
    Aggregator(long firstObservableThreadId, long originNanoTime, long originEpochNanos, long windowNanos,
               int fineWindows, long longSliceNanos, SampleRing samples, long leakThresholdNanos, int stackDepth,
               ClockConversion clock) {
        this.clock = clock;
        this.samples = samples;
        this.stackDepth = stackDepth;
        this.leakThresholdNanos = leakThresholdNanos;
        this.firstObservableThreadId = firstObservableThreadId;
        this.originNanoTime = originNanoTime;
        this.originEpochNanos = originEpochNanos;
        this.longSliceNanos = longSliceNanos;
        createHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        blockHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        wakeHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        mountHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        startDelayHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        wakeToRunHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        blockedHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        runSliceHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
    }

    /**
     * What one record does to the aggregator, by {@link EventKind}: a table of one small object per kind rather than
     * a {@code switch}. The call through the table reaches several classes, so the JIT compiles each transition on
     * its own instead of inlining all of them into the drain loop. Behind a {@code switch}, that one method grew to
     * 36 KB of machine code, took C2 up to 0.6 s per compilation on a 2-vCPU machine, and was compiled again whenever
     * a rare branch (a table resize, a new heatmap window) was first taken: five times in one PingPong run, a core
     * taken from the application while it warms up. In steady state the extra megamorphic call is lost in the noise
     * (JMH {@code AggregatorBenchmark.direct}, docs/PERFORMANCE.md).
     * <p>
     * The frequent kinds are classes whose {@code apply} holds the transition itself ({@link OnMount} and the like):
     * behind a method reference the JIT compiled each handler twice, once on its own (hot while the lambda was still
     * interpreted) and once inlined into the lambda.
     */
    @FunctionalInterface
    private interface Transition {
        void apply(long timestampNanos, long threadId, long arg);
    }

    private final Transition[] transitionByKind = transitions();

    private Transition[] transitions() {
        Transition[] byKind = new Transition[EventKind.COUNT];
        Arrays.fill(byKind, (Transition) (ts, threadId, arg) -> { });
        byKind[EventKind.CREATE] = new OnCreate();
        byKind[EventKind.MOUNT] = new OnMount();
        byKind[EventKind.BLOCK] = new OnBlock();
        byKind[EventKind.SUBMIT] = new OnSubmit();
        byKind[EventKind.END] = new OnEnd();
        byKind[EventKind.SUBMIT_FAILED] = (ts, threadId, arg) -> submitFailed++;
        byKind[EventKind.PINNED_BLOCK] = this::onPinnedBlock;
        byKind[EventKind.PINNED_UNBLOCK] = (ts, threadId, arg) -> onPinnedUnblock(ts, threadId);
        byKind[EventKind.SLEEP_BEGIN] = (ts, threadId, arg) -> replaceState(threadId, 0, SLEEPING, RUNNING);
        byKind[EventKind.SLEEP_END] = (ts, threadId, arg) -> replaceState(threadId, SLEEPING, 0, RUNNING);
        byKind[EventKind.CARRIER_START] = (ts, threadId, carrierId) -> {
            carriersStarted++;
            carriers.column(carrierId);
        };
        byKind[EventKind.CARRIER_EXIT] = (ts, threadId, carrierId) -> carriersExited++;
        byKind[EventKind.CARRIER_IDLE] = (ts, threadId, carrierId) -> {
            carrierIdlePeriods++;
            carriers.stats(carriers.column(carrierId)).idleBegins(ts);
        };
        byKind[EventKind.CARRIER_ACTIVE] = (ts, threadId, carrierId) ->
                carriers.stats(carriers.column(carrierId)).idleEnds(ts);
        byKind[EventKind.SAMPLE] = (ts, threadId, arg) -> onSample(threadId, arg);
        return byKind;
    }

    /** @param timestamp the recorder's clock reading, converted here ({@link ClockConversion}) */
    @Override
    public void accept(long timestamp, int kind, long threadId, long arg) {
        events++;
        if (kind >= 0 && kind < transitionByKind.length) {
            transitionByKind[kind].apply(clock.toNanos(timestamp), threadId, arg);
        }
    }

    /** A created thread enters the live table, queued for its first mount. */
    private final class OnCreate implements Transition {
        @Override
        public void apply(long ts, long threadId, long creatorId) {
            created++;
            live.put(threadId, pack(QUEUED_FOR_START | TRACKED, ts));
            createHeatmap.add(epochNanos(ts), columnOfActor(creatorId));
        }
    }

    /** The first mount of a created thread is its start; a mount after a wake ends the wake-to-run latency. */
    private final class OnMount implements Transition {
        @Override
        public void apply(long ts, long threadId, long carrierId) {
            mounts++;
            int column = carriers.column(carrierId);
            CarrierTable.CarrierStats carrier = carriers.stats(column);
            carrier.mounted(threadId, ts);
            carrierOfMounted.put(threadId, column);
            mountHeatmap.add(epochNanos(ts), column);
            int slot = live.slotOf(threadId);
            long value = slot < 0 ? ABSENT : live.valueAt(slot);
            int state = value == ABSENT ? 0 : stateOf(value);
            int phase = state & PHASE_MASK;
            if (phase == QUEUED_FOR_START) {
                started++;
                long delay = elapsedSince(value, ts);
                startDelay.record(delay);
                startDelayHeatmap.add(epochNanos(ts), LogLatencyBuckets.index(delay));
            } else if (phase == QUEUED && timeOf(value) > 0
                    && (state & KIND_MASK) >>> KIND_SHIFT != BlockKind.YIELD) { // a yield's re-queue is not a wake
                long latency = elapsedSince(value, ts);
                wakeToRun.record(latency);
                wakeToRunHeatmap.add(epochNanos(ts), LogLatencyBuckets.index(latency));
                if ((state & HAS_SITES) != 0) {
                    int site = takeSite(threadId, WAKE_SITE);
                    if (site != SiteTable.NONE) {
                        sites.get(site).wakeToRun.add(latency);
                    }
                }
            }
            if ((state & TIMED) != 0) {
                timedBlockDeadline.remove(threadId, ABSENT); // its SUBMIT was dropped
            }
            store(threadId, slot, pack((state & ~(PHASE_MASK | KIND_MASK | TIMED)) | RUNNING, ts));
        }
    }

    /**
     * Writes a thread's value through the slot found earlier in the same event ({@link LiveThreadTable#slotOf}),
     * or inserts it. The side tables touched in between are other tables, so the slot is still valid.
     */
    private void store(long threadId, int slot, long value) {
        if (slot >= 0) {
            live.setValueAt(slot, value);
        } else {
            live.put(threadId, value);
        }
    }

    /**
     * afterYield follows unmount on the same carrier: the record ends a run slice (on the carrier of the preceding
     * mount) and begins a block (or yield).
     */
    private final class OnBlock implements Transition {
        @Override
        public void apply(long ts, long threadId, long arg) {
            long timeoutNanos = arg >>> 8;
            int blockKind = (int) (arg & 0xFF);
            unmounts++;
            int slot = live.slotOf(threadId);
            long value = slot < 0 ? ABSENT : live.valueAt(slot);
            int state = value == ABSENT ? 0 : stateOf(value);
            long mounted = carrierOfMounted.remove(threadId, CarrierTable.OTHER);
            int column = (int) mounted;
            endSlice(ts, threadId, value, state, mounted);
            state &= ~TIMED;
            if (blockKind == BlockKind.YIELD) {
                yields++;
                if ((state & HAS_SITES) != 0) {
                    // sampled in yieldContinuation, but Thread.yield is no block
                    takeSite(threadId, PENDING_BLOCK_SITE);
                }
                store(threadId, slot, pack(withPhase(state, YIELDED), ts));
                return;
            }
            if (blockKind == BlockKind.TIMED_PARK && (state & SLEEPING) != 0) {
                blockKind = BlockKind.SLEEP;
            }
            if (blockKind < 0 || blockKind >= BlockKind.COUNT) {
                blockKind = BlockKind.UNKNOWN;
            }
            blocks++;
            blocksByKind[blockKind]++;
            blockHeatmap.add(epochNanos(ts), column);
            if ((state & HAS_SITES) != 0) {
                moveSite(threadId, PENDING_BLOCK_SITE, BLOCK_SITE, blockKind);
            }
            if (timeoutNanos > 0) {
                timedBlockDeadline.put(threadId, ts - originNanoTime + timeoutNanos);
                state |= TIMED;
            }
            store(threadId, slot, pack((withPhase(state, BLOCKED) & ~KIND_MASK) | blockKind << KIND_SHIFT, ts));
        }
    }

    /**
     * @param mounted the thread's {@link #carrierOfMounted} entry: the carrier the slice ran on
     *                ({@link CarrierTable#OTHER} if its mount was not seen) and the slice's walked site
     */
    private void endSlice(long ts, long threadId, long value, int state, long mounted) {
        int column = (int) mounted;
        int sliceSite = (int) (mounted >>> 32);
        CarrierTable.CarrierStats carrier = carriers.stats(column);
        carrier.unmounted(threadId);
        if ((state & PHASE_MASK) != RUNNING || column == CarrierTable.OTHER) {
            return; // mount not seen (dropped, or before a late attach): no slice length
        }
        long slice = elapsedSince(value, ts);
        runSlice.record(slice);
        runSliceHeatmap.add(epochNanos(ts), LogLatencyBuckets.index(slice));
        carrier.sliceEnded(slice);
        if (slice >= longSliceNanos) {
            longSlices++;
            if (longestSlices.size() == LONG_SLICES_KEPT && slice <= longestSlices.peek().durationNanos()) {
                return; // shorter than every slice kept: counted, not listed
            }
            longestSlices.add(new LongSlice(threadId, carrier.threadId, epochNanos(timeOf(value) + originNanoTime),
                    slice, sliceSite, false));
            if (longestSlices.size() > LONG_SLICES_KEPT) {
                longestSlices.poll();
            }
        }
    }

    /**
     * A submit re-queues a blocked or yielded thread (a wake). The JDK's submit methods call each other, so one wake
     * can produce several SUBMIT records: only the first one after a block counts.
     * <p>
     * A timed block ends at the earlier of its wake and its deadline: on JDK 25 the task that wakes a sleeper runs on
     * a carrier itself, so when carriers are busy the SUBMIT comes late, and that delay is scheduler latency
     * (wake-to-run), not blocked time.
     */
    private final class OnSubmit implements Transition {
        @Override
        public void apply(long ts, long threadId, long wakerId) {
            int slot = live.slotOf(threadId);
            long value = slot < 0 ? ABSENT : live.valueAt(slot);
            if (value == ABSENT || (stateOf(value) & PHASE_MASK) == 0) {
                wakes++; // parked before a late attach: its block was not seen, its wake is real
                wakeHeatmap.add(epochNanos(ts), columnOfActor(wakerId));
                store(threadId, slot, pack(QUEUED | (value == ABSENT ? 0 : stateOf(value)), ts));
                return;
            }
            int state = stateOf(value);
            int phase = state & PHASE_MASK;
            if (phase == BLOCKED) {
                wakes++;
                wakeHeatmap.add(epochNanos(ts), columnOfActor(wakerId));
                long runnableSince = ts;
                if ((state & TIMED) != 0) {
                    long deadline = timedBlockDeadline.remove(threadId, ABSENT);
                    if (deadline != ABSENT) {
                        runnableSince = Math.min(ts, deadline + originNanoTime);
                    }
                    state &= ~TIMED;
                }
                long duration = elapsedSince(value, runnableSince);
                int kind = (state & KIND_MASK) >>> KIND_SHIFT;
                blockedHeatmap.add(epochNanos(runnableSince), LogLatencyBuckets.index(duration));
                blockedByKind(kind).record(duration);
                if ((state & HAS_SITES) != 0) {
                    int site = takeSite(threadId, BLOCK_SITE);
                    if (site != SiteTable.NONE) {
                        sites.get(site).blocked.add(duration);
                    }
                }
                store(threadId, slot, pack(withPhase(state, QUEUED), runnableSince));
            } else if (phase == YIELDED) {
                int yieldQueued = (withPhase(state, QUEUED) & ~KIND_MASK) | BlockKind.YIELD << KIND_SHIFT;
                store(threadId, slot, pack(yieldQueued, ts));
            }
        }
    }

    private void onPinnedBlock(long ts, long threadId, long carrierId) {
        blocks++;
        pinnedBlocks++;
        blocksByKind[BlockKind.PINNED]++;
        blockHeatmap.add(epochNanos(ts), carriers.column(carrierId));
        pinnedSince.put(threadId, ts - originNanoTime);
        int state = replaceState(threadId, PHASE_MASK, PINNED, 0);
        if ((state & HAS_SITES) != 0) {
            moveSite(threadId, PENDING_BLOCK_SITE, BLOCK_SITE, BlockKind.PINNED);
        }
    }

    private void onPinnedUnblock(long ts, long threadId) {
        int state = replaceState(threadId, PHASE_MASK, RUNNING, 0);
        long since = pinnedSince.remove(threadId, ABSENT);
        if (since != ABSENT) {
            long duration = ts - originNanoTime - since;
            pinnedBlocked.record(duration);
            blockedByKind(BlockKind.PINNED).record(duration);
            if ((state & HAS_SITES) != 0) {
                int site = takeSite(threadId, BLOCK_SITE);
                if (site != SiteTable.NONE) {
                    sites.get(site).pinned.add(duration);
                }
            }
        }
    }

    /** afterDone follows the last unmount, except after a failed start, which never mounted. */
    private final class OnEnd implements Transition {
        @Override
        public void apply(long ts, long threadId, long unused) {
            long value = live.remove(threadId, ABSENT);
            int state = value == ABSENT ? 0 : stateOf(value);
            if (value == ABSENT || (state & PHASE_MASK) != QUEUED_FOR_START) {
                unmounts++;
                long mounted = carrierOfMounted.remove(threadId, CarrierTable.OTHER);
                if (value != ABSENT) {
                    endSlice(ts, threadId, value, state, mounted);
                }
            }
            pinnedSince.remove(threadId, ABSENT);
            if ((state & TIMED) != 0) {
                timedBlockDeadline.remove(threadId, ABSENT);
            }
            if ((state & HAS_SITES) != 0) {
                sitesOfThread.remove(threadId, ABSENT);
            }
            boolean tracked = value != ABSENT ? (state & TRACKED) != 0 : threadId >= firstObservableThreadId;
            if (tracked) {
                ended++;
            } else {
                preexistingEnded++;
            }
        }
    }

    /**
     * The heatmap column for something {@code threadId} did: its own if it is a carrier, its carrier's if it is a
     * virtual thread mounted now (as far as the records drained so far tell), {@link CarrierTable#OTHER} otherwise.
     */
    private int columnOfActor(long threadId) {
        int column = carriers.columnIfCarrier(threadId);
        return column >= 0 ? column : (int) carrierOfMounted.get(threadId, CarrierTable.OTHER);
    }

    /**
     * A sampled stack: a create site is charged at once; a block or wake site waits in {@link #sitesOfThread} for
     * the record it precedes, and the latency that record ends.
     */
    private void onSample(long threadId, long arg) {
        StackSample sample = samples == null ? null : samples.take(arg >>> 2);
        if (sample == null) {
            samplesLost++;
            return;
        }
        samplesTaken++;
        int site = sites.intern(sample.frames());
        int purpose = (int) (arg & 0x3);
        if (purpose == SitePurpose.CREATE) {
            sites.get(site).creates++;
            return;
        }
        int slot = purpose == SitePurpose.BLOCK ? PENDING_BLOCK_SITE : WAKE_SITE;
        long packed = sitesOfThread.get(threadId, 0L);
        sitesOfThread.put(threadId, (packed & ~(SITE_MASK << slot)) | (long) site << slot);
        replaceState(threadId, 0, HAS_SITES, 0); // absent (late attach): phase and time unknown
    }

    /** Removes and returns the site in {@code slot} of the thread's sites (NONE if none). */
    private int takeSite(long threadId, int slot) {
        long packed = sitesOfThread.get(threadId, 0L);
        int site = (int) (packed >>> slot & SITE_MASK);
        if (site != SiteTable.NONE) {
            long rest = packed & ~(SITE_MASK << slot);
            if (rest == 0) {
                sitesOfThread.remove(threadId, 0L);
            } else {
                sitesOfThread.put(threadId, rest);
            }
        }
        return site;
    }

    /** Moves the site in slot {@code from} to slot {@code to}, counting a block of {@code blockKind} there. */
    private void moveSite(long threadId, int from, int to, int blockKind) {
        int site = takeSite(threadId, from);
        if (site != SiteTable.NONE) {
            sites.get(site).blocksByKind[blockKind]++;
            long packed = sitesOfThread.get(threadId, 0L);
            sitesOfThread.put(threadId, (packed & ~(SITE_MASK << to)) | (long) site << to);
        }
    }

    private LatencyDistribution blockedByKind(int kind) {
        LatencyDistribution distribution = blockedByKind[kind];
        if (distribution == null) {
            distribution = new LatencyDistribution(); // lazily: most runs see two or three kinds
            blockedByKind[kind] = distribution;
        }
        return distribution;
    }

    /**
     * Replaces state bits of a thread without touching the time of its last transition (a phase change that is not a
     * transition of its own, a flag, a marker), in one probe. A thread not in the table gets {@code absentState} with
     * the time unknown.
     *
     * @return the thread's new state
     */
    private int replaceState(long threadId, int clear, int set, int absentState) {
        int slot = live.slotOf(threadId);
        if (slot < 0) {
            int state = absentState | set;
            live.put(threadId, (long) state << TIMESTAMP_BITS);
            return state;
        }
        long value = live.valueAt(slot);
        int state = (stateOf(value) & ~clear) | set;
        live.setValueAt(slot, (long) state << TIMESTAMP_BITS | timeOf(value));
        return state;
    }

    private static int withPhase(int state, int phase) {
        return (state & ~PHASE_MASK) | phase;
    }

    private long pack(int state, long nanoTime) {
        long relative = Math.max(0, nanoTime - originNanoTime);
        return (long) state << TIMESTAMP_BITS | (relative & TIMESTAMP_MASK);
    }

    private static int stateOf(long value) {
        return (int) (value >>> TIMESTAMP_BITS);
    }

    /** Time of the last transition, relative to the origin (0: unknown). */
    private static long timeOf(long value) {
        return value & TIMESTAMP_MASK;
    }

    /** Nanoseconds from the last transition stored in {@code value} to {@code nanoTime}. */
    private long elapsedSince(long value, long nanoTime) {
        return nanoTime - originNanoTime - timeOf(value);
    }

    private long epochNanos(long nanoTime) {
        return originEpochNanos + (nanoTime - originNanoTime);
    }

    /** Copies the current state; {@code droppedByKind} comes from the rings, which only the caller can read. */
    Snapshot.Data snapshot(long[] droppedByKind, long agentErrors) {
        long dropped = 0;
        for (long d : droppedByKind) {
            dropped += d;
        }
        Counts counts = new Counts(created, started, ended, created - ended, preexistingEnded, blocks, pinnedBlocks,
                wakes, yields, mounts, unmounts, submitFailed, dropped, agentErrors, blocksByKind.clone(),
                droppedByKind.clone(), carriersStarted, carriersExited, carrierIdlePeriods, events, live.size());
        List<LatencyDistribution> byKind = new ArrayList<>();
        for (int kind = 0; kind < BlockKind.COUNT; kind++) {
            byKind.add(blockedByKind[kind] == null ? null : blockedByKind[kind].copy());
        }
        Snapshot.Latencies latencies = new Snapshot.Latencies(startDelay.copy(), wakeToRun.copy(),
                blockedUnpinned(), runSlice.copy(), pinnedBlocked.copy(), byKind);
        Snapshot.Heatmaps heatmaps = new Snapshot.Heatmaps(createHeatmap.rows(), blockHeatmap.rows(),
                wakeHeatmap.rows(), mountHeatmap.rows(), startDelayHeatmap.rows(), wakeToRunHeatmap.rows(),
                blockedHeatmap.rows(), runSliceHeatmap.rows());
        long now = System.nanoTime();
        walkLongRunningSlices(now);
        List<LongSlice> slices = new ArrayList<>(longestSlices);
        for (CarrierTable.CarrierStats carrier : carriers.carriers()) {
            long running = now - carrier.sliceStartNanos;
            if (carrier.runningThread != 0 && running >= longSliceNanos) {
                slices.add(new LongSlice(carrier.runningThread, carrier.threadId, epochNanos(carrier.sliceStartNanos),
                        running, carrier.sliceSite, true));
            }
        }
        slices.sort(Comparator.comparingLong(LongSlice::durationNanos).reversed());
        return new Snapshot.Data(counts, latencies, heatmaps, carriers.snapshot(now), longSlices,
                longSliceNanos, slices, sites.snapshot(), samplesTaken, samplesLost, leaks(now), leakThresholdNanos);
    }

    /**
     * All unpinned blocks: the sum of the per-kind distributions, derived when asked instead of recording every block
     * twice on the drain's path (pinned blocks have their own distribution, {@code pinnedBlocked}).
     */
    private LatencyDistribution blockedUnpinned() {
        LatencyDistribution all = new LatencyDistribution();
        for (int kind = 0; kind < BlockKind.COUNT; kind++) {
            if (kind != BlockKind.PINNED && blockedByKind[kind] != null) {
                all.add(blockedByKind[kind]);
            }
        }
        return all;
    }

    /** Live virtual threads blocked for at least the leak threshold, clustered by their sampled block site. */
    private List<LeakCluster> leaks(long nowNanoTime) {
        java.util.Map<Integer, LeakCluster> bySite = new java.util.HashMap<>();
        live.forEach((threadId, value) -> {
            int state = stateOf(value);
            if ((state & PHASE_MASK) != BLOCKED || timeOf(value) == 0) {
                return;
            }
            long age = elapsedSince(value, nowNanoTime);
            if (age < leakThresholdNanos) {
                return;
            }
            int site = SiteTable.NONE;
            if ((state & HAS_SITES) != 0) {
                site = (int) (sitesOfThread.get(threadId, 0L) >>> BLOCK_SITE & SITE_MASK);
            }
            int kind = (state & KIND_MASK) >>> KIND_SHIFT;
            bySite.computeIfAbsent(site, LeakCluster::new).add(age, kind);
        });
        List<LeakCluster> clusters = new ArrayList<>(bySite.values());
        clusters.sort(Comparator.comparingLong((LeakCluster c) -> c.threads).reversed());
        return clusters;
    }

    /** Virtual threads blocked long at one site (site NONE: blocks whose stack was not sampled). */
    static final class LeakCluster {
        final int site;
        long threads;
        long oldestNanos;
        final long[] byKind = new long[BlockKind.COUNT];

        LeakCluster(int site) {
            this.site = site;
        }

        void add(long ageNanos, int kind) {
            threads++;
            oldestNanos = Math.max(oldestNanos, ageNanos);
            byKind[kind]++;
        }
    }

    /**
     * Walks the stack of every virtual thread that has kept its carrier for the long-slice threshold, once per slice,
     * while it still runs: a slice's own site (where the CPU time goes), which no event of the thread can show.
     * Called by the drain thread between batches.
     */
    void walkLongRunningSlices(long nowNanoTime) {
        for (CarrierTable.CarrierStats carrier : carriers.carriers()) {
            if (carrier.runningThread != 0 && !carrier.sliceWalked
                    && nowNanoTime - carrier.sliceStartNanos >= longSliceNanos) {
                carrier.sliceWalked = true;
                Thread running = Recorder.mountedOn(carrier.threadId, carrier.runningThread);
                long mounted = carrierOfMounted.get(carrier.runningThread, ABSENT);
                if (running != null && mounted != ABSENT) {
                    StackTraceElement[] stack = running.getStackTrace();
                    if (stack.length > 0) {
                        carrier.sliceSite = sites.intern(stack, stackDepth);
                        carrierOfMounted.put(carrier.runningThread, (long) carrier.sliceSite << 32 | (int) mounted);
                    }
                }
            }
        }
    }

    /**
     * A run slice at least as long as the long-slice threshold: a virtual thread kept its carrier (virtual threads are
     * never preempted), and every thread queued behind it waited.
     *
     * @param site    where the thread was running while the slice was long ({@link SiteTable#NONE} if not walked)
     * @param ongoing still running at the dump (duration so far)
     */
    record LongSlice(long threadId, long carrierThreadId, long startEpochNanos, long durationNanos, int site,
                     boolean ongoing) {
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the metrics endpoint exports, read from one {@link Snapshot}: the one place where the metrics see the
 * recording, so that the snapshot's shape can change without the endpoint noticing. Every value comes from the same
 * snapshot (the drain's state copied under its lock, as a dump copies it), so the values are consistent with each
 * other and lie between those of a dump taken before and one taken after; nothing here summarises or writes JSON.
 * <p>
 * Names of kinds are the JSON's ({@code docs/schema.md}): {@code blocksByKind} has every block kind of
 * {@code counts.blocksByKind}, {@code droppedByKind} every event kind of {@code counts.droppedByKind}.
 */
public final class MetricsReading {
    /** What {@link #schedulerValue} returns when the scheduler does not say. */
    public static final long UNKNOWN = -1;

    private final Snapshot snapshot;
    private final Snapshot.Data data;
    private final Counts counts;
    private final long readNanos;
    private final long lockHeldNanos;

    private MetricsReading(Snapshot snapshot, long readNanos, long lockHeldNanos) {
        this.snapshot = snapshot;
        this.data = snapshot.data();
        this.counts = data.counts();
        this.readNanos = readNanos;
        this.lockHeldNanos = lockHeldNanos;
    }

    /**
     * Takes a snapshot of {@code session} now, without draining the rings first: what the drain thread has aggregated
     * so far (its last pass, milliseconds ago unless it falls behind, which {@code dropped} then shows). A scrape
     * leaves the draining to the drain and holds the recording's lock only to copy its state ({@link #lockHeldNanos});
     * it waits for the lock at most as long as a dump does.
     */
    public static MetricsReading read(RecordingSession session) throws IOException {
        long start = System.nanoTime();
        Snapshot snapshot = session.snapshot("metrics", false);
        long readNanos = System.nanoTime() - start;
        return new MetricsReading(snapshot, readNanos, session.lastSnapshotLockNanos());
    }

    /** A reading of a snapshot taken elsewhere (tests). */
    static MetricsReading of(Snapshot snapshot) {
        return new MetricsReading(snapshot, 0, 0);
    }

    /** How long {@link #read} took: waiting for the lock, holding it, and asking the JVM's management beans. */
    public long readNanos() {
        return readNanos;
    }

    /** How long the snapshot held the recording's lock: the drain could not drain meanwhile. */
    public long lockHeldNanos() {
        return lockHeldNanos;
    }

    public long pid() {
        return snapshot.jvm().pid();
    }

    public String javaVersion() {
        return snapshot.jvm().javaVersion();
    }

    public String agentVersion() {
        return snapshot.agentVersion();
    }

    /** {@code recorder.clock}: {@code tsc} or {@code nanoTime}. */
    public String clock() {
        return snapshot.clock();
    }

    public long recordingStartEpochMs() {
        return snapshot.recordingStartEpochMs();
    }

    // ---- counts -----------------------------------------------------------------------------------------------------

    public long created() {
        return counts.created();
    }

    public long started() {
        return counts.started();
    }

    public long ended() {
        return counts.ended();
    }

    /** {@code counts.live}: created and not seen ending. */
    public long live() {
        return counts.live();
    }

    public long preexistingEnded() {
        return counts.preexistingEnded();
    }

    public long wakes() {
        return counts.wakes();
    }

    public long yields() {
        return counts.yields();
    }

    public long mounts() {
        return counts.mounts();
    }

    public long unmounts() {
        return counts.unmounts();
    }

    public long submitFailed() {
        return counts.submitFailed();
    }

    public long agentErrors() {
        return counts.agentErrors();
    }

    /** {@code recorder.events}: records aggregated. */
    public long events() {
        return counts.events();
    }

    /** {@code counts.blocksByKind}: every block kind, {@code pinned} included, in the JSON's order. */
    public Map<String, Long> blocksByKind() {
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (int kind : blockKinds()) {
            byKind.put(BlockKind.name(kind), counts.blocksByKind()[kind]);
        }
        return Collections.unmodifiableMap(byKind);
    }

    /** {@code counts.droppedByKind}: every event kind, in the JSON's order. */
    public Map<String, Long> droppedByKind() {
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (int kind = 1; kind < EventKind.COUNT; kind++) {
            byKind.put(EventKind.name(kind), counts.droppedByKind()[kind]);
        }
        return Collections.unmodifiableMap(byKind);
    }

    /** {@code counts.pinnedByKind}: every pinned kind, in the JSON's order. */
    public Map<String, Long> pinnedByKind() {
        Map<String, Long> byKind = new LinkedHashMap<>();
        long[] pinned = counts.pinnedByKind();
        for (int kind = 0; kind < PinnedKind.COUNT; kind++) {
            byKind.put(PinnedKind.name(kind), pinned[kind]);
        }
        return Collections.unmodifiableMap(byKind);
    }

    /** The block kinds of {@code counts.blocksByKind}, in its order: every kind but yield (not a block), unknown last. */
    private static int[] blockKinds() {
        int[] kinds = new int[BlockKind.COUNT - 1];
        int n = 0;
        for (int kind = 1; kind < BlockKind.COUNT; kind++) {
            if (kind != BlockKind.YIELD) {
                kinds[n++] = kind;
            }
        }
        kinds[n++] = BlockKind.UNKNOWN;
        return java.util.Arrays.copyOf(kinds, n);
    }

    // ---- recorder, carriers ------------------------------------------------------------------------------------------

    /** {@code recorder.drainCpuNs}, -1 if the JVM cannot tell. */
    public long drainCpuNanos() {
        return snapshot.drainCpuNanos();
    }

    /** {@code recorder.shedding.levelNow}: the threads followed now are 1 in 2^level of those threadSample follows. */
    public int sheddingLevel() {
        return data.shedding().levelNow();
    }

    /** {@code recorder.shedding.episodes}: times the level rose from 0. */
    public long sheddingEpisodes() {
        return data.shedding().episodes();
    }

    /** {@code recorder.shedding.shedNs}: time spent above level 0 (an upper bound). */
    public long sheddingNanos() {
        return data.shedding().shedNanos();
    }

    /** {@code recorder.shedding.historiesForgotten}. */
    public long sheddingHistoriesForgotten() {
        return data.shedding().forgotten();
    }

    /** {@code recorder.shedding.creationsCounted}. */
    public long sheddingCreationsCounted() {
        return data.shedding().creationsCounted();
    }

    public long carriersStarted() {
        return counts.carriersStarted();
    }

    public long carriersExited() {
        return counts.carriersExited();
    }

    public long carrierIdlePeriods() {
        return counts.carrierIdlePeriods();
    }

    /** The sum of {@code carriers.perCarrier[].busyNs}: finished run slices on every carrier. */
    public long carrierBusyNanos() {
        long sum = 0;
        for (Snapshot.Carrier carrier : data.carriers()) {
            sum += carrier.busyNanos();
        }
        return sum;
    }

    /** The sum of {@code carriers.perCarrier[].idleNs}. */
    public long carrierIdleNanos() {
        long sum = 0;
        for (Snapshot.Carrier carrier : data.carriers()) {
            sum += carrier.idleNanos();
        }
        return sum;
    }

    /** Carriers with a virtual thread mounted now ({@code mountedNow}). */
    public int carriersMountedNow() {
        int mounted = 0;
        for (Snapshot.Carrier carrier : data.carriers()) {
            if (carrier.mountedNow()) {
                mounted++;
            }
        }
        return mounted;
    }

    // ---- long slices, leaks ------------------------------------------------------------------------------------------

    /** {@code longSlices.count}: finished slices at least {@code longSlice} long. */
    public long longSlices() {
        return data.longSlices();
    }

    /** Slices running now that are already past {@code longSlice}: carriers monopolised at this moment. */
    public int longSlicesRunning() {
        int running = 0;
        for (LongSlice slice : data.longestSlices()) {
            if (slice.ongoing()) {
                running++;
            }
        }
        return running;
    }

    /** The longest of {@link #longSlicesRunning}, so far, ns; 0 if none. */
    public long longestRunningSliceNanos() {
        long longest = 0;
        for (LongSlice slice : data.longestSlices()) {
            if (slice.ongoing()) {
                longest = Math.max(longest, slice.durationNanos());
            }
        }
        return longest;
    }

    /** {@code leaks.threads}: threads blocked at least {@code leakThreshold}. */
    public long leakedThreads() {
        long threads = 0;
        for (LeakCluster cluster : data.leaks()) {
            threads += cluster.threads;
        }
        return threads;
    }

    public int leakClusters() {
        return data.leaks().size();
    }

    /** Threads in the largest leak cluster (the first of {@code leaks.clusters}); 0 if none. */
    public long largestLeakClusterThreads() {
        List<LeakCluster> leaks = data.leaks();
        return leaks.isEmpty() ? 0 : leaks.get(0).threads;
    }

    /** How long the oldest thread of the largest leak cluster has been blocked, ns; 0 if none. */
    public long largestLeakClusterOldestNanos() {
        List<LeakCluster> leaks = data.leaks();
        return leaks.isEmpty() ? 0 : leaks.get(0).oldestNanos;
    }

    /** {@code leaks.thresholdNs}. */
    public long leakThresholdNanos() {
        return data.leakThresholdNanos();
    }

    // ---- scheduler ---------------------------------------------------------------------------------------------------

    /** Scheduler parallelism: the JDK's scheduler MXBean (JDK 24+), else the pool's own. */
    public long schedulerParallelism() {
        return schedulerValue("parallelism", "parallelism");
    }

    /** Carrier threads in the scheduler's pool: the MXBean's, else the pool's. */
    public long schedulerPoolSize() {
        return schedulerValue("poolSize", "poolSize");
    }

    /**
     * Virtual threads queued for a carrier: the MXBean's {@code queuedVirtualThreadCount}, else the pool's queued
     * tasks and submissions.
     */
    public long schedulerQueued() {
        long mxBean = mxBeanValue("queuedVirtualThreadCount");
        if (mxBean != UNKNOWN) {
            return mxBean;
        }
        long tasks = poolValue("queuedTasks");
        long submissions = poolValue("queuedSubmissions");
        return tasks == UNKNOWN || submissions == UNKNOWN ? UNKNOWN : tasks + submissions;
    }

    /** Virtual threads mounted now, by the MXBean (JDK 24+); {@link #UNKNOWN} before. */
    public long schedulerMounted() {
        return mxBeanValue("mountedVirtualThreadCount");
    }

    /** Work-stealing count of the pool. */
    public long schedulerSteals() {
        return poolValue("steals");
    }

    private long schedulerValue(String mxBeanKey, String poolKey) {
        long mxBean = mxBeanValue(mxBeanKey);
        return mxBean != UNKNOWN ? mxBean : poolValue(poolKey);
    }

    private long mxBeanValue(String key) {
        return snapshot.context().scheduler().get("mxBean") instanceof Map<?, ?> mxBean
                && mxBean.get(key) instanceof Number n ? n.longValue() : UNKNOWN;
    }

    private long poolValue(String key) {
        return snapshot.context().scheduler().get(key) instanceof Number n ? n.longValue() : UNKNOWN;
    }

    // ---- latencies ---------------------------------------------------------------------------------------------------

    public Latency wakeToRun() {
        return new Latency(data.latencies().wakeToRun());
    }

    public Latency startDelay() {
        return new Latency(data.latencies().startDelay());
    }

    public Latency runSlice() {
        return new Latency(data.latencies().runSlice());
    }

    /** {@code latencies.pinnedBlocked}. */
    public Latency pinned() {
        return new Latency(data.latencies().pinnedBlocked());
    }

    /**
     * {@code latencies.blockedByKind} without {@code pinned} (that is {@link #pinned}): every unpinned block kind, in
     * the JSON's order, an empty latency for a kind without a finished block.
     */
    public Map<String, Latency> blockedByKind() {
        Map<String, Latency> byKind = new LinkedHashMap<>();
        List<LatencyDistribution> distributions = data.latencies().blockedByKind();
        for (int kind : blockKinds()) {
            if (kind != BlockKind.PINNED) {
                byKind.put(BlockKind.name(kind), new Latency(kind < distributions.size() ? distributions.get(kind) : null));
            }
        }
        return Collections.unmodifiableMap(byKind);
    }

    // ---- operations --------------------------------------------------------------------------------------------------

    /**
     * The application's operations with the most wakes, at most {@code limit}, the most first (then in the order
     * the drain first saw them): what the metrics label their per-operation histograms with. A bound on the series,
     * stable from one scrape to the next as long as the busiest operations stay the busiest.
     */
    public List<Operation> operations(int limit) {
        List<Snapshot.Operation> all = new java.util.ArrayList<>(data.operations().operations());
        all.sort(java.util.Comparator.comparingLong((Snapshot.Operation o) -> o.wakeToRun().count()).reversed());
        List<Operation> top = new java.util.ArrayList<>();
        for (Snapshot.Operation operation : all.subList(0, Math.min(limit, all.size()))) {
            top.add(new Operation(operation));
        }
        return top;
    }

    /** One operation: its wake-to-run and blocked distributions and its worst events of each. */
    public static final class Operation {
        private final Snapshot.Operation operation;

        private Operation(Snapshot.Operation operation) {
            this.operation = operation;
        }

        public String name() {
            return operation.name();
        }

        public Latency wakeToRun() {
            return new Latency(operation.wakeToRun());
        }

        public Latency blocked() {
            return new Latency(operation.blocked());
        }

        /** The longest waits for a carrier, longest first. */
        public List<Exemplar> worstWakeToRun() {
            return exemplars(operation.worstWakeToRun());
        }

        /** The longest unpinned blocks, longest first. */
        public List<Exemplar> worstBlocked() {
            return exemplars(operation.worstBlocked());
        }

        private static List<Exemplar> exemplars(List<Exemplars.Exemplar> worst) {
            return worst.stream().map(e -> new Exemplar(e.durationNanos(), e.startEpochNanos() / 1_000_000,
                    e.traceId())).toList();
        }
    }

    /**
     * One of an operation's worst events.
     *
     * @param traceId the trace id of its thread's scope, null if none
     */
    public record Exemplar(long durationNanos, long startEpochMillis, String traceId) {
    }

    /** One latency distribution of the snapshot, in nanoseconds, for exports that bucket it their own way. */
    public static final class Latency {
        private final LatencyDistribution distribution;

        private Latency(LatencyDistribution distribution) {
            this.distribution = distribution;
        }

        public long count() {
            return distribution == null ? 0 : distribution.count();
        }

        /**
         * Each distinct recorded value range in increasing order: its highest value (what the JSON's percentiles
         * report), its middle (what the JSON's mean adds up), and how many values fell into it. HdrHistogram's ranges
         * are at most 1/1024 of their value wide (3 significant digits).
         */
        public void forEachRecordedValue(RecordedValues values) {
            if (distribution != null) {
                distribution.forEachRecordedValue(values::accept);
            }
        }
    }

    /** See {@link Latency#forEachRecordedValue}. */
    @FunctionalInterface
    public interface RecordedValues {
        void accept(long highestEquivalentNanos, long medianEquivalentNanos, long count);
    }
}

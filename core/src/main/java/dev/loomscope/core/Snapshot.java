package dev.loomscope.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Everything one dump writes: the in-memory model that output formats are written from.
 *
 * @param lateAttach     the agent was attached to a running JVM (counts miss what happened before)
 * @param trigger        what asked for the dump: {@code exit}, {@code sigquit}, {@code interval}, {@code attach-dump},
 *                       {@code in-process}, {@code http}, {@code duration}, {@code stop} ({@code docs/schema.md})
 * @param dumpEpochMs    wall-clock time of the dump
 * @param recordingNanos how long the recorder had been running
 * @param windowNanos    heatmap base window length
 * @param drainCpuNanos  CPU time the drain thread has used (the recording's own cost off the application's threads),
 *                       -1 if the JVM cannot tell
 * @param clock          what the records' timestamps were read from: {@code tsc} or {@code nanoTime}
 */
public record Snapshot(JvmInfo jvm, String agentVersion, Map<String, Object> options, HookReport hooks,
                       boolean lateAttach, String trigger, long recordingStartEpochMs, long dumpEpochMs,
                       long recordingNanos, long windowNanos, Data data, Context context,
                       long drainCpuNanos, String clock) {

    /** Whether any virtual thread was created, started or ended while recording. */
    boolean sawVirtualThreads() {
        Counts counts = data.counts();
        return counts.created() > 0 || counts.started() > 0 || counts.preexistingEnded() > 0;
    }

    /** @param startEpochMs when the JVM started */
    public record JvmInfo(long pid, String javaVersion, String vendor, long startEpochMs) {
    }

    /**
     * What the aggregator knows at the dump: values, which the drain's further work leaves as they are.
     *
     * @param longSlices    long slices finished so far ({@link LongSlices}); {@code longestSlices} also lists the
     *                      ongoing ones
     * @param sites         every sampled site, in id order (index = id - 1)
     * @param leaks         most threads first
     * @param shedding      when and how much the recorder shed threads ({@link SheddingHistory})
     */
    record Data(Counts counts, Latencies latencies, Heatmaps heatmaps, List<Carrier> carriers, long longSlices,
                long longSliceThresholdNanos, List<LongSlice> longestSlices, List<SiteTable.Site> sites,
                long samplesTaken, long samplesLost, List<LeakCluster> leaks, long leakThresholdNanos,
                Operations operations, Shedding shedding) {
        Data {
            carriers = List.copyOf(carriers);
            longestSlices = List.copyOf(longestSlices);
            sites = List.copyOf(sites);
            leaks = List.copyOf(leaks);
        }

        /** Without operations (a recording without the {@code operations} option), nothing shed. */
        Data(Counts counts, Latencies latencies, Heatmaps heatmaps, List<Carrier> carriers, long longSlices,
             long longSliceThresholdNanos, List<LongSlice> longestSlices, List<SiteTable.Site> sites,
             long samplesTaken, long samplesLost, List<LeakCluster> leaks, long leakThresholdNanos) {
            this(counts, latencies, heatmaps, carriers, longSlices, longSliceThresholdNanos, longestSlices, sites,
                    samplesTaken, samplesLost, leaks, leakThresholdNanos, Operations.NONE, Shedding.NONE);
        }
    }

    /**
     * The application's operations ({@code Loomscope.operation}) and critical scopes, with what the recorder counted
     * of them ({@code dev.loomscope.bootstrap.OperationScopes}).
     *
     * @param limit                 the {@code operations} option: distinct names kept; 0 when off
     * @param named                 distinct names kept so far
     * @param scopesOverLimit       scopes counted as {@code other}: their name came after the limit
     * @param scopesIgnored         scopes ignored for a null or empty name
     * @param namesTruncated        distinct names cut to {@code maxNameChars}
     * @param scopesUntracked       scopes not tracked: the recorder's table of threads in scopes was full there
     * @param traceIdsIgnored       trace ids ignored for their length
     * @param traceIdsLost          trace ids lost on their way to the drain
     * @param criticalSamples       stacks sampled because their thread was in a critical scope
     * @param criticalSamplesCapped samples a critical scope asked for beyond the per-second budget
     * @param apiClassesWoven       copies of {@code dev.loomscope.api.Loomscope} the agent wove (one per class loader)
     * @param operations            in the order their names were first used
     */
    record Operations(int limit, int named, long scopesOverLimit, long scopesIgnored, long namesTruncated,
                      int maxNameChars, long scopesUntracked, long traceIdsIgnored, long traceIdsLost,
                      long criticalScopes, long criticalSamples, long criticalSamplesCapped, long apiClassesWoven,
                      List<Operation> operations) {
        static final Operations NONE = new Operations(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());

        Operations {
            operations = List.copyOf(operations);
        }
    }

    /**
     * One operation: counts, distributions (copies, summarised when written), block sites, worst events.
     *
     * @param blocksByKind       by {@code BlockKind}
     * @param blockSites         sampled block sites, the most blocked time first
     * @param blockSitesOverflow sampled blocks charged to no site: the operation had too many distinct sites
     */
    record Operation(String name, long threads, long inheritedThreads, long blocks, long pinnedBlocks, long wakes,
                     long longSlices, long[] blocksByKind, LatencyDistribution wakeToRun, LatencyDistribution blocked,
                     LatencyDistribution runSlice, List<OperationSite> blockSites, long blockSitesOverflow,
                     List<Exemplars.Exemplar> worstWakeToRun, List<Exemplars.Exemplar> worstBlocked,
                     List<Exemplars.Exemplar> worstLongSlices) {
        Operation {
            blocksByKind = blocksByKind.clone();
            blockSites = List.copyOf(blockSites);
            worstWakeToRun = List.copyOf(worstWakeToRun);
            worstBlocked = List.copyOf(worstBlocked);
            worstLongSlices = List.copyOf(worstLongSlices);
        }
    }

    /** A sampled block site of one operation: blocks that ended there, and their total time. */
    record OperationSite(int site, long count, long totalNanos) {
    }

    /**
     * Thread shedding ({@link SheddingHistory}): levels are those of {@code ThreadShedding} (0: every thread
     * {@code threadSample} follows is followed).
     *
     * @param levelNow  the level at the dump
     * @param maxLevel  the highest level reached
     * @param episodes  times the level rose from 0
     * @param shedNanos time spent above level 0 (an upper bound: a raise is dated at the drain's last look before it)
     * @param forgotten partial histories the aggregator dropped
     * @param creationsCounted creations of threads shed as they were created: counted, not recorded
     * @param windows   per window, microseconds at each level (column = level)
     */
    record Shedding(int levelNow, int maxLevel, long episodes, long shedNanos, long forgotten, long creationsCounted,
                    List<WindowedHeatmap.Row> windows) {
        static final Shedding NONE = new Shedding(0, 0, 0, 0, 0, 0, List.of());

        Shedding {
            windows = List.copyOf(windows);
        }
    }

    /**
     * @param pauseCollectors  the collectors whose notifications count as pauses
     * @param cpuStatFile      the cgroup file throttling is read from, or null if none
     * @param scheduler        the scheduler's counters at the dump
     * @param series           per window, columns {@link ContextSampler#COLUMNS}
     */
    record Context(List<String> pauseCollectors, long gcPauses, long gcPauseNanos, String cpuStatFile,
                   long throttledPeriods, long throttledNanos, Map<String, Object> scheduler,
                   List<WindowedHeatmap.Row> series) {
    }

    /**
     * Copies of the distributions, taken under the drain's lock and summarised only when written (percentiles and the
     * compressed histogram are the slow part of a snapshot); {@code blockedByKind} by {@code BlockKind}, null where
     * no block of the kind was seen.
     */
    record Latencies(LatencyDistribution startDelay, LatencyDistribution wakeToRun, LatencyDistribution blocked,
                     LatencyDistribution runSlice, LatencyDistribution pinnedBlocked,
                     List<LatencyDistribution> blockedByKind, List<LatencyDistribution> pinnedBlockedByKind) {
        Latencies {
            blockedByKind = Collections.unmodifiableList(new ArrayList<>(blockedByKind)); // holds nulls
            pinnedBlockedByKind = Collections.unmodifiableList(new ArrayList<>(pinnedBlockedByKind)); // by PinnedKind
        }
    }

    /** Activity heatmaps (columns: carriers) and latency heatmaps (columns: {@link LogLatencyBuckets}). */
    record Heatmaps(List<WindowedHeatmap.Row> create, List<WindowedHeatmap.Row> block,
                    List<WindowedHeatmap.Row> wake, List<WindowedHeatmap.Row> mount,
                    List<WindowedHeatmap.Row> startDelay, List<WindowedHeatmap.Row> wakeToRun,
                    List<WindowedHeatmap.Row> blocked, List<WindowedHeatmap.Row> runSlice) {
    }

    /**
     * @param column      the carrier's column in the activity heatmaps
     * @param mountedNow  a virtual thread is mounted on it at the dump
     */
    record Carrier(int column, long threadId, long mounts, long busyNanos, long idleNanos, long longestSliceNanos,
                   boolean mountedNow) {
    }
}

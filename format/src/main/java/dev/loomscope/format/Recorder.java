package dev.loomscope.format;

import java.util.List;

/**
 * {@code recorder}: diagnostics of the recording itself.
 *
 * @param events         records aggregated
 * @param trackedThreads virtual threads the aggregator holds state for at the dump
 * @param drainCpuNs     CPU time of the drain thread so far, -1 if the JVM cannot tell
 * @param clock          {@code tsc} or {@code nanoTime}; {@code null} in dumps of earlier agent builds
 * @param shedding       when and how much the recorder shed threads because the drain fell behind; {@code null} in
 *                       dumps of earlier agent builds
 */
public record Recorder(long events, long trackedThreads, long drainCpuNs, String clock, Shedding shedding) {
    /** Without {@code shedding}: a dump of an agent before it. */
    public Recorder(long events, long trackedThreads, long drainCpuNs, String clock) {
        this(events, trackedThreads, drainCpuNs, clock, null);
    }

    /**
     * {@code recorder.shedding}: while the drain falls behind, the recorder follows a nested subset of the threads
     * {@code threadSample} follows, one in {@code 2^level}, each thread as a whole (docs/schema.md).
     *
     * @param levelNow           the level at the dump (0: every thread {@code threadSample} follows)
     * @param maxLevel           the highest level reached
     * @param episodes           times the level rose from 0
     * @param shedNs             time spent above level 0, ns (an upper bound)
     * @param historiesForgotten partial histories of shed threads the aggregator dropped
     * @param creationsCounted   creations of threads shed as they were created: counted in {@code counts.created},
     *                           not recorded
     * @param columns            what the columns of {@code windows} are
     * @param windows            per window, microseconds spent at each level (column = level)
     */
    public record Shedding(int levelNow, int maxLevel, long episodes, long shedNs, long historiesForgotten,
                           long creationsCounted, String columns, List<HeatmapRow> windows) {
        /** Whether any thread was shed during the recording. */
        public boolean shed() {
            return maxLevel > 0;
        }
    }
}

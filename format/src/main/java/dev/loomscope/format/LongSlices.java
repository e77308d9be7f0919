package dev.loomscope.format;

import java.util.List;

/**
 * {@code longSlices}: run slices that kept a carrier at least {@code thresholdNs} (virtual threads are never
 * preempted, so every thread queued behind one on its carrier waited).
 *
 * @param count   finished slices past the threshold (exact)
 * @param longest the longest finished slices and every slice still running past the threshold, longest first
 */
public record LongSlices(long thresholdNs, long count, List<LongSlice> longest) {

    /**
     * One long slice.
     *
     * @param pid             the JVM it ran in: only in a merged dump, {@code null} in the agent's own
     * @param threadId        the virtual thread
     * @param carrierThreadId the carrier it ran on
     * @param durationNs      its length, so far if {@code ongoing}
     * @param frames          where the thread was running once past the threshold, innermost first; {@code null}
     *                        if its stack was not walked
     */
    public record LongSlice(Long pid, long threadId, long carrierThreadId, long startEpochMs, long durationNs,
                            boolean ongoing, List<String> frames) {
    }
}

package dev.loomscope.format;

import java.util.List;

/**
 * {@code carriers}: the scheduler's carrier threads.
 *
 * @param idlePeriods times a carrier went idle waiting for work
 * @param perCarrier  every carrier seen, in column order
 */
public record Carriers(long started, long exited, long idlePeriods, List<Carrier> perCarrier) {

    /**
     * One carrier.
     *
     * @param column   its column in the activity heatmaps (1, 2, ...; 0 is "other threads")
     * @param threadId {@code null} only in a merged dump, where the JVMs' carriers of this column differ
     * @param name     {@code null} when the carrier was no longer alive at the dump
     * @param busyNs   its finished run slices, summed
     */
    public record Carrier(int column, Long threadId, String name, long mounts, long busyNs, long idleNs,
                          long longestSliceNs, boolean mountedNow) {
    }
}

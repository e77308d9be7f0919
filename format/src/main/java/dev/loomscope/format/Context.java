package dev.loomscope.format;

import java.util.List;

/**
 * {@code context}: what else happened in the JVM and its container, on the heatmaps' time axis.
 *
 * @param columns the columns of {@code windows}
 * @param windows the series, in heatmap rows (column = index in {@code columns})
 */
public record Context(Gc gc, CpuThrottling cpuThrottling, List<String> columns, List<HeatmapRow> windows) {

    /**
     * @param collectors the collectors whose notifications count as pauses
     * @param pauseNs      the pauses' total duration
     * @param resolutionNs the resolution of each pause's duration: the JVM's notifications carry whole milliseconds,
     *                     so a shorter pause adds 0 (null in dumps written before it was recorded)
     */
    public record Gc(List<String> collectors, long pauses, long pauseNs, Long resolutionNs) {
    }

    /**
     * CPU throttling of the process's cgroup.
     *
     * @param available a cgroup {@code cpu.stat} could be read
     * @param file      that file; {@code null} exactly when not {@code available}
     */
    public record CpuThrottling(boolean available, String file, long throttledPeriods, long throttledNs) {
    }
}

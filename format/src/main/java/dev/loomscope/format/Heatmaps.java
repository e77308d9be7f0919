package dev.loomscope.format;

import java.util.List;

/**
 * {@code heatmaps}: counts per time window (a {@link HeatmapRow}) and column, in bounded memory however long the run.
 *
 * @param windowMs the base window, the agent's {@code window} option
 */
public record Heatmaps(long windowMs, Activity activity, Latency latency) {

    /**
     * Transitions per window and carrier column (column 0: other threads); each list sums to its count in
     * {@code counts}.
     *
     * @param columns what the columns are, in words
     */
    public record Activity(String columns, List<HeatmapRow> create, List<HeatmapRow> block, List<HeatmapRow> wake,
                           List<HeatmapRow> mount) {
    }

    /**
     * Latencies per window and latency bucket (column = bucket index); each list sums to the {@code count} of the
     * distribution of the same name in {@code latencies}.
     */
    public record Latency(Buckets buckets, List<HeatmapRow> startDelay, List<HeatmapRow> wakeToRun,
                          List<HeatmapRow> blocked, List<HeatmapRow> runSlice) {
    }

    /**
     * The bucket layout of the latency heatmaps, as constants: rows of dumps with other buckets do not add up.
     *
     * @param scheme                {@code base2-exponential}
     * @param subBucketsPerDoubling 4: bucket boundaries at 2^(i/4) ns
     * @param count                 buckets in all
     * @param bucket                what bucket i holds, in words
     */
    public record Buckets(String scheme, int subBucketsPerDoubling, int count, String bucket) {
    }
}

package dev.loomscope.format;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One row of a heatmap (or of {@code context.windows}): a time window and its non-zero cells. Either a regular row
 * ({@code startEpochMs}, {@code lengthMs}, tier 0..3) or the one "earlier" row ({@code startEpochMs} null,
 * {@code endEpochMs}, tier {@link #EARLIER_TIER}) holding everything older than the coarsest tier.
 *
 * @param startEpochMs the window's start, aligned on epoch time; {@code null} for the earlier row
 * @param lengthMs     the window's length; {@code null} for the earlier row
 * @param endEpochMs   the earlier row's end; {@code null} for a regular row
 * @param tier         0 full resolution; 1, 2, 3 downsampled; {@link #EARLIER_TIER}
 * @param cells        the non-zero cells as {@code [column, count]} pairs, in column order
 */
public record HeatmapRow(Long startEpochMs, Long lengthMs, Long endEpochMs, int tier, long[][] cells) {
    public static final int EARLIER_TIER = -1;

    public static HeatmapRow window(long startEpochMs, long lengthMs, int tier, long[][] cells) {
        return new HeatmapRow(startEpochMs, lengthMs, null, tier, cells);
    }

    public static HeatmapRow earlier(long endEpochMs, long[][] cells) {
        return new HeatmapRow(null, null, endEpochMs, EARLIER_TIER, cells);
    }

    public boolean isEarlier() {
        return startEpochMs == null;
    }

    /** The counts of every cell of this row. */
    public long total() {
        long total = 0;
        for (long[] cell : cells) {
            total += cell[1];
        }
        return total;
    }

    /** The counts of every cell of every row: what a heatmap sums to (its count in {@code counts} or latencies). */
    public static long sum(List<HeatmapRow> rows) {
        long sum = 0;
        for (HeatmapRow row : rows) {
            sum += row.total();
        }
        return sum;
    }

    /** The counts of one column over every row. */
    public static long columnSum(List<HeatmapRow> rows, int column) {
        long sum = 0;
        for (HeatmapRow row : rows) {
            for (long[] cell : row.cells) {
                if (cell[0] == column) {
                    sum += cell[1];
                }
            }
        }
        return sum;
    }

    /** By value, cells included (a record compares arrays by identity). */
    @Override
    public boolean equals(Object other) {
        return other instanceof HeatmapRow row && Objects.equals(startEpochMs, row.startEpochMs)
                && Objects.equals(lengthMs, row.lengthMs) && Objects.equals(endEpochMs, row.endEpochMs)
                && tier == row.tier && Arrays.deepEquals(cells, row.cells);
    }

    @Override
    public int hashCode() {
        return Objects.hash(startEpochMs, lengthMs, endEpochMs, tier) * 31 + Arrays.deepHashCode(cells);
    }

    @Override
    public String toString() {
        return "HeatmapRow[startEpochMs=" + startEpochMs + ", lengthMs=" + lengthMs + ", endEpochMs=" + endEpochMs
                + ", tier=" + tier + ", cells=" + Arrays.deepToString(cells) + "]";
    }
}

package dev.loomscope.report;

import dev.loomscope.format.HeatmapRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the rows of one heatmap (or of {@code context.windows}) from several dumps. Rows are wall-clock windows
 * aligned on the epoch, so the same window of two JVMs has the same {@code startEpochMs} and {@code lengthMs}: such
 * rows add cell by cell (by column: a carrier column, a latency bucket).
 * <p>
 * Rows of different tiers can overlap when one JVM has already downsampled a period that another still holds at full
 * resolution. Every coarser window contains whole finer windows (tier lengths are multiples of one another and all are
 * epoch-aligned), so the finer rows are added into the coarser row that contains them: exactly what the agent itself
 * does when a window ages out of its tier. Likewise a row that starts before the end of an "earlier" row
 * ({@code startEpochMs} null) is added into it, and the earlier row then ends where that row ended. The merged rows
 * never overlap, every count is kept (cells sum to the inputs' sums), and the result depends only on the set of input
 * rows, not on how the inputs were grouped, so merging is associative.
 */
final class HeatmapMerger {
    private HeatmapMerger() {
    }

    /** A window and its cells (column → count). */
    private static final class Row {
        final long start;
        final long length;
        int tier;
        final TreeMap<Integer, Long> cells = new TreeMap<>();

        Row(long start, long length, int tier) {
            this.start = start;
            this.length = length;
            this.tier = tier;
        }

        long end() {
            return start + length;
        }

        void add(Row other) {
            other.cells.forEach((column, count) -> cells.merge(column, count, Long::sum));
        }

        /** Only non-zero cells, as {@code [column, count]}, by column: the agent's format. */
        long[][] cells() {
            return cells.entrySet().stream().filter(cell -> cell.getValue() != 0)
                    .map(cell -> new long[]{cell.getKey(), cell.getValue()}).toArray(long[][]::new);
        }
    }

    /**
     * @param rowLists one row list per input that has this heatmap
     * @param where    the field, for messages
     */
    static List<HeatmapRow> merge(List<List<HeatmapRow>> rowLists, String where) throws UnusableInputException {
        Row earlier = null;
        long earlierEnd = Long.MIN_VALUE;
        Map<List<Long>, Row> timed = new LinkedHashMap<>();
        for (List<HeatmapRow> rows : rowLists) {
            for (HeatmapRow input : rows) {
                Row row = read(input, where);
                if (input.isEarlier()) {
                    earlier = earlier == null ? new Row(Long.MIN_VALUE, 0, HeatmapRow.EARLIER_TIER) : earlier;
                    earlier.add(row);
                    earlierEnd = Math.max(earlierEnd, orZero(input.endEpochMs()));
                } else {
                    Row same = timed.computeIfAbsent(List.of(row.start, row.length),
                            k -> new Row(row.start, row.length, row.tier));
                    same.tier = Math.max(same.tier, row.tier);
                    same.add(row);
                }
            }
        }

        List<Row> rows = new ArrayList<>(timed.values());
        if (earlier != null) {
            // Oldest first: absorbing a row can only move the earlier row's end later, over younger rows.
            rows.sort(Comparator.comparingLong(r -> r.start));
            List<Row> after = new ArrayList<>();
            for (Row row : rows) {
                if (row.start < earlierEnd) {
                    earlier.add(row);
                    earlierEnd = Math.max(earlierEnd, row.end());
                } else {
                    after.add(row);
                }
            }
            rows = after;
        }

        // Coarsest first, so that a finer row finds the row that contains it already kept.
        rows.sort(Comparator.comparingLong((Row r) -> r.length).reversed().thenComparingLong(r -> r.start));
        TreeMap<Long, Row> kept = new TreeMap<>();
        for (Row row : rows) {
            Map.Entry<Long, Row> before = kept.floorEntry(row.start);
            if (before != null && before.getValue().end() > row.start) {
                if (row.end() > before.getValue().end()) {
                    throw overlap(where, row, before.getValue());
                }
                before.getValue().add(row);
                continue;
            }
            Map.Entry<Long, Row> next = kept.ceilingEntry(row.start);
            if (next != null && next.getKey() < row.end()) {
                throw overlap(where, row, next.getValue());
            }
            kept.put(row.start, row);
        }

        List<HeatmapRow> out = new ArrayList<>();
        if (earlier != null) {
            out.add(HeatmapRow.earlier(earlierEnd, earlier.cells()));
        }
        // The agent's order: coarser tiers (older times) first, each oldest first.
        List<Row> ordered = new ArrayList<>(kept.values());
        ordered.sort(Comparator.comparingInt((Row r) -> r.tier).reversed().thenComparingLong(r -> r.start));
        for (Row row : ordered) {
            out.add(HeatmapRow.window(row.start, row.length, row.tier, row.cells()));
        }
        return out;
    }

    /** Windows that overlap without one containing the other: dumps recorded with incompatible windows. */
    private static UnusableInputException overlap(String where, Row a, Row b) {
        return new UnusableInputException(where + ": window " + a.start + "+" + a.length + " ms overlaps window "
                + b.start + "+" + b.length + " ms without containing it (dumps recorded with different windows?)");
    }

    private static Row read(HeatmapRow input, String where) throws UnusableInputException {
        if (input == null || input.cells() == null) {
            throw new UnusableInputException(where + ": a row without \"cells\"");
        }
        Row row = new Row(orZero(input.startEpochMs()), orZero(input.lengthMs()), input.tier());
        for (long[] cell : input.cells()) {
            if (cell == null || cell.length != 2) {
                throw new UnusableInputException(where + ": a cell is not [column, count]");
            }
            row.cells.merge((int) cell[0], cell[1], Long::sum);
        }
        return row;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}

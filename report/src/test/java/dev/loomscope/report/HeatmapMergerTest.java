package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.format.HeatmapRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.loomscope.report.TestDumps.earlier;
import static dev.loomscope.report.TestDumps.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows of 1 s (tier 0), 10 s (tier 1) and 60 s (tier 2) windows, epoch-aligned, as the agent writes them. */
class HeatmapMergerTest {
    private static final long T = 1_700_000_040_000L; // a whole minute

    @SafeVarargs
    private static List<HeatmapRow> merge(List<HeatmapRow>... lists) throws UnusableInputException {
        return HeatmapMerger.merge(List.of(lists), "heatmaps.activity.mount");
    }

    private static List<HeatmapRow> rows(JsonNode... rows) {
        return TestDumps.heatmapRows(TestDumps.rows(rows));
    }

    @Test
    void theSameWindowAddsCellByCell() throws Exception {
        List<HeatmapRow> merged = merge(rows(row(T, 1000, 0, 1, 5, 2, 1)), rows(row(T, 1000, 0, 1, 2, 3, 4),
                row(T + 1000, 1000, 0, 0, 7)));
        assertEquals(rows(row(T, 1000, 0, 1, 7, 2, 1, 3, 4), row(T + 1000, 1000, 0, 0, 7)), merged);
    }

    @Test
    void finerRowsInsideACoarserRowOfAnotherJvmAreAddedIntoIt() throws Exception {
        // JVM a has already downsampled [T, T+10s) into one tier-1 row; JVM b still has it in 1 s windows, and also
        // holds T+10s at full resolution.
        List<HeatmapRow> a = rows(row(T, 10_000, 1, 1, 100));
        List<HeatmapRow> b = rows(row(T + 3000, 1000, 0, 1, 5), row(T + 9000, 1000, 0, 2, 6),
                row(T + 10_000, 1000, 0, 1, 1));
        List<HeatmapRow> merged = merge(a, b);
        assertEquals(rows(row(T, 10_000, 1, 1, 105, 2, 6), row(T + 10_000, 1000, 0, 1, 1)), merged);
        assertEquals(merged, merge(b, a), "whichever JVM comes first");
    }

    @Test
    void rowsThatStartBeforeTheEarlierRowEndsGoIntoIt() throws Exception {
        // a's "earlier" row covers everything before T+60s; b still has a 60 s row at T, which ends it at T+60s,
        // and a 10 s row at T+60s, which stays.
        List<HeatmapRow> a = rows(earlier(T + 30_000, 1, 10), row(T + 120_000, 60_000, 2, 1, 1));
        List<HeatmapRow> b = rows(row(T, 60_000, 2, 1, 3), row(T + 60_000, 10_000, 1, 0, 4));
        List<HeatmapRow> merged = merge(a, b);
        assertEquals(rows(earlier(T + 60_000, 1, 13), row(T + 120_000, 60_000, 2, 1, 1),
                row(T + 60_000, 10_000, 1, 0, 4)), merged);
    }

    @Test
    void noCountIsLostAndRowsNeverOverlap() throws Exception {
        List<List<HeatmapRow>> inputs = inputs();
        List<HeatmapRow> merged = HeatmapMerger.merge(inputs, "x");
        long in = 0;
        for (List<HeatmapRow> list : inputs) {
            in += HeatmapRow.sum(list);
        }
        assertEquals(in, HeatmapRow.sum(merged));
        long earlierEnd = Long.MIN_VALUE;
        List<long[]> windows = new ArrayList<>();
        for (HeatmapRow row : merged) {
            if (row.isEarlier()) {
                earlierEnd = row.endEpochMs();
            } else {
                windows.add(new long[]{row.startEpochMs(), row.startEpochMs() + row.lengthMs()});
            }
        }
        for (long[] w : windows) {
            assertTrue(w[0] >= earlierEnd, "after the earlier row");
            for (long[] v : windows) {
                assertTrue(w == v || w[1] <= v[0] || v[1] <= w[0], "disjoint windows");
            }
        }
    }

    @Test
    void mergingIsAssociativeAndOrderFree() throws Exception {
        List<List<HeatmapRow>> in = inputs();
        List<HeatmapRow> a = in.get(0);
        List<HeatmapRow> b = in.get(1);
        List<HeatmapRow> c = in.get(2);
        List<HeatmapRow> flat = merge(a, b, c);
        assertEquals(flat, merge(merge(a, b), c));
        assertEquals(flat, merge(a, merge(b, c)));
        assertEquals(flat, merge(c, merge(b, a)));
        assertEquals(flat, merge(merge(c, a), b));
    }

    @Test
    void windowsThatOverlapWithoutNestingAreRefused() {
        // 1.5 s windows from a JVM with another window option do not nest in 1 s windows.
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> merge(rows(row(T, 1000, 0, 1, 1)), rows(row(T + 500, 1500, 0, 1, 1))));
        assertTrue(e.getMessage().startsWith("heatmaps.activity.mount: window"), e.getMessage());
    }

    /** Three JVMs at different stages of downsampling, one with an earlier row. */
    private static List<List<HeatmapRow>> inputs() {
        return List.of(
                rows(earlier(T, 0, 3, 1, 9), row(T, 60_000, 2, 1, 40), row(T + 60_000, 10_000, 1, 1, 8),
                        row(T + 70_000, 1000, 0, 1, 1), row(T + 71_000, 1000, 0, 2, 2)),
                rows(row(T - 60_000, 60_000, 2, 1, 11), row(T + 10_000, 10_000, 1, 2, 5),
                        row(T + 65_000, 1000, 0, 1, 3), row(T + 71_000, 1000, 0, 2, 1, 3, 1)),
                rows(row(T + 5000, 1000, 0, 1, 1), row(T + 60_000, 60_000, 2, 0, 7), row(T + 120_000, 1000, 0, 1, 2)));
    }
}

package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.loomscope.report.TestDumps.earlier;
import static dev.loomscope.report.TestDumps.row;
import static dev.loomscope.report.TestDumps.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows of 1 s (tier 0), 10 s (tier 1) and 60 s (tier 2) windows, epoch-aligned, as the agent writes them. */
class HeatmapMergerTest {
    private static final long T = 1_700_000_040_000L; // a whole minute

    private static ArrayNode merge(JsonNode... lists) throws UnusableInputException {
        return HeatmapMerger.merge(List.of(lists), "heatmaps.activity.mount");
    }

    @Test
    void theSameWindowAddsCellByCell() throws Exception {
        ArrayNode merged = merge(rows(row(T, 1000, 0, 1, 5, 2, 1)), rows(row(T, 1000, 0, 1, 2, 3, 4),
                row(T + 1000, 1000, 0, 0, 7)));
        assertEquals(rows(row(T, 1000, 0, 1, 7, 2, 1, 3, 4), row(T + 1000, 1000, 0, 0, 7)).toString(),
                merged.toString());
    }

    @Test
    void finerRowsInsideACoarserRowOfAnotherJvmAreAddedIntoIt() throws Exception {
        // JVM a has already downsampled [T, T+10s) into one tier-1 row; JVM b still has it in 1 s windows, and also
        // holds T+10s at full resolution.
        JsonNode a = rows(row(T, 10_000, 1, 1, 100));
        JsonNode b = rows(row(T + 3000, 1000, 0, 1, 5), row(T + 9000, 1000, 0, 2, 6), row(T + 10_000, 1000, 0, 1, 1));
        ArrayNode merged = merge(a, b);
        assertEquals(rows(row(T, 10_000, 1, 1, 105, 2, 6), row(T + 10_000, 1000, 0, 1, 1)).toString(),
                merged.toString());
        assertEquals(merged.toString(), merge(b, a).toString(), "whichever JVM comes first");
    }

    @Test
    void rowsThatStartBeforeTheEarlierRowEndsGoIntoIt() throws Exception {
        // a's "earlier" row covers everything before T+60s; b still has a 60 s row at T, which ends it at T+60s,
        // and a 10 s row at T+60s, which stays.
        JsonNode a = rows(earlier(T + 30_000, 1, 10), row(T + 120_000, 60_000, 2, 1, 1));
        JsonNode b = rows(row(T, 60_000, 2, 1, 3), row(T + 60_000, 10_000, 1, 0, 4));
        ArrayNode merged = merge(a, b);
        assertEquals(rows(earlier(T + 60_000, 1, 13), row(T + 120_000, 60_000, 2, 1, 1),
                row(T + 60_000, 10_000, 1, 0, 4)).toString(), merged.toString());
    }

    @Test
    void noCountIsLostAndRowsNeverOverlap() throws Exception {
        List<JsonNode> inputs = inputs();
        ArrayNode merged = HeatmapMerger.merge(inputs, "x");
        long in = 0;
        for (JsonNode list : inputs) {
            in += sum(list);
        }
        assertEquals(in, sum(merged));
        long earlierEnd = Long.MIN_VALUE;
        List<long[]> windows = new ArrayList<>();
        for (JsonNode row : merged) {
            if (row.get("startEpochMs").isNull()) {
                earlierEnd = row.get("endEpochMs").asLong();
            } else {
                windows.add(new long[]{row.get("startEpochMs").asLong(),
                        row.get("startEpochMs").asLong() + row.get("lengthMs").asLong()});
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
        List<JsonNode> in = inputs();
        JsonNode a = in.get(0);
        JsonNode b = in.get(1);
        JsonNode c = in.get(2);
        ArrayNode flat = merge(a, b, c);
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
    private static List<JsonNode> inputs() {
        return List.of(
                rows(earlier(T, 0, 3, 1, 9), row(T, 60_000, 2, 1, 40), row(T + 60_000, 10_000, 1, 1, 8),
                        row(T + 70_000, 1000, 0, 1, 1), row(T + 71_000, 1000, 0, 2, 2)),
                rows(row(T - 60_000, 60_000, 2, 1, 11), row(T + 10_000, 10_000, 1, 2, 5),
                        row(T + 65_000, 1000, 0, 1, 3), row(T + 71_000, 1000, 0, 2, 1, 3, 1)),
                rows(row(T + 5000, 1000, 0, 1, 1), row(T + 60_000, 60_000, 2, 0, 7), row(T + 120_000, 1000, 0, 1, 2)));
    }

    private static long sum(JsonNode rows) {
        long total = 0;
        for (JsonNode row : rows) {
            for (JsonNode cell : row.get("cells")) {
                total += cell.get(1).asLong();
            }
        }
        return total;
    }
}

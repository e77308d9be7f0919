package dev.loomscope.format;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeatmapRowTest {
    private static final List<HeatmapRow> ROWS = List.of(
            HeatmapRow.earlier(1_700_000_000_000L, new long[][]{{1, 52}, {2, 51}}),
            HeatmapRow.window(1_700_000_000_000L, 1000, 0, new long[][]{{0, 12}, {1, 40}, {2, 38}}),
            HeatmapRow.window(1_700_000_001_000L, 1000, 0, new long[][]{}));

    @Test
    void sumsOverCellsRowsAndColumns() {
        assertEquals(103, ROWS.get(0).total());
        assertEquals(0, ROWS.get(2).total());
        assertEquals(193, HeatmapRow.sum(ROWS));
        assertEquals(92, HeatmapRow.columnSum(ROWS, 1));
        assertEquals(0, HeatmapRow.columnSum(ROWS, 7));
    }

    @Test
    void theEarlierRowHasAnEndInsteadOfAStart() {
        HeatmapRow earlier = ROWS.get(0);
        assertTrue(earlier.isEarlier());
        assertEquals(HeatmapRow.EARLIER_TIER, earlier.tier());
        assertEquals(1_700_000_000_000L, earlier.endEpochMs());
        assertFalse(ROWS.get(1).isEarlier());
    }

    @Test
    void rowsAreEqualByTheirCells() {
        HeatmapRow a = HeatmapRow.window(5, 1000, 0, new long[][]{{0, 1}, {3, 7}});
        assertEquals(a, HeatmapRow.window(5, 1000, 0, new long[][]{{0, 1}, {3, 7}}));
        assertEquals(a.hashCode(), HeatmapRow.window(5, 1000, 0, new long[][]{{0, 1}, {3, 7}}).hashCode());
        assertNotEquals(a, HeatmapRow.window(5, 1000, 0, new long[][]{{0, 1}, {3, 8}}));
        assertEquals("HeatmapRow[startEpochMs=5, lengthMs=1000, endEpochMs=null, tier=0, cells=[[0, 1], [3, 7]]]",
                a.toString());
    }
}

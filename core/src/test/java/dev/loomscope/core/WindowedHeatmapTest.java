package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowedHeatmapTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void windowsAreAlignedOnEpochAndCountPerColumn() {
        WindowedHeatmap heatmap = new WindowedHeatmap(SECOND, 10);
        heatmap.add(5 * SECOND + 1, 2);
        heatmap.add(5 * SECOND + SECOND - 1, 2);
        heatmap.add(6 * SECOND, 0);
        List<WindowedHeatmap.Row> rows = heatmap.rows();
        assertEquals(2, rows.size());
        assertEquals(5 * SECOND, rows.get(0).startEpochNanos());
        assertEquals(2, rows.get(0).cells()[2]);
        assertEquals(6 * SECOND, rows.get(1).startEpochNanos());
        assertEquals(1, rows.get(1).cells()[0]);
    }

    /** A day of one event per second at 1 s windows keeps far fewer rows than seconds, and loses no count. */
    @Test
    void longRunIsDownsampledIntoBoundedRowsWithoutLosingCounts() {
        WindowedHeatmap heatmap = new WindowedHeatmap(SECOND, 600);
        long seconds = 2 * 24 * 3600;
        for (long s = 0; s < seconds; s++) {
            heatmap.add(s * SECOND, (int) (s % 3));
        }
        List<WindowedHeatmap.Row> rows = heatmap.rows();
        assertEquals(seconds, heatmap.total());
        assertTrue(rows.size() <= 600 + 360 + 1440 + 720 + 1, "rows: " + rows.size());
        assertEquals(600, rows.stream().filter(r -> r.tier() == 0).count(), "last 10 min at full resolution");
        assertTrue(rows.stream().anyMatch(r -> r.tier() == 2), "older hours downsampled to minutes");
        for (int i = 1; i < rows.size(); i++) {
            WindowedHeatmap.Row previous = rows.get(i - 1);
            assertTrue(previous.startEpochNanos() + previous.lengthNanos() <= rows.get(i).startEpochNanos(),
                    "rows are ordered and do not overlap at " + i);
        }
    }

    @Test
    void lateEventsOlderThanTheFineTierLandInACoarserWindow() {
        WindowedHeatmap heatmap = new WindowedHeatmap(SECOND, 10);
        heatmap.add(100 * SECOND, 1);
        heatmap.add(80 * SECOND, 1); // 20 windows back: the fine tier holds windows 91..100 only
        assertEquals(2, heatmap.total());
        assertTrue(heatmap.rows().stream().anyMatch(r -> r.tier() == 1 && r.startEpochNanos() == 80 * SECOND));
    }

    /**
     * Against a plain map of window to cells: events that mostly hit the current window, sometimes an earlier one
     * still at full resolution, sometimes a column the row does not have yet, so the cached row is switched, widened
     * and rechecked many times. Every row must hold exactly its own window's events.
     */
    @Test
    void everyEventLandsInItsOwnWindowWhateverTheCacheHolds() {
        WindowedHeatmap heatmap = new WindowedHeatmap(SECOND, 60);
        Map<Long, long[]> expected = new TreeMap<>();
        Random random = new Random(11);
        long now = 1_700_000_000L * SECOND;
        for (int i = 0; i < 300_000; i++) {
            now += random.nextInt(200_000); // 50 windows over the whole run: nothing leaves the full-resolution tier
            long at = random.nextInt(20) == 0 ? now - (long) random.nextInt(30) * SECOND : now;
            int column = random.nextInt(100) == 0 ? random.nextInt(12) : random.nextInt(3);
            heatmap.add(at, column);
            expected.computeIfAbsent(Math.floorDiv(at, SECOND), w -> new long[12])[column]++;
        }
        List<WindowedHeatmap.Row> rows = heatmap.rows();
        assertTrue(rows.stream().allMatch(r -> r.tier() == 0), "all at full resolution");
        assertEquals(expected.size(), rows.size());
        for (WindowedHeatmap.Row row : rows) {
            long[] cells = expected.get(row.startEpochNanos() / SECOND);
            for (int c = 0; c < cells.length; c++) {
                assertEquals(cells[c], c < row.cells().length ? row.cells()[c] : 0,
                        "window " + row.startEpochNanos() / SECOND + ", column " + c);
            }
        }
    }

    @Test
    void randomOrderStillConservesEveryCount() {
        WindowedHeatmap heatmap = new WindowedHeatmap(SECOND, 60);
        Random random = new Random(7);
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            heatmap.add((long) (random.nextDouble() * 100_000) * SECOND, random.nextInt(16));
        }
        assertEquals(n, heatmap.total());
    }
}

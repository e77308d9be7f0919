package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

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

package dev.loomscope.report;

import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.Latencies;
import dev.loomscope.format.LatencySummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page's template has the slots the report fills, and the metric catalogue points at the format's fields. */
class PageTemplateTest {
    @Test
    void everySlotIsFilledAndNoValueGoesAstray() {
        PageTemplate page = PageTemplate.load("report.html").with("style", Html.empty()).with("script", Html.empty());
        Map<String, Html> values = new HashMap<>();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> page.render(values));
        assertTrue(missing.getMessage().startsWith("no value for the slot {{"), missing.getMessage());
        values.put("no-such-slot", Html.empty());
        IllegalArgumentException astray = assertThrows(IllegalArgumentException.class, () -> page.render(values));
        assertTrue(astray.getMessage().startsWith("the page has no slot {{no-such-slot}}"), astray.getMessage());
    }

    @Test
    void theTemplatesCommentsStayOutOfThePage(@TempDir Path dir) throws Exception {
        String html = HtmlReport.render(Dump.read(TestDumps.writeCompleted(dir.resolve("dump.json"),
                HtmlReportTest.MINIMAL)));
        assertTrue(html.startsWith("<!DOCTYPE html>\n"), html.substring(0, 40));
        assertFalse(html.contains("<!--"));
        assertFalse(html.contains("{{"), "every slot filled");
    }

    @Test
    void theCatalogueReadsEachHeatmapFromItsOwnField() {
        Map<String, List<HeatmapRow>> byName = new HashMap<>();
        for (String name : new String[]{"create", "block", "wake", "mount", "startDelay", "wakeToRun", "blocked",
                "runSlice"}) {
            byName.put(name, List.of(HeatmapRow.window(1000, 1000, 0, new long[][]{{0, name.length()}})));
        }
        Heatmaps heatmaps = new Heatmaps(1000,
                new Heatmaps.Activity("", byName.get("create"), byName.get("block"), byName.get("wake"),
                        byName.get("mount")),
                new Heatmaps.Latency(null, byName.get("startDelay"), byName.get("wakeToRun"), byName.get("blocked"),
                        byName.get("runSlice")));
        assertEquals(8, Metrics.HEATMAPS.size());
        for (Metrics.Heatmap map : Metrics.HEATMAPS) {
            assertSame(byName.get(map.name()), map.rowsIn(heatmaps), map.key());
        }
        Map<String, LatencySummary> summaries = new HashMap<>();
        for (String name : new String[]{"startDelay", "wakeToRun", "blocked", "runSlice", "pinnedBlocked"}) {
            summaries.put(name, new LatencySummary("ns", name.length(), 0, 0, 0, 0, 0, 0, 0, 0, null));
        }
        Latencies latencies = new Latencies(summaries.get("startDelay"), summaries.get("wakeToRun"),
                summaries.get("blocked"), summaries.get("runSlice"), summaries.get("pinnedBlocked"), Map.of(), Map.of());
        assertEquals(5, Metrics.LATENCIES.size());
        for (Metrics.Latency latency : Metrics.LATENCIES) {
            assertSame(summaries.get(latency.name()), latency.summaryIn(latencies), latency.name());
            assertSame(latency, Metrics.latency(latency.name()));
        }
    }
}

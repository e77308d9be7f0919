package dev.loomscope.report;

import dev.loomscope.format.Counts;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.LoomscopeDump;

import java.util.List;
import java.util.function.Function;

/**
 * The two heatmap sections, activity by carrier and latency over time: a figure per heatmap with its caption and
 * totals, which report.js fills with the drawing; or why a heatmap is empty.
 */
final class HeatmapSection {
    private HeatmapSection() {
    }

    static Html activity(LoomscopeDump dump) {
        return figures(dump, Metrics.ACTIVITY_HEATMAPS, Heatmaps::activity);
    }

    static Html latency(LoomscopeDump dump) {
        return figures(dump, Metrics.LATENCY_HEATMAPS, Heatmaps::latency);
    }

    /** @param group the maps' group in {@code heatmaps}, {@code null} in a dump without it */
    private static Html figures(LoomscopeDump dump, List<Metrics.Heatmap> maps, Function<Heatmaps, Object> group) {
        if (dump.heatmaps() == null || group.apply(dump.heatmaps()) == null) {
            return SectionParts.empty("This dump has no heatmaps (written by an agent older than the heatmaps).");
        }
        Html html = Html.empty();
        for (Metrics.Heatmap map : maps) {
            html.add(figure(dump, map));
        }
        return html;
    }

    private static Html figure(LoomscopeDump dump, Metrics.Heatmap map) {
        List<HeatmapRow> rows = map.rowsIn(dump.heatmaps());
        long total = 0;
        long max = 0;
        long windows = rows == null ? 0 : rows.size();
        for (HeatmapRow row : rows == null ? List.<HeatmapRow>of() : rows) {
            for (long[] cell : row.cells()) {
                total += cell[1];
                max = Math.max(max, cell[1]);
            }
        }
        Html html = Html.of("<figure class=\"heatmap\" id=\"heatmap-{}-{}\"", map.group(), map.name());
        if (total > 0) {
            html.add(" data-heatmap=\"{}\" data-unit=\"{}\" data-total=\"{}\"", map.key(), map.unit(), total);
        }
        html.add(">\n<figcaption><span class=\"title\">{}</span> <span class=\"stat\">{} {}", map.title(),
                HtmlNumbers.count(total), map.counted());
        if (total > 0) {
            html.add(" in {} {}, at most {} in one cell", HtmlNumbers.count(windows),
                    windows == 1 ? "window" : "windows", HtmlNumbers.count(max));
        }
        html.add("</span><span class=\"what\">{}</span><span class=\"legend\"></span></figcaption>\n", map.meaning());
        if (total == 0) {
            html.add(SectionParts.empty(emptyReason(dump.counts(), map, rows)));
        } else {
            html.add("<div class=\"plot\"><noscript><p class=\"empty\">The heatmap is drawn by JavaScript, which is"
                    + " off.</p></noscript></div>\n");
        }
        return html.add("</figure>\n");
    }

    private static String emptyReason(Counts counts, Metrics.Heatmap map, List<HeatmapRow> rows) {
        if (rows == null) {
            return "Not in this dump (written by an older agent).";
        }
        return switch (map.key()) {
            case "activity.create" -> "No virtual thread was created during the recording.";
            case "activity.block" -> counts.blocks() == 0 ? "No virtual thread blocked during the recording."
                    : "Blocks were counted, but none fell inside the heatmap's windows.";
            case "latency.blocked" -> {
                if (counts.blocks() == 0) {
                    yield "No virtual thread blocked during the recording.";
                }
                if (counts.blocks() == counts.pinnedBlocks()) {
                    yield "Every block was pinned: how long pinned threads held their carriers is under Pinning.";
                }
                yield "None of the " + HtmlNumbers.count(counts.blocks() - counts.pinnedBlocks()) + " unpinned blocks"
                        + " ended before the dump (a block's time is recorded when it ends).";
            }
            case "activity.wake", "latency.wakeToRun" -> counts.wakes() == 0
                    ? "No blocked virtual thread was woken during the recording."
                    : "Wakes were counted, but none fell inside the heatmap's windows.";
            case "activity.mount", "latency.runSlice" -> counts.mounts() == 0
                    ? "No virtual thread ran on a carrier during the recording."
                    : "Run slices were counted, but none fell inside the heatmap's windows.";
            case "latency.startDelay" -> counts.started() == 0 ? "No virtual thread started during the recording."
                    : "Threads started, but none inside the heatmap's windows.";
            default -> "Nothing recorded.";
        };
    }
}

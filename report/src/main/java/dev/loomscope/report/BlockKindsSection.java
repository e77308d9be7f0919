package dev.loomscope.report;

import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LoomscopeDump;

import java.util.LinkedHashMap;
import java.util.Map;

/** Block kinds: why virtual threads gave up their carriers, how often, and how long they stayed blocked. */
final class BlockKindsSection {
    private BlockKindsSection() {
    }

    static Html render(LoomscopeDump dump) {
        long blocks = dump.counts().blocks();
        if (blocks == 0) {
            return SectionParts.empty("No virtual thread blocked during the recording: every thread ran to its end"
                    + " without waiting.");
        }
        Map<String, Long> byKind = orEmpty(dump.counts().blocksByKind());
        Map<String, LatencySummary> latencies = dump.latencies().blockedByKind() == null ? Map.of()
                : dump.latencies().blockedByKind();
        // The kinds this version knows, in their order, then any a later agent counts.
        Map<String, String> kinds = new LinkedHashMap<>();
        Metrics.BLOCK_KINDS.forEach(kind -> kinds.put(kind.name(), kind.meaning()));
        byKind.keySet().forEach(kind -> kinds.putIfAbsent(kind, ""));

        Html html = Html.of("<table class=\"numbers\"><thead><tr><th>kind</th><th>what</th><th>blocks</th>"
                + "<th>share</th><th>blocked p50</th><th>p99</th><th>max</th></tr></thead><tbody>\n");
        for (Map.Entry<String, String> kind : kinds.entrySet()) {
            long n = byKind.getOrDefault(kind.getKey(), 0L);
            if (n == 0) {
                continue;
            }
            boolean pinned = kind.getKey().equals("pinned");
            LatencySummary s = pinned ? dump.latencies().pinnedBlocked() : latencies.get(kind.getKey());
            html.add("<tr id=\"kind-{}\"><th>{}</th><td class=\"what\">{}</td><td>{}</td>"
                            + "<td class=\"bar-cell\">{}</td>",
                    kind.getKey(), kind.getKey(), kind.getValue(), HtmlNumbers.count(n),
                    SectionParts.bar((double) n / blocks, HtmlNumbers.percent(n, blocks), pinned ? "bad" : ""));
            boolean none = s == null || s.count() == 0;
            html.add("<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    none ? HtmlNumbers.NONE : HtmlNumbers.duration(s.p50()),
                    none ? HtmlNumbers.NONE : HtmlNumbers.duration(s.p99()),
                    none ? HtmlNumbers.NONE : HtmlNumbers.duration(s.max()));
        }
        return html.add("</tbody></table>\n");
    }

    private static Map<String, Long> orEmpty(Map<String, Long> map) {
        return map == null ? Map.of() : map;
    }
}

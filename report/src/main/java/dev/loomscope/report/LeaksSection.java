package dev.loomscope.report;

import dev.loomscope.format.Leaks;
import dev.loomscope.format.LoomscopeDump;

import java.util.List;

/** Leak clusters: virtual threads blocked past the leak threshold at the dump, grouped by where they block. */
final class LeaksSection {
    private LeaksSection() {
    }

    static Html render(LoomscopeDump dump) {
        return SectionParts.ifPresent(dump.leaks(), "This dump has no leak data (written by an agent older than leak"
                + " detection).", LeaksSection::clusters);
    }

    private static Html clusters(Leaks leaks) {
        List<Leaks.Cluster> clusters = leaks.clusters() == null ? List.of() : leaks.clusters();
        Html html = Html.of("<p class=\"big\"><span id=\"leak-threads\">{}</span> threads in <span"
                        + " id=\"leak-clusters-count\">{}</span> {}</p>\n", HtmlNumbers.count(leaks.threads()),
                HtmlNumbers.count(clusters.size()), clusters.size() == 1 ? "cluster" : "clusters");
        if (clusters.isEmpty()) {
            return html.add(SectionParts.empty("No leak clusters: at the dump no virtual thread had been blocked"
                    + " longer than " + HtmlNumbers.duration(leaks.thresholdNs()) + "."));
        }
        html.add("<table class=\"sites\"><thead><tr><th>#</th><th>threads</th><th>oldest blocked</th><th>kinds</th>"
                + "<th>stack where they block</th></tr></thead><tbody>\n");
        int rank = 0;
        for (Leaks.Cluster cluster : clusters) {
            html.add("<tr class=\"leak\"><td class=\"rank\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                            + "<td class=\"nowrap\">{}</td><td class=\"stack\">{}</td></tr>\n", ++rank,
                    HtmlNumbers.count(cluster.threads()), HtmlNumbers.duration(cluster.oldestBlockedNs()),
                    SectionParts.kinds(cluster.kinds()), Stacks.frames(cluster.frames()));
        }
        return html.add("</tbody></table>\n");
    }
}

package dev.loomscope.report;

import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;

import java.util.List;
import java.util.Map;

/**
 * Monopolising slices: run slices past the longSlice threshold, grouped by the stack where they ran, most time first,
 * with start-up apart ({@link SliceGroups}); each group's slices one by one under it.
 */
final class LongSlicesSection {
    private LongSlicesSection() {
    }

    static Html render(LoomscopeDump dump, ApplicationCode code) {
        Map<Long, String> carrierNames = CarriersSection.names(dump.carriers());
        return SectionParts.ifPresent(dump.longSlices(), "This dump has no long-slice data (written by an older"
                + " agent).", slices -> slices(slices, SliceGroups.of(dump, code), carrierNames));
    }

    /** @param carrierNames carrier thread id → name, for the carrier column */
    private static Html slices(LongSlices slices, SliceGroups groups, Map<Long, String> carrierNames) {
        Html html = Html.of("<p class=\"big\"><span id=\"long-slices-count\">{}</span> {}</p>\n",
                HtmlNumbers.count(slices.count()), Metrics.LONG_SLICES.title());
        List<LongSlices.LongSlice> longest = slices.longest();
        if (longest == null || longest.isEmpty()) {
            return html.add(SectionParts.empty("No run slice lasted longer than "
                    + HtmlNumbers.duration(slices.thresholdNs()) + ": no virtual thread monopolised a carrier."));
        }
        long kept = groups.slices();
        html.add("<p>{}</p>\n", "The " + HtmlNumbers.count(kept) + " longest" + (kept < slices.count()
                ? " of the " + HtmlNumbers.count(slices.count()) + " (the agent keeps the longest, topSites)" : "")
                + ", grouped by the stack where they ran (from the first application frame outward), most time"
                + " first.");
        if (!groups.groups().isEmpty()) {
            html.add(table("long-slice-groups", groups.groups(), carrierNames));
        } else {
            html.add(SectionParts.empty("Every long slice kept is start-up (below)."));
        }
        if (!groups.startUp().isEmpty()) {
            long n = groups.startUp().stream().mapToLong(SliceGroups.Group::count).sum();
            html.add("<details class=\"startup\" id=\"long-slices-startup\"><summary>Start-up: {} {} in {} {} that ran"
                            + " only in the first {} s of the JVM (class loading, static initialisers, first JIT"
                            + " compilations)</summary>\n{}</details>\n", HtmlNumbers.count(n),
                    n == 1 ? "slice" : "slices", groups.startUp().size(), groups.startUp().size() == 1 ? "stack"
                            : "stacks", SliceGroups.STARTUP_SECONDS,
                    table("long-slice-startup", groups.startUp(), carrierNames));
        }
        return html;
    }

    private static Html table(String id, List<SliceGroups.Group> groups, Map<Long, String> carrierNames) {
        Html html = Html.of("<table class=\"sites\" id=\"{}\"><thead><tr><th>#</th><th>total</th><th>slices</th>"
                + "<th>longest</th><th>first began (UTC)</th><th>carriers</th><th>stack where the longest ran</th>"
                + "</tr></thead><tbody>\n", id);
        int rank = 0;
        for (SliceGroups.Group group : groups) {
            Html carriers = Html.empty();
            group.carriers().forEach(c -> carriers.add("<div>{}</div>", carrierNames.getOrDefault(c, "thread " + c)));
            html.add("<tr><td class=\"rank\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                            + "<td class=\"num\">{}{}</td><td class=\"num\">{}</td><td class=\"nowrap\">{}</td>"
                            + "<td class=\"stack\">{}{}</td></tr>\n", ++rank, HtmlNumbers.duration(group.totalNs()),
                    HtmlNumbers.count(group.count()), HtmlNumbers.duration(group.longestNs()),
                    group.ongoing() > 0 ? Html.of(" <span class=\"tag\">{} still running</span>", group.ongoing())
                            : Html.empty(), HtmlNumbers.timeOfDay(group.firstEpochMs()), carriers,
                    Stacks.frames(group.frames()), slicesOf(group, carrierNames));
        }
        return html.add("</tbody></table>\n");
    }

    /** The group's slices one by one, folded: when each began, its thread and carrier. */
    private static Html slicesOf(SliceGroups.Group group, Map<Long, String> carrierNames) {
        if (group.count() == 1) {
            LongSlices.LongSlice only = group.slices().get(0);
            return Html.of("<p class=\"muted\">virtual thread #{} on {}</p>", only.threadId(),
                    carrierNames.getOrDefault(only.carrierThreadId(), "thread " + only.carrierThreadId()));
        }
        Html rows = Html.empty();
        for (LongSlices.LongSlice slice : group.slices()) {
            rows.add("<tr><td class=\"num\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">#{}</td>"
                            + "<td class=\"nowrap\">{}</td></tr>", HtmlNumbers.duration(slice.durationNs()),
                    slice.ongoing() ? Html.of(" <span class=\"tag\">still running</span>") : Html.empty(),
                    HtmlNumbers.timeOfDay(slice.startEpochMs()), slice.threadId(),
                    carrierNames.getOrDefault(slice.carrierThreadId(), "thread " + slice.carrierThreadId()));
        }
        return Html.of("<details><summary>the {} slices</summary><table class=\"slices\"><thead><tr><th>duration</th>"
                + "<th>began (UTC)</th><th>virtual thread</th><th>carrier</th></tr></thead><tbody>{}</tbody></table>"
                + "</details>", group.count(), rows);
    }
}

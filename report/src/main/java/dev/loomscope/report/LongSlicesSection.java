package dev.loomscope.report;

import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;

import java.util.List;
import java.util.Map;

/** Monopolising slices: run slices past the longSlice threshold, longest first, with where they ran. */
final class LongSlicesSection {
    private LongSlicesSection() {
    }

    static Html render(LoomscopeDump dump) {
        Map<Long, String> carrierNames = CarriersSection.names(dump.carriers());
        return SectionParts.ifPresent(dump.longSlices(), "This dump has no long-slice data (written by an older"
                + " agent).", slices -> slices(slices, carrierNames));
    }

    /** @param carrierNames carrier thread id → name, for the carrier column */
    private static Html slices(LongSlices slices, Map<Long, String> carrierNames) {
        Html html = Html.of("<p class=\"big\"><span id=\"long-slices-count\">{}</span> {}</p>\n",
                HtmlNumbers.count(slices.count()), Metrics.LONG_SLICES.title());
        List<LongSlices.LongSlice> longest = slices.longest();
        if (longest == null || longest.isEmpty()) {
            return html.add(SectionParts.empty("No run slice lasted longer than "
                    + HtmlNumbers.duration(slices.thresholdNs()) + ": no virtual thread monopolised a carrier."));
        }
        html.add("<table class=\"sites\"><thead><tr><th>#</th><th>duration</th><th>began (UTC)</th>"
                + "<th>virtual thread</th><th>carrier</th><th>stack where it ran</th></tr></thead><tbody>\n");
        int rank = 0;
        for (LongSlices.LongSlice slice : longest) {
            long carrier = slice.carrierThreadId();
            html.add("<tr><td class=\"rank\">{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td>"
                            + "<td class=\"num\">#{}</td><td class=\"nowrap\">{}</td><td class=\"stack\">{}</td>"
                            + "</tr>\n",
                    ++rank, HtmlNumbers.duration(slice.durationNs()),
                    slice.ongoing() ? Html.of(" <span class=\"tag\">still running</span>") : Html.empty(),
                    HtmlNumbers.timeOfDay(slice.startEpochMs()), slice.threadId(),
                    carrierNames.getOrDefault(carrier, "thread " + carrier), Stacks.frames(slice.frames()));
        }
        return html.add("</tbody></table>\n");
    }
}

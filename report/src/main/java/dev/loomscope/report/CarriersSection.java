package dev.loomscope.report;

import dev.loomscope.format.Carriers;
import dev.loomscope.format.LoomscopeDump;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Carriers: each carrier thread's mounts and its busy and idle time. */
final class CarriersSection {
    private CarriersSection() {
    }

    static Html render(LoomscopeDump dump) {
        return SectionParts.ifPresent(dump.carriers(), "This dump has no carrier data.", CarriersSection::table);
    }

    private static Html table(Carriers carriers) {
        Html html = Html.of("<p>{} carriers started, {} exited, {} idle periods.</p>\n",
                HtmlNumbers.count(carriers.started()), HtmlNumbers.count(carriers.exited()),
                HtmlNumbers.count(carriers.idlePeriods()));
        List<Carriers.Carrier> perCarrier = carriers.perCarrier();
        if (perCarrier == null || perCarrier.isEmpty()) {
            return html.add(SectionParts.empty("No carrier thread was seen: no virtual thread ran during the"
                    + " recording."));
        }
        html.add("<table class=\"numbers\" id=\"carrier-table\"><thead><tr><th>carrier</th><th>thread id</th>"
                + "<th>mounts</th><th>busy</th><th>idle</th><th class=\"wide\">busy / idle</th><th>longest slice</th>"
                + "<th>at the dump</th></tr></thead><tbody>\n");
        for (Carriers.Carrier c : perCarrier) {
            double total = c.busyNs() + c.idleNs();
            String busy = HtmlNumbers.percent(c.busyNs(), total);
            html.add("<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", label(c),
                    c.threadId() == null ? HtmlNumbers.NONE : c.threadId(), HtmlNumbers.count(c.mounts()),
                    HtmlNumbers.duration(c.busyNs()), HtmlNumbers.duration(c.idleNs()));
            html.add("<td class=\"bar-cell\"><div class=\"split\" title=\"busy {}\"><span class=\"busy\""
                            + " style=\"width:{}%\"></span></div><span class=\"pct\">{} busy</span></td>", busy,
                    total > 0 ? SectionParts.percentWidth(c.busyNs() / total) : "0", busy);
            html.add("<td>{}</td><td>{}</td></tr>\n", HtmlNumbers.duration(c.longestSliceNs()),
                    c.mountedNow() ? "running a thread" : HtmlNumbers.NONE);
        }
        return html.add("</tbody></table>\n");
    }

    /** Carrier thread id → {@link #label}, for whatever names a carrier by its thread id. */
    static Map<Long, String> names(Carriers carriers) {
        Map<Long, String> names = new HashMap<>();
        if (carriers != null && carriers.perCarrier() != null) {
            for (Carriers.Carrier c : carriers.perCarrier()) {
                if (c.threadId() != null) {
                    names.put(c.threadId(), label(c));
                }
            }
        }
        return names;
    }

    /**
     * Its thread name; {@code carrier #28} for a carrier that had ended by the dump; in a merged dump, whose JVMs'
     * carriers of one column differ, {@code carriers of column 1}.
     */
    static String label(Carriers.Carrier carrier) {
        if (carrier.name() != null && !carrier.name().isEmpty()) {
            return carrier.name();
        }
        return carrier.threadId() != null ? "carrier #" + carrier.threadId() : "carriers of column " + carrier.column();
    }
}

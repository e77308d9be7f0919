package dev.loomscope.report;

import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Sites;

import java.util.List;

/** Pinning: how many blocks held their carrier, for how long, and where. */
final class PinningSection {
    private PinningSection() {
    }

    static Html render(LoomscopeDump dump) {
        long pinned = dump.counts().pinnedBlocks();
        Html html = Html.of("<p class=\"big\"><span id=\"pinned-count\">{}</span> pinned {}", HtmlNumbers.count(pinned),
                pinned == 1 ? "block" : "blocks");
        LatencySummary held = dump.latencies().pinnedBlocked();
        if (pinned > 0 && held != null && held.count() > 0) {
            html.add(", carrier held for p50 {}, p99 {}, max {}", HtmlNumbers.duration(held.p50()),
                    HtmlNumbers.duration(held.p99()), HtmlNumbers.duration(held.max()));
        }
        html.add("</p>\n");
        List<Sites.PinnedSite> sites = dump.sites() == null ? null : dump.sites().pinned();
        if (pinned == 0) {
            return html.add(SectionParts.empty("No virtual thread parked while pinned during the recording."));
        }
        if (sites == null || sites.isEmpty()) {
            return html.add(SectionParts.empty("Pinned blocks were counted but no stack was kept for them (samples"
                    + " lost, or a dump without sites)."));
        }
        return html.add("<div class=\"sub\" id=\"sites-pinned\">{}</div>\n",
                SiteTable.render(sites, Metrics.PINNED_BLOCKS.title(), true));
    }
}

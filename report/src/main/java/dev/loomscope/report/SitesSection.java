package dev.loomscope.report;

import dev.loomscope.format.Counts;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Sites;

import java.util.List;

/** Top sites: where virtual threads are created, where they block, and who wakes them, from sampled stacks. */
final class SitesSection {
    private SitesSection() {
    }

    /** How the stacks were sampled, which is what the counts of this section are counts of. */
    static Html sampling(LoomscopeDump dump) {
        Sites sites = dump.sites();
        long sampleEvery = sites == null ? 0 : sites.sampleEvery();
        String sampling = sampleEvery == 0
                ? "Sampling is off (sampleEvery=0): only critical threads' events are sampled."
                : "Stacks are sampled: one event in " + HtmlNumbers.count(sampleEvery) + " (sampleEvery=" + sampleEvery
                + "), every event of critical threads, and every pinned block. Counts here are counts of samples, not"
                + " of events; latencies are those that followed the sampled events.";
        if (sites != null) {
            sampling += " " + HtmlNumbers.count(sites.samples()) + " samples, "
                    + HtmlNumbers.count(sites.distinctStacks()) + " distinct stacks.";
        }
        return Html.text(sampling);
    }

    static Html render(LoomscopeDump dump) {
        return SectionParts.ifPresent(dump.sites(), "This dump has no sites (written by an agent older than the"
                + " sampled stacks).", sites -> lists(dump, sites));
    }

    private static Html lists(LoomscopeDump dump, Sites sites) {
        Counts counts = dump.counts();
        long every = sites.sampleEvery();
        return Html.empty()
                .add(list("sites-create", "Where virtual threads are created", sites.create(), "creates", false,
                        unsampled(every, counts.created(), "No virtual thread was created.", "creation")))
                .add(list("sites-block", "Where virtual threads block", sites.block(), "blocks", true,
                        unsampled(every, counts.blocks() - counts.pinnedBlocks(),
                                "No virtual thread blocked (pinned blocks are under Pinning).", "block")))
                .add(list("sites-wake", "Who wakes them (wake → run charged to the waker's stack)", sites.wake(),
                        "wakes", true, unsampled(every, counts.wakes(), "No virtual thread was woken.", "wake")));
    }

    private static Html list(String id, String title, List<? extends Sites.Site> sites, String counted,
                             boolean charged, String emptyReason) {
        Html html = Html.of("<div class=\"sub\" id=\"{}\"><h3>{}</h3>\n", id, title);
        if (sites == null || sites.isEmpty()) {
            html.add(SectionParts.empty(emptyReason));
        } else {
            html.add(SiteTable.render(sites, counted, charged));
        }
        return html.add("</div>\n");
    }

    /** Why a list has no site although there may have been events. */
    private static String unsampled(long sampleEvery, long events, String none, String what) {
        if (events == 0) {
            return none;
        }
        if (sampleEvery == 0) {
            return "No " + what + " stack was sampled: sampling is off (sampleEvery=0) and no critical thread was"
                    + " involved.";
        }
        return "No " + what + " stack was sampled: " + HtmlNumbers.count(events) + " events at one sample in "
                + HtmlNumbers.count(sampleEvery) + " (lower sampleEvery to see more).";
    }
}

package dev.loomscope.report;

import dev.loomscope.format.ApplicationFrames;
import dev.loomscope.format.Counts;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.SiteRanking;
import dev.loomscope.format.Sites;

import java.util.ArrayList;
import java.util.Comparator;
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
                .add(rows("sites-wake", "Who wakes them (wake → run charged to the waker's stack)",
                        sites.wake() == null ? null : wakers(sites.wake()), "wakes", true,
                        unsampled(every, counts.wakes(), "No virtual thread was woken.", "wake")));
    }

    private static Html list(String id, String title, List<? extends Sites.Site> sites, String counted,
                             boolean charged, String emptyReason) {
        return rows(id, title, sites == null ? null : sites.stream().map(SiteTable.Row::of).toList(), counted,
                charged, emptyReason);
    }

    private static Html rows(String id, String title, List<SiteTable.Row> rows, String counted, boolean charged,
                             String emptyReason) {
        Html html = Html.of("<div class=\"sub\" id=\"{}\"><h3>{}</h3>\n", id, title);
        if (rows == null || rows.isEmpty()) {
            html.add(SectionParts.empty(emptyReason));
        } else {
            html.add(SiteTable.rows(rows, counted, charged));
        }
        return html.add("</div>\n");
    }

    /**
     * Wake sites: a waker's stack is shown as it is, but stacks of the JDK's frames only (a timer, the I/O poller, the
     * HTTP client's selector: the JDK woke the thread, for a sleep, a timeout or I/O) are one row
     * that says so, their numbers added, since a list of JDK frames names nothing the reader can change.
     */
    private static List<SiteTable.Row> wakers(List<Sites.WakeSite> sites) {
        List<Sites.WakeSite> jdk = sites.stream().filter(SitesSection::fromJdk).toList();
        List<SiteTable.Row> rows = new ArrayList<>();
        sites.stream().filter(site -> !fromJdk(site)).map(SiteTable.Row::of).forEach(rows::add);
        if (!jdk.isEmpty()) {
            Sites.WakeSite all = new Sites.WakeSite(jdk.stream().mapToLong(Sites.WakeSite::count).sum(),
                    MergeRules.charges(MergeRules.present(jdk, Sites.WakeSite::wakeToRun)), null);
            Html stack = Html.of("<p class=\"from-jdk\">{}</p>", JDK_WAKER + ": JDK frames only, in "
                    + (jdk.size() == 1 ? "this stack" : "these " + jdk.size() + " stacks"));
            int n = 0;
            for (Sites.WakeSite site : jdk) {
                List<String> frames = site.frames();
                stack.add(Stacks.folded(jdk.size() == 1 ? "the stack" : "stack " + ++n + ": "
                        + ApplicationCode.shortMethod(frames.get(frames.size() - 1)) + " … "
                        + ApplicationCode.shortMethod(frames.get(0)), frames));
            }
            rows.add(new SiteTable.Row(all, stack));
        }
        rows.sort(Comparator.comparing(SiteTable.Row::site, SiteRanking.SITES));
        return rows;
    }

    /** What a waker without an application frame is. */
    static final String JDK_WAKER = "the JDK (timers, I/O poller)";

    /** A stack of the JDK's frames only ({@link ApplicationFrames#isJdk}): the JDK did what was sampled. */
    static boolean fromJdk(Sites.Site site) {
        List<String> frames = site.frames();
        return frames != null && !frames.isEmpty() && frames.stream().allMatch(ApplicationFrames::isJdk);
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

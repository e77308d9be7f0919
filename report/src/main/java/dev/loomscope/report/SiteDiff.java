package dev.loomscope.report;

import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Sites;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The per-site part of {@code diff}: the block, wake and pinned sites of two runs side by side, a site being the same
 * in both when its stack ({@code frames}) is; its sampled events and the time charged to it per second of recording
 * (so that runs of different length compare), and its p99.
 */
final class SiteDiff {
    /** Sites per table by default. */
    static final int DEFAULT_SITES = 10;
    private static final Percentile P99 = Percentile.parse("p99");

    private SiteDiff() {
    }

    /** A list of sites, what its table is called, and what time is charged to its sites. */
    private record Kind(String title, String charged, Function<Sites, List<? extends Sites.Site>> list) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("Block sites", "blocked", Sites::block),
            new Kind("Wake sites", "wake → run", Sites::wake),
            new Kind("Pinned sites", "pinned", Sites::pinned));

    /** The site tables of A and B, {@code top} rows each; nothing if neither dump has sites. */
    static String tables(LoomscopeDump a, LoomscopeDump b, int top, int tail) {
        if (a.sites() == null && b.sites() == null) {
            return "";
        }
        double secondsA = seconds(a);
        double secondsB = seconds(b);
        StringBuilder md = new StringBuilder();
        for (Kind kind : KINDS) {
            Map<String, Sites.Site[]> byStack = new LinkedHashMap<>();
            add(byStack, a.sites() == null ? null : kind.list().apply(a.sites()), 0);
            add(byStack, b.sites() == null ? null : kind.list().apply(b.sites()), 1);
            if (byStack.isEmpty()) {
                continue;
            }
            List<Sites.Site[]> rows = new ArrayList<>(byStack.values());
            rows.sort(Comparator.comparingDouble((Sites.Site[] pair) -> -Math.max(
                    perSecond(pair[0], secondsA), perSecond(pair[1], secondsB))));
            MarkdownTable table = new MarkdownTable("site", ">A count/s", ">B count/s", ">A time/s", ">B time/s",
                    ">B/A", ">A p99", ">B p99");
            for (Sites.Site[] pair : rows.subList(0, Math.min(top, rows.size()))) {
                double ta = perSecond(pair[0], secondsA);
                double tb = perSecond(pair[1], secondsB);
                table.row(name(pair[0] != null ? pair[0] : pair[1]), count(pair[0], secondsA),
                        count(pair[1], secondsB), time(pair[0], ta), time(pair[1], tb),
                        pair[0] == null || pair[1] == null ? "-" : DiffCommand.ratio(ta, tb), p99(pair[0], tail),
                        p99(pair[1], tail));
            }
            md.append("\n### ").append(kind.title()).append(" (time: ").append(kind.charged()).append(")")
                    .append(rows.size() > top ? ", top " + top + " of " + rows.size() : "").append("\n\n")
                    .append(table.render());
        }
        if (md.isEmpty()) {
            return "";
        }
        md.append("\nSites are the same in A and B when their stacks are; a site only one run has shows `-` in the"
                + " other. Counts are of sampled events");
        long everyA = a.sites() == null ? -1 : a.sites().sampleEvery();
        long everyB = b.sites() == null ? -1 : b.sites().sampleEvery();
        if (everyA == everyB) {
            md.append(" (sampleEvery ").append(everyA).append(" in both)");
        } else {
            md.append("; sampleEvery differs (A ").append(everyA).append(", B ").append(everyB)
                    .append("), so compare a site's share of its run rather than its rate");
        }
        md.append("; time/s is the latency charged to the site per second of recording. A p99 with too few samples"
                + " is marked ~.\n");
        return md.toString();
    }

    private static void add(Map<String, Sites.Site[]> byStack, List<? extends Sites.Site> sites, int side) {
        if (sites == null) {
            return;
        }
        for (Sites.Site site : sites) {
            byStack.computeIfAbsent(RankedLists.framesKey(site.frames()), k -> new Sites.Site[2])[side] = site;
        }
    }

    /** The innermost application frame and its caller, as the diagnosis names it. */
    private static String name(Sites.Site site) {
        ApplicationCode.Where where = ApplicationCode.ANY.where(site.frames());
        if (where == null) {
            return SitesSection.fromJdk(site) ? "the JDK: " + ApplicationCode.shortFrame(site.frames().get(0))
                    : ApplicationCode.withoutApplicationFrame(site.frames(), "(stack not sampled)");
        }
        return where.name() + (where.via() == null ? "" : " via " + where.via())
                + (where.callers().isEmpty() ? "" : " < " + where.callers().get(0));
    }

    private static double seconds(LoomscopeDump dump) {
        return dump.recording() == null ? Double.NaN : dump.recording().durationNs() / 1e9;
    }

    /** Nanoseconds charged per second; 0 for a site the run does not have. */
    private static double perSecond(Sites.Site site, double seconds) {
        return site == null || seconds <= 0 ? 0 : site.chargedNanos() / seconds;
    }

    private static String count(Sites.Site site, double seconds) {
        return site == null || !(seconds > 0) ? "-" : DiffCommand.threeDigits(site.count() / seconds);
    }

    private static String time(Sites.Site site, double nanosPerSecond) {
        return site == null ? "-" : Durations.format(Math.round(nanosPerSecond));
    }

    private static String p99(Sites.Site site, int tail) {
        Sites.Charges charges = site == null ? null : site.charges();
        if (charges == null || charges.count() == 0) {
            return "-";
        }
        return Durations.format(charges.p99Ns()) + (SampleRule.enough(charges.count(), P99, tail) ? "" : " ~");
    }
}

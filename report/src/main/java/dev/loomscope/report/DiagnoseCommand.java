package dev.loomscope.report;

import dev.loomscope.format.Counts;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.Leaks;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Sites;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code diagnose DUMP.json [--app PREFIXES]}: the report's diagnosis ({@link Diagnosis}) as text for a terminal, then
 * the lists it comes from: headline latencies, the top block sites, pinned sites, leak clusters, the long slices by
 * stack, and who woke the threads. What {@code scripts/demo} prints.
 */
final class DiagnoseCommand {
    static final String HELP = """
            usage: java -jar loomscope-report.jar diagnose DUMP.json [--app PREFIXES]
            Prints what stands out in the dump, one finding a line (as at the top of the HTML report), then the
            headline latencies, top block sites, pinned sites, leak clusters, long slices grouped by stack and the
            wakers, each site named by its innermost application frame and the call it made there.
              --app PREFIXES   name sites by the frames under these package prefixes, comma-separated
                               (dev.example.): a library's site by the code that called it
            Exit codes: 0 done, 2 unusable input. See docs/report.md.""";
    /** Entries per list. */
    private static final int TOP = 5;

    private DiagnoseCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        CliArgs cli = CliArgs.parse("diagnose", args, Set.of("--app"), Set.of());
        if (cli.help()) {
            out.println(HELP);
            return ExitCode.OK;
        }
        if (cli.positional().size() != 1) {
            throw CliArgs.usage("diagnose", "needs exactly one dump");
        }
        String app = cli.value("--app", null);
        ApplicationCode code = app == null ? ApplicationCode.ANY : ReportCommand.appCode("diagnose", app);
        Path file = Path.of(cli.positional().get(0));
        out.print(text(Dump.read(file).model(), file.toString(), code));
        return ExitCode.OK;
    }

    static String text(LoomscopeDump dump, String name, ApplicationCode code) {
        Diagnosis diagnosis = Diagnosis.of(dump, code);
        Counts counts = dump.counts();
        StringBuilder out = new StringBuilder();
        line(out, "Loomscope diagnosis of %s", name);
        line(out, "  %s: %s virtual threads created, %s blocks (%s pinned), %s records dropped",
                diagnosis.recording(), count(counts.created()), count(counts.blocks()), count(counts.pinnedBlocks()),
                count(counts.dropped()));
        String shed = SheddingNote.summary(dump);
        if (shed != null) {
            line(out, "  %s: %s", shed, SheddingNote.MEANING);
        }

        out.append('\n');
        line(out, "Diagnosis (→ the section of the HTML report that shows it)");
        for (Diagnosis.Finding finding : diagnosis.findings()) {
            line(out, "  %s %-12s %s  → %s", finding.problem() ? "!" : " ", finding.topic(), finding.text(),
                    finding.see().get(0).title);
        }

        out.append('\n');
        line(out, "Headline latencies        count        p50        p99      p99.9        max");
        for (Metrics.Latency latency : List.of(Metrics.WAKE_TO_RUN, Metrics.BLOCKED, Metrics.START_DELAY,
                Metrics.RUN_SLICE, Metrics.PINNED_BLOCKED)) {
            LatencySummary s = latency.summaryIn(dump.latencies());
            if (s != null) {
                boolean none = s.count() == 0;
                line(out, "  %-18s %,11d %10s %10s %10s %10s", latency.name(), s.count(),
                        none ? HtmlNumbers.NONE : duration(s.p50()), none ? HtmlNumbers.NONE : duration(s.p99()),
                        none ? HtmlNumbers.NONE : duration(s.p999()), none ? HtmlNumbers.NONE : duration(s.max()));
            }
        }
        List<String> byKind = new ArrayList<>();
        Map<String, LatencySummary> kinds = dump.latencies().blockedByKind();
        if (kinds != null) {
            kinds.forEach((kind, s) -> {
                if (s != null && s.count() > 0) {
                    byKind.add(kind + " " + count(s.count()) + " (p99 " + duration(s.p99()) + ")");
                }
            });
        }
        line(out, "  blocked by kind: %s", byKind.isEmpty() ? "none" : String.join(", ", byKind));

        Sites sites = dump.sites();
        out.append('\n');
        String critical = critical(dump);
        line(out, "Top block sites (by total blocked time; sampled blocks: %s%s)", sites == null ? "none"
                : "1 in " + sites.sampleEvery(), critical.isEmpty() ? "" : ", all of threads named " + critical);
        sites(out, diagnosis.blockSites(), "blocks", "blocked");

        out.append('\n');
        line(out, "Pinned (a virtual thread parked while it could not leave its carrier)");
        sites(out, diagnosis.pinnedSites(), "pinned blocks", "pinned");

        Leaks leaks = dump.leaks();
        out.append('\n');
        line(out, "Leaks (virtual threads blocked for %s or more at the dump)",
                leaks == null ? "?" : duration(leaks.thresholdNs()));
        List<Leaks.Cluster> clusters = leaks == null || leaks.clusters() == null ? List.of() : leaks.clusters();
        none(out, clusters);
        for (int i = 0; i < Math.min(TOP, clusters.size()); i++) {
            Leaks.Cluster cluster = clusters.get(i);
            ApplicationCode.Where where = code.where(cluster.frames());
            line(out, "  %d. %s threads at %s  %s  oldest blocked %s%s", i + 1, count(cluster.threads()),
                    Diagnosis.clusterName(cluster, where), SectionParts.kinds(cluster.kinds()),
                    duration(cluster.oldestBlockedNs()),
                    where == null || where.via() == null ? "" : "  via " + where.via());
        }

        LongSlices longSlices = dump.longSlices();
        out.append('\n');
        line(out, "Monopolising slices (a virtual thread kept its carrier %s or more): %s, the %s longest by stack",
                longSlices == null ? "?" : duration(longSlices.thresholdNs()),
                longSlices == null ? "?" : count(longSlices.count()), count(diagnosis.slices().slices()));
        SliceGroups slices = diagnosis.slices();
        none(out, slices.groups().isEmpty() && slices.startUp().isEmpty() ? List.of() : List.of(slices));
        groups(out, slices.groups(), "  ");
        if (!slices.startUp().isEmpty()) {
            line(out, "  start-up (stacks that ran long only in the first %d s of the JVM):",
                    SliceGroups.STARTUP_SECONDS);
            groups(out, slices.startUp(), "    ");
        }

        out.append('\n');
        line(out, "Wakers (wake → run charged to the waker's stack)");
        List<Diagnosis.SiteGroup> wakers = sites == null ? List.of() : Diagnosis.group(sites.wake(), code);
        none(out, wakers);
        for (int i = 0; i < Math.min(TOP, wakers.size()); i++) {
            Diagnosis.SiteGroup g = wakers.get(i);
            line(out, "  %d. %s  %s wakes  wake → run total %s%s", i + 1,
                    g.jdk() ? SitesSection.JDK_WAKER : g.name(),
                    count(g.count()), duration(g.totalNs()), p99(g));
        }
        return out.toString();
    }

    private static void sites(StringBuilder out, List<Diagnosis.SiteGroup> groups, String counted, String what) {
        none(out, groups);
        for (int i = 0; i < Math.min(TOP, groups.size()); i++) {
            Diagnosis.SiteGroup g = groups.get(i);
            line(out, "  %d. %s  %s%s %s%s  total %s%s%s", i + 1, g.name(), g.kinds().equals("pinned") ? ""
                            : g.kinds() + "  ", count(g.count()), counted, Diagnosis.stillGoing(g, what),
                    duration(g.totalNs()), p99(g), Diagnosis.via(g).isEmpty() ? "" : " " + Diagnosis.via(g));
            if (g.kinds().equals("pinned") && g.where() != null && !g.where().callers().isEmpty()) {
                // What holds the pin (a native frame, a class initialiser) is often a caller, not the parking frame.
                line(out, "     called from %s", String.join(" < ", g.where().callers()));
            }
        }
    }

    private static void groups(StringBuilder out, List<SliceGroups.Group> groups, String indent) {
        for (int i = 0; i < Math.min(TOP, groups.size()); i++) {
            SliceGroups.Group g = groups.get(i);
            line(out, "%s%d. %s  %s %s  total %s  longest %s%s  first at %s", indent, i + 1, g.name(),
                    count(g.count()), g.count() == 1 ? "slice" : "slices", duration(g.totalNs()),
                    duration(g.longestNs()), g.ongoing() > 0 ? " (" + g.ongoing() + " still running)" : "",
                    HtmlNumbers.timeOfDay(g.firstEpochMs()));
        }
        if (groups.size() > TOP) {
            line(out, "%s... %d more stacks", indent, groups.size() - TOP);
        }
    }

    private static String p99(Diagnosis.SiteGroup g) {
        return g.charges() == null || g.charges().count() == 0 ? "" : "  p99 " + duration(g.charges().p99Ns());
    }

    private static void none(StringBuilder out, List<?> list) {
        if (list.isEmpty()) {
            out.append("  none\n");
        }
    }

    /** The agent's {@code critical} prefixes, {@code notify-* or audit-*}; empty for none. */
    private static String critical(LoomscopeDump dump) {
        Object critical = dump.agent() == null || dump.agent().options() == null ? null
                : dump.agent().options().get("critical");
        return critical == null || critical.toString().isEmpty() ? ""
                : String.join("* or ", critical.toString().split("\\|")) + "*";
    }

    private static String duration(long nanos) {
        return HtmlNumbers.duration(nanos);
    }

    private static String count(long n) {
        return HtmlNumbers.count(n);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}

package dev.loomscope.report;

import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Operations;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code diff A.json B.json}: the metrics check compares, side by side with the ratio B/A, the main counts, as totals
 * and per second of recording (runs of different length compare by their rates), and the top sites of both runs
 * matched by their stacks ({@link SiteDiff}). Judges nothing (always exit 0 on usable input); percentiles with too
 * few samples (the rule of check) are marked.
 */
final class DiffCommand {
    /** Operations compared by default. */
    static final int DEFAULT_OPERATIONS = 10;
    static final String HELP = """
            usage: java -jar loomscope-report.jar diff A.json B.json [options]
            Prints a Markdown table of the same metrics in A and B with the ratio B/A.
              --metrics LIST       distributions (default %s);
                                   also %s
              --percentiles LIST   percentiles (default %s); any pNN, p999 = 99.9
              --tail-samples N     mark a percentile p as '~' (too few samples to judge) unless both runs have
                                   count*(1-p) >= N (default %d), as check does
              --sites N            block, wake and pinned sites per table, matched by their stacks (default %d;
                                   0: no site tables)
              --operations N       the application's operations compared, matched by name, the worst wake-to-run
                                   p99 first (default %d; 0: none)
            Counts are shown per second of recording too, so runs of different length compare.
            Exit codes: 0 done, 2 unusable input. See docs/report.md."""
            .formatted(MetricSelection.DEFAULT_METRICS, MetricSelection.OTHER_METRICS,
                    MetricSelection.DEFAULT_PERCENTILES, SampleRule.DEFAULT_TAIL, SiteDiff.DEFAULT_SITES,
                    DEFAULT_OPERATIONS);

    private static final Set<String> VALUE_OPTIONS = Set.of("--metrics", "--percentiles", "--tail-samples",
            "--sites", "--operations");
    /** Counts shown under the latencies: what changes in how much work the run did. */
    private static final List<Metrics.Count> COUNTS = List.of(Metrics.CREATED, Metrics.BLOCKS, Metrics.WAKES,
            Metrics.MOUNTS, Metrics.PINNED_BLOCKS, Metrics.YIELDS, Metrics.DROPPED, Metrics.LONG_SLICES,
            Metrics.LEAKED_THREADS);

    private DiffCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        CliArgs cli = CliArgs.parse("diff", args, VALUE_OPTIONS, Set.of());
        if (cli.help()) {
            out.println(HELP);
            return ExitCode.OK;
        }
        if (cli.positional().size() != 2) {
            throw CliArgs.usage("diff", "needs exactly two dumps, A.json and B.json");
        }
        MetricSelection selection;
        int tail;
        int sites;
        int operations;
        try {
            selection = MetricSelection.parse(cli.value("--metrics", MetricSelection.DEFAULT_METRICS),
                    cli.value("--percentiles", MetricSelection.DEFAULT_PERCENTILES));
            tail = wholeNumber(cli, "--tail-samples", SampleRule.DEFAULT_TAIL, 1);
            sites = wholeNumber(cli, "--sites", SiteDiff.DEFAULT_SITES, 0);
            operations = wholeNumber(cli, "--operations", DEFAULT_OPERATIONS, 0);
        } catch (IllegalArgumentException e) {
            throw CliArgs.usage("diff", e.getMessage());
        }
        Dump a = Dump.read(Path.of(cli.positional().get(0)));
        Dump b = Dump.read(Path.of(cli.positional().get(1)));
        out.print(table(a, b, selection, tail, sites, operations));
        return ExitCode.OK;
    }

    private static int wholeNumber(CliArgs cli, String option, int fallback, int least) {
        int n;
        try {
            n = Integer.parseInt(cli.value(option, Integer.toString(fallback)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number");
        }
        if (n < least) {
            throw new IllegalArgumentException(option + " must be at least " + least);
        }
        return n;
    }

    static String table(Dump a, Dump b, MetricSelection selection, int tail) throws UnusableInputException {
        return table(a, b, selection, tail, SiteDiff.DEFAULT_SITES, DEFAULT_OPERATIONS);
    }

    /**
     * @param sites      site rows per table; 0 for none
     * @param operations operations compared; 0 for none
     */
    static String table(Dump a, Dump b, MetricSelection selection, int tail, int sites, int operations)
            throws UnusableInputException {
        StringBuilder md = new StringBuilder("## Loomscope diff\n\n");
        md.append("A ").append(CheckCommand.describe(a)).append(", B ").append(CheckCommand.describe(b))
                .append(".\n\n");
        MarkdownTable latencies = new MarkdownTable("metric", ">A", ">B", ">B/A");
        boolean marked = false;
        for (String metric : selection.metrics()) {
            MetricSelection.requireKnown(metric, a, b);
            Distribution da = Distribution.of(a, metric);
            Distribution db = Distribution.of(b, metric);
            latencies.row(metric + " count", Long.toString(da.count()), Long.toString(db.count()),
                    ratio(da.count(), db.count()));
            for (Percentile p : selection.percentiles()) {
                long va = da.valueAt(p);
                long vb = db.valueAt(p);
                boolean few = !SampleRule.enough(da.count(), p, tail) || !SampleRule.enough(db.count(), p, tail);
                marked |= few;
                String mark = few ? " ~" : "";
                latencies.row(metric + " " + p.name(), Durations.format(va) + mark, Durations.format(vb) + mark,
                        ratio(va, vb) + mark);
            }
        }
        md.append(latencies.render()).append('\n');

        MarkdownTable counts = new MarkdownTable("count", ">A", ">B", ">B/A", ">A per s", ">B per s", ">B/A per s");
        long da = durationNanos(a.model());
        long db = durationNanos(b.model());
        counts.row("recording duration", Durations.format(da), Durations.format(db), ratio(da, db), "", "", "");
        for (Metrics.Count count : COUNTS) {
            Long na = count.value().apply(a.model());
            Long nb = count.value().apply(b.model());
            if (na == null && nb == null) {
                continue;
            }
            counts.row(count.name(), na == null ? "-" : na.toString(), nb == null ? "-" : nb.toString(),
                    ratio(na == null ? 0 : na, nb == null ? 0 : nb), perSecond(na, da), perSecond(nb, db),
                    na == null || nb == null ? "-" : ratio(rate(na, da), rate(nb, db)));
        }
        md.append(counts.render());
        if (da != db) {
            md.append("\nThe runs differ in length: compare counts per second of recording (recording.durationNs).\n");
        }
        for (Dump side : List.of(a, b)) {
            String shed = SheddingNote.summary(side.model());
            if (shed != null) { // its latencies and counts of blocks are of a sample: say so beside the comparison
                md.append('\n').append(side == a ? "A" : "B").append(": ").append(shed).append("; ")
                        .append(SheddingNote.MEANING).append(".\n");
            }
        }
        if (marked) {
            md.append("\n~ too few samples to judge: fewer than ").append(tail)
                    .append(" samples beyond the percentile in A or B (check would skip it).\n");
        }
        if (operations > 0) {
            md.append(operations(a, b, selection, tail, operations));
        }
        if (sites > 0) {
            md.append(SiteDiff.tables(a.model(), b.model(), sites, tail));
        }
        return md.toString();
    }

    /**
     * The application's operations of both runs, matched by name: threads (per second of recording) and the
     * selected percentiles of the selected distributions an operation has ({@code wakeToRun}, {@code blocked},
     * {@code runSlice}; {@code wakeToRun} when the selection names none of them), the operations with the worst
     * wake-to-run p99 in either run first. Nothing when neither run has an operation.
     */
    private static String operations(Dump a, Dump b, MetricSelection selection, int tail, int limit)
            throws UnusableInputException {
        Operations oa = a.model().operations();
        Operations ob = b.model().operations();
        List<String> names = new ArrayList<>();
        for (Operations ops : new Operations[]{oa, ob}) {
            if (ops != null) {
                ops.perOperation().forEach(o -> {
                    if (!names.contains(o.name())) {
                        names.add(o.name());
                    }
                });
            }
        }
        if (names.isEmpty()) {
            return "";
        }
        names.sort(Comparator.comparingLong((String name) -> Math.max(worstP99(oa, name), worstP99(ob, name)))
                .reversed().thenComparing(Comparator.naturalOrder()));
        List<String> metrics = selection.metrics().stream().filter(Budget.OPERATION_METRICS::contains).toList();
        if (metrics.isEmpty()) {
            metrics = List.of("wakeToRun");
        }
        long da = durationNanos(a.model());
        long db = durationNanos(b.model());
        MarkdownTable table = new MarkdownTable("operation", "metric", ">A", ">B", ">B/A");
        boolean marked = false;
        for (String name : names.subList(0, Math.min(limit, names.size()))) {
            Operations.Operation inA = oa == null ? null : oa.operation(name);
            Operations.Operation inB = ob == null ? null : ob.operation(name);
            table.row(name, "threads per s", inA == null ? "-" : perSecond(inA.threads(), da),
                    inB == null ? "-" : perSecond(inB.threads(), db), inA == null || inB == null ? "-"
                            : ratio(rate(inA.threads(), da), rate(inB.threads(), db)));
            for (String metric : metrics) {
                Distribution sa = inA == null ? null : Distribution.ofOperation(a, name, metric);
                Distribution sb = inB == null ? null : Distribution.ofOperation(b, name, metric);
                for (Percentile p : selection.percentiles()) {
                    boolean few = (sa != null && !SampleRule.enough(sa.count(), p, tail))
                            || (sb != null && !SampleRule.enough(sb.count(), p, tail));
                    marked |= few;
                    String mark = few ? " ~" : "";
                    table.row(name, metric + " " + p.name(),
                            sa == null ? "-" : Durations.format(sa.valueAt(p)) + mark,
                            sb == null ? "-" : Durations.format(sb.valueAt(p)) + mark,
                            sa == null || sb == null ? "-" : ratio(sa.valueAt(p), sb.valueAt(p)) + mark);
                }
            }
        }
        StringBuilder md = new StringBuilder("\n### Operations\n\n").append(table.render());
        if (names.size() > limit) {
            md.append("\n").append(names.size() - limit).append(" more operations (--operations N shows more).\n");
        }
        if (marked) {
            md.append("\n~ too few samples to judge (as above).\n");
        }
        return md.toString();
    }

    /** An operation's wake-to-run p99 in a run, -1 where it has none. */
    private static long worstP99(Operations operations, String name) {
        Operations.Operation operation = operations == null ? null : operations.operation(name);
        LatencySummary wakes = operation == null || operation.latencies() == null ? null
                : operation.latencies().wakeToRun();
        return wakes == null || wakes.count() == 0 ? -1 : wakes.p99();
    }

    /** Events per second of recording; {@code NaN} for a recording of no length. */
    static double rate(long events, long durationNanos) {
        return durationNanos <= 0 ? Double.NaN : events / (durationNanos / 1e9);
    }

    /** {@code 141}, {@code 2.35}: a rate to three significant digits; {@code -} without one. */
    static String perSecond(Long events, long durationNanos) {
        return events == null ? "-" : threeDigits(rate(events, durationNanos));
    }

    static String threeDigits(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double abs = Math.abs(v);
        return String.format(Locale.ROOT, abs >= 100 || abs == 0 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f", v);
    }

    private static long durationNanos(LoomscopeDump dump) {
        return dump.recording() == null ? 0 : dump.recording().durationNs();
    }

    /** B/A to three significant digits, e.g. {@code 5.53x}; {@code -} when A is 0 (no ratio). */
    static String ratio(long a, long b) {
        return ratio((double) a, (double) b);
    }

    /** The same for rates; {@code -} when A is 0 or either is not a number. */
    static String ratio(double a, double b) {
        if (a == 0 || Double.isNaN(a) || Double.isNaN(b)) {
            return "-";
        }
        double r = b / a;
        return String.format(Locale.ROOT, r >= 100 ? "%.0fx" : r >= 10 ? "%.1fx" : "%.2fx", r);
    }
}

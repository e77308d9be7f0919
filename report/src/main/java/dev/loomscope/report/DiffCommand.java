package dev.loomscope.report;

import dev.loomscope.format.LoomscopeDump;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code diff A.json B.json}: the metrics check compares, side by side with the ratio B/A, and the main counts. Judges
 * nothing (always exit 0 on usable input); percentiles with too few samples (the rule of check) are marked.
 */
final class DiffCommand {
    static final String HELP = """
            usage: java -jar loomscope-report.jar diff A.json B.json [options]
            Prints a Markdown table of the same metrics in A and B with the ratio B/A.
              --metrics LIST       distributions (default %s);
                                   also %s
              --percentiles LIST   percentiles (default %s); any pNN, p999 = 99.9
              --tail-samples N     mark a percentile p as '~' (too few samples to judge) unless both runs have
                                   count*(1-p) >= N (default %d), as check does
            Exit codes: 0 done, 2 unusable input. See docs/report.md."""
            .formatted(MetricSelection.DEFAULT_METRICS, MetricSelection.OTHER_METRICS,
                    MetricSelection.DEFAULT_PERCENTILES, SampleRule.DEFAULT_TAIL);

    private static final Set<String> VALUE_OPTIONS = Set.of("--metrics", "--percentiles", "--tail-samples");
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
        try {
            selection = MetricSelection.parse(cli.value("--metrics", MetricSelection.DEFAULT_METRICS),
                    cli.value("--percentiles", MetricSelection.DEFAULT_PERCENTILES));
            tail = Integer.parseInt(cli.value("--tail-samples", Integer.toString(SampleRule.DEFAULT_TAIL)));
            if (tail < 1) {
                throw new IllegalArgumentException("--tail-samples must be at least 1");
            }
        } catch (NumberFormatException e) {
            throw CliArgs.usage("diff", "--tail-samples needs a whole number");
        } catch (IllegalArgumentException e) {
            throw CliArgs.usage("diff", e.getMessage());
        }
        Dump a = Dump.read(Path.of(cli.positional().get(0)));
        Dump b = Dump.read(Path.of(cli.positional().get(1)));
        out.print(table(a, b, selection, tail));
        return ExitCode.OK;
    }

    static String table(Dump a, Dump b, MetricSelection selection, int tail) throws UnusableInputException {
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

        MarkdownTable counts = new MarkdownTable("count", ">A", ">B", ">B/A");
        long da = durationNanos(a.model());
        long db = durationNanos(b.model());
        counts.row("recording duration", Durations.format(da), Durations.format(db), ratio(da, db));
        for (Metrics.Count count : COUNTS) {
            Long na = count.value().apply(a.model());
            Long nb = count.value().apply(b.model());
            if (na == null && nb == null) {
                continue;
            }
            counts.row(count.name(), na == null ? "-" : na.toString(), nb == null ? "-" : nb.toString(),
                    ratio(na == null ? 0 : na, nb == null ? 0 : nb));
        }
        md.append(counts.render());
        if (marked) {
            md.append("\n~ too few samples to judge: fewer than ").append(tail)
                    .append(" samples beyond the percentile in A or B (check would skip it).\n");
        }
        return md.toString();
    }

    private static long durationNanos(LoomscopeDump dump) {
        return dump.recording() == null ? 0 : dump.recording().durationNs();
    }

    /** B/A to three significant digits, e.g. {@code 5.53x}; {@code -} when A is 0 (no ratio). */
    static String ratio(long a, long b) {
        if (a == 0) {
            return "-";
        }
        double r = (double) b / a;
        return String.format(Locale.ROOT, r >= 100 ? "%.0fx" : r >= 10 ? "%.1fx" : "%.2fx", r);
    }
}

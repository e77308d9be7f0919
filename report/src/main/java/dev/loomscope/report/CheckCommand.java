package dev.loomscope.report;

import dev.loomscope.format.Merged;
import dev.loomscope.report.CheckResult.Status;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code check}: the CI gate. Compares a current dump with a baseline and exits 1 on a regression, an exceeded budget,
 * forbidden pinning or leaks (docs/report.md). Prints a Markdown table on stdout; {@code --junit} also writes JUnit
 * XML.
 */
final class CheckCommand {
    static final String HELP = """
            usage: java -jar loomscope-report.jar check --baseline BASE.json --current CUR.json [options]
                   java -jar loomscope-report.jar check --current CUR.json --budget SPEC [options]
            Fails (exit 1) when the current run is worse than the baseline beyond the limits, or over a budget.
            Without --baseline only the current run's own limits are judged: --budget, --forbid-pinning,
            --forbid-leaks (at least one of them).
              --metrics LIST           distributions to compare (default %s);
                                       also %s
              --percentiles LIST       percentiles to compare (default %s); any pNN, p999 = 99.9
              --max-regression SPEC    allowed increase over the baseline, e.g. p99=20%%,p999=30%%,
                                       wakeToRun.p99=50%%, or 25%% for all (default %s)
              --min-delta DURATION     a regression must also be at least this much slower (default %s)
              --budget SPEC            absolute limits on the current run, e.g. wakeToRun.p99=5ms,blocked.p50=20ms;
                                       one of the application's operations: 'op[POST /payments].wakeToRun.p99=20ms'
              --forbid-pinning         fail if the current run has any pinned block
              --forbid-leaks           fail if the current dump reports leaked (long-blocked) virtual threads
              --tail-samples N         a percentile p is judged only if both runs have count*(1-p) >= N
                                       (default %d): p50 needs 20 samples, p99 1000, p999 10000
              --junit FILE             also write JUnit XML, one test case per check
            Prints a Markdown table on stdout. Exit codes: 0 pass, 1 check failed, 2 unusable input.
            Checks with too few samples are reported as skipped and never fail. See docs/report.md."""
            .formatted(MetricSelection.DEFAULT_METRICS, MetricSelection.OTHER_METRICS,
                    MetricSelection.DEFAULT_PERCENTILES, Thresholds.DEFAULTS, CheckCriteria.DEFAULT_MIN_DELTA,
                    SampleRule.DEFAULT_TAIL);

    private static final Set<String> VALUE_OPTIONS = Set.of("--baseline", "--current", "--metrics", "--percentiles",
            "--max-regression", "--min-delta", "--budget", "--tail-samples", "--junit");
    private static final Set<String> FLAGS = Set.of("--forbid-pinning", "--forbid-leaks");

    private CheckCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        CliArgs cli = CliArgs.parse("check", args, VALUE_OPTIONS, FLAGS);
        if (cli.help()) {
            out.println(HELP);
            return ExitCode.OK;
        }
        if (!cli.positional().isEmpty()) {
            throw CliArgs.usage("check", "unexpected argument '" + cli.positional().get(0)
                    + "' (dumps are given as --baseline and --current)");
        }
        String baselineFile = cli.value("--baseline", null);
        String currentFile = cli.value("--current", null);
        if (currentFile == null) {
            throw CliArgs.usage("check", "--current is required");
        }
        CheckCriteria criteria = criteria(cli);
        if (baselineFile == null && criteria.budgets().isEmpty() && !criteria.forbidPinning()
                && !criteria.forbidLeaks()) {
            throw CliArgs.usage("check", "nothing to judge: give --baseline, or --budget, --forbid-pinning or"
                    + " --forbid-leaks");
        }
        Dump baseline = baselineFile == null ? null : Dump.read(Path.of(baselineFile));
        Dump current = Dump.read(Path.of(currentFile));

        RegressionCheck.Report report = RegressionCheck.run(baseline, current, criteria);
        out.print(markdown(baseline, current, report, criteria));
        String junit = cli.value("--junit", null);
        if (junit != null) {
            try {
                JUnitXmlWriter.write(report.results(), Path.of(junit));
            } catch (IOException e) {
                throw new UnusableInputException("check: cannot write JUnit XML to " + junit + ": " + e.getMessage());
            }
        }
        if (report.failed()) {
            List<String> failed = report.results().stream().filter(r -> r.status() == Status.FAIL)
                    .map(r -> (r.kind() == CheckResult.Kind.BUDGET ? "budget " : "") + r.id()
                            + (r.change().isEmpty() ? "" : " " + r.change())).toList();
            err.println("loomscope-report: check failed: " + String.join(", ", failed));
            return ExitCode.REGRESSION;
        }
        return ExitCode.OK;
    }

    private static CheckCriteria criteria(CliArgs cli) throws UnusableInputException {
        try {
            MetricSelection selection = MetricSelection.parse(
                    cli.value("--metrics", MetricSelection.DEFAULT_METRICS),
                    cli.value("--percentiles", MetricSelection.DEFAULT_PERCENTILES));
            Thresholds thresholds = Thresholds.parse(String.join(",", cli.values("--max-regression")));
            List<Budget> budgets = Budget.parseAll(String.join(",", cli.values("--budget")));
            long minDelta = Durations.parse(cli.value("--min-delta", CheckCriteria.DEFAULT_MIN_DELTA));
            int tail = Integer.parseInt(cli.value("--tail-samples", Integer.toString(SampleRule.DEFAULT_TAIL)));
            if (tail < 1) {
                throw new IllegalArgumentException("--tail-samples must be at least 1");
            }
            return new CheckCriteria(selection, thresholds, budgets, minDelta, tail, cli.flag("--forbid-pinning"),
                    cli.flag("--forbid-leaks"));
        } catch (NumberFormatException e) {
            throw CliArgs.usage("check", "--tail-samples needs a whole number");
        } catch (IllegalArgumentException e) {
            throw CliArgs.usage("check", e.getMessage());
        }
    }

    static String markdown(Dump baseline, Dump current, RegressionCheck.Report report, CheckCriteria criteria) {
        StringBuilder md = new StringBuilder();
        long failed = report.count(Status.FAIL);
        long skipped = report.count(Status.SKIP);
        md.append("## Loomscope check: ").append(failed > 0 ? "FAILED" : "passed").append("\n\n");
        md.append(failed).append(" of ").append(report.results().size()).append(" checks failed");
        if (skipped > 0) {
            md.append(", ").append(skipped).append(" skipped");
        }
        md.append(baseline == null ? ". No baseline: current " + describe(current) + " judged alone"
                : ". Baseline " + describe(baseline) + ", current " + describe(current)).append(".\n\n");
        MarkdownTable table = new MarkdownTable("check", ">baseline", ">current", ">change", "limit", "result");
        for (CheckResult r : report.results()) {
            String name = r.kind() == CheckResult.Kind.BUDGET ? "budget " + r.id() : r.id();
            String result = switch (r.status()) {
                case PASS -> "pass";
                case FAIL -> "**FAIL**";
                case SKIP -> "skipped";
            };
            table.row(name, r.baseline(), r.current(), r.change(), r.limit(), result);
        }
        md.append(table.render()).append('\n');
        // Failures first: in a long job summary they are what the reader came for.
        for (CheckResult r : report.results()) {
            if (r.status() == Status.FAIL) {
                md.append("- **FAIL** ").append(r.kind() == CheckResult.Kind.BUDGET ? "budget: " : "")
                        .append(r.message()).append('\n');
            }
        }
        for (CheckResult r : report.results()) {
            if (r.status() == Status.SKIP) {
                md.append("- skipped ").append(r.id()).append(": ").append(r.message()).append('\n');
            }
        }
        for (String note : report.notes()) {
            md.append("- note: ").append(note).append('\n');
        }
        md.append("\nA percentile is judged only when both runs have at least ").append(criteria.tail())
                .append(" samples beyond it (count x (1 - p) >= ").append(criteria.tail())
                .append("); a regression must exceed its limit and be at least ")
                .append(Durations.format(criteria.minDeltaNanos())).append(" slower.\n");
        return md.toString();
    }

    /** {@code `base.json` (pid 4242)}, or the number of JVMs of a merged dump. */
    static String describe(Dump dump) {
        String name = "`" + dump.file().getFileName() + "`";
        Merged merged = dump.model().merged();
        if (merged != null && merged.inputs() != null && !merged.inputs().isEmpty()) {
            return name + " (" + merged.inputs().size() + " JVMs merged)";
        }
        return name + " (pid " + dump.model().jvm().pid() + ")";
    }
}

package dev.loomscope.report;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code alerts --baseline BASE.json}: Prometheus alert rules that fire when a JVM of the baseline's service gets
 * slower than the baseline was, for the agent's metrics endpoint (docs/fleet.md). One rule per latency: its percentile
 * over 5 minutes, per JVM, above the percentile the baseline met plus a margin.
 * <p>
 * "The percentile the baseline met" is the one Prometheus would have computed for the baseline: the agent exports
 * classic buckets one per doubling, and {@code histogram_quantile} interpolates inside the bucket, up to twice the
 * exact value. A threshold taken from the dump's exact percentile could lie below what Prometheus reports for the
 * baseline itself, which would then alert; so the dump's histogram is put into the agent's buckets and the quantile
 * taken as Prometheus takes it ({@link #prometheusQuantile}), then the margin added and the result rounded up.
 */
final class AlertsCommand {
    static final String DEFAULT_METRICS = "wakeToRun,startDelay";
    static final String DEFAULT_PERCENTILE = "p99";
    static final String DEFAULT_MARGIN = "50%";
    static final String DEFAULT_FOR = "5m";
    static final String HELP = """
            usage: java -jar loomscope-report.jar alerts --baseline BASE.json [options]
            Writes Prometheus alert rules (YAML) that fire when a JVM of the baseline's service is slower than the
            baseline: the percentile over 5 minutes above the one the baseline met, as Prometheus computes it from
            the agent's buckets, plus the margin.
              --margin PERCENT     added to the baseline's percentile (default %s)
              --metrics LIST       latencies (default %s); also blocked, runSlice, pinnedBlocked,
                                   blockedByKind.<kind>
              --percentile pNN     the percentile (default %s)
              --service NAME       the service label to select (default: the baseline's agent.options.service)
              --for DURATION       how long the percentile must stay above (default %s; Prometheus durations)
              --tail-samples N     a latency needs count*(1-p) >= N samples in the baseline, and in the 5 minutes
                                   judged (default %d), as check judges percentiles
              -o FILE              write the rules to FILE instead of stdout
            Check the result with: promtool check rules FILE. Exit codes: 0 done, 2 unusable input.
            See docs/report.md and docs/fleet.md."""
            .formatted(DEFAULT_MARGIN, DEFAULT_METRICS, DEFAULT_PERCENTILE, DEFAULT_FOR, SampleRule.DEFAULT_TAIL);

    /**
     * The agent's classic buckets: upper bounds 2^k ns for k = {@value #FIRST_CLASSIC_EXPONENT} …
     * {@value #LAST_CLASSIC_EXPONENT}, then +Inf (agent {@code LatencyHistogram}, docs/fleet.md).
     */
    static final int FIRST_CLASSIC_EXPONENT = 10;
    static final int LAST_CLASSIC_EXPONENT = 36;
    private static final String WINDOW = "5m";
    private static final Set<String> VALUE_OPTIONS = Set.of("--baseline", "--margin", "--metrics", "--percentile",
            "--service", "--for", "--tail-samples", "-o");

    private AlertsCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        CliArgs cli = CliArgs.parse("alerts", args, VALUE_OPTIONS, Set.of());
        if (cli.help()) {
            out.println(HELP);
            return ExitCode.OK;
        }
        if (!cli.positional().isEmpty()) {
            throw CliArgs.usage("alerts", "unexpected argument '" + cli.positional().get(0)
                    + "' (the dump is given as --baseline)");
        }
        String baselineFile = cli.value("--baseline", null);
        if (baselineFile == null) {
            throw CliArgs.usage("alerts", "--baseline is required");
        }
        BigDecimal margin;
        Percentile percentile;
        List<String> metrics;
        int tail;
        String forDuration = cli.value("--for", DEFAULT_FOR);
        try {
            margin = Thresholds.percent(cli.value("--margin", DEFAULT_MARGIN));
            percentile = Percentile.parse(cli.value("--percentile", DEFAULT_PERCENTILE));
            metrics = MetricSelection.parse(cli.value("--metrics", DEFAULT_METRICS), percentile.name()).metrics();
            tail = Integer.parseInt(cli.value("--tail-samples", Integer.toString(SampleRule.DEFAULT_TAIL)));
            if (tail < 1) {
                throw new IllegalArgumentException("--tail-samples must be at least 1");
            }
            if (!forDuration.matches("(\\d+[smhdw])+")) {
                throw new IllegalArgumentException("--for '" + forDuration + "' is not a Prometheus duration"
                        + " (e.g. 5m, 1h30m)");
            }
        } catch (NumberFormatException e) {
            throw CliArgs.usage("alerts", "--tail-samples needs a whole number");
        } catch (IllegalArgumentException e) {
            throw CliArgs.usage("alerts", e.getMessage());
        }
        Dump baseline = Dump.read(Path.of(baselineFile));
        String service = cli.value("--service", baseline.json().at("/agent/options/service").asText(""));
        if (service.isEmpty()) {
            throw new UnusableInputException(baseline.file() + ": names no service (agent.options.service, written"
                    + " by agents with the metrics endpoint); give --service NAME");
        }
        List<Rule> rules = new ArrayList<>();
        for (String metric : metrics) {
            MetricSelection.requireKnown(metric, baseline);
            Distribution distribution = Distribution.of(baseline, metric);
            if (!SampleRule.enough(distribution.count(), percentile, tail)) {
                err.println("loomscope-report: alerts: " + metric + " left out: " + distribution.count()
                        + " samples in the baseline, " + percentile + " needs "
                        + SampleRule.minimumCount(percentile, tail));
                continue;
            }
            rules.add(Rule.of(metric, percentile, distribution, margin));
        }
        if (rules.isEmpty()) {
            throw new UnusableInputException(baseline.file() + ": too few samples for any alert (" + percentile
                    + " needs " + SampleRule.minimumCount(percentile, tail) + " per latency)");
        }
        String yaml = yaml(baseline, service, percentile, margin, forDuration,
                SampleRule.minimumCount(percentile, tail), rules);
        String output = cli.value("-o", null);
        if (output == null) {
            out.print(yaml);
        } else {
            try {
                Files.writeString(Path.of(output), yaml, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new UnusableInputException("alerts: cannot write " + output + " (" + e.getMessage() + ")");
            }
        }
        return ExitCode.OK;
    }

    /**
     * One alert: a latency of the dump and the metric the agent exports it as.
     *
     * @param series        the histogram's name, without {@code _bucket}
     * @param kind          the {@code kind} label to select, or null
     * @param baselineNanos the percentile Prometheus would compute for the baseline
     * @param exactNanos    the dump's own percentile (HdrHistogram)
     * @param thresholdSeconds the baseline's plus the margin, rounded up to 3 significant digits
     */
    record Rule(String metric, String series, String kind, long count, double baselineNanos, long exactNanos,
                BigDecimal thresholdSeconds) {
        static Rule of(String metric, Percentile percentile, Distribution distribution, BigDecimal margin)
                throws UnusableInputException {
            String series;
            String kind = null;
            if (metric.startsWith("blockedByKind.")) {
                kind = metric.substring("blockedByKind.".length());
                series = kind.equals("pinned") ? "loomscope_pinned_seconds" : "loomscope_blocked_seconds";
                if (kind.equals("pinned")) {
                    kind = null;
                }
            } else {
                series = switch (metric) {
                    case "wakeToRun" -> "loomscope_wake_to_run_seconds";
                    case "startDelay" -> "loomscope_start_delay_seconds";
                    case "runSlice" -> "loomscope_run_slice_seconds";
                    case "pinnedBlocked" -> "loomscope_pinned_seconds";
                    case "blocked" -> "loomscope_blocked_seconds";
                    default -> throw new UnusableInputException("alerts: no metric of the endpoint for '" + metric
                            + "' (known: " + Metrics.latencyNames() + ")");
                };
            }
            double baseline = prometheusQuantile(percentile.asDouble() / 100, classicBuckets(distribution));
            BigDecimal threshold = new BigDecimal(baseline / 1e9).multiply(BigDecimal.ONE.add(margin))
                    .round(new MathContext(3, RoundingMode.CEILING));
            return new Rule(metric, series, kind, distribution.count(), baseline, distribution.valueAt(percentile),
                    threshold);
        }

        String alertName(Percentile percentile) {
            StringBuilder name = new StringBuilder("Loomscope");
            for (String part : metric.split("\\.")) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
            return name.append(Character.toUpperCase(percentile.name().charAt(0)))
                    .append(percentile.name().substring(1)).append("AboveBaseline").toString();
        }
    }

    /**
     * The counts of the agent's classic buckets ({@link #FIRST_CLASSIC_EXPONENT} …), cumulative, +Inf last: each
     * HdrHistogram value range counted in the bucket of its highest value, as the agent does.
     */
    static long[] classicBuckets(Distribution distribution) {
        int buckets = LAST_CLASSIC_EXPONENT - FIRST_CLASSIC_EXPONENT + 2;
        long[] cumulative = new long[buckets];
        for (org.HdrHistogram.HistogramIterationValue value : distribution.histogram().recordedValues()) {
            long highest = value.getValueIteratedTo();
            int bucket = 0;
            while (bucket < buckets - 1 && highest > 1L << (FIRST_CLASSIC_EXPONENT + bucket)) {
                bucket++;
            }
            cumulative[bucket] += value.getCountAtValueIteratedTo();
        }
        for (int i = 1; i < buckets; i++) {
            cumulative[i] += cumulative[i - 1];
        }
        return cumulative;
    }

    /**
     * What PromQL's {@code histogram_quantile(q, ...)} returns for these cumulative classic buckets (ns): the bucket
     * that holds rank {@code q × count}, and linear interpolation inside it from its lower bound (0 for the first);
     * a rank in the +Inf bucket gives the highest finite bound.
     */
    static double prometheusQuantile(double q, long[] cumulative) {
        long total = cumulative[cumulative.length - 1];
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        int bucket = 0;
        while (cumulative[bucket] < rank) {
            bucket++;
        }
        if (bucket == cumulative.length - 1) {
            return upperBoundNanos(bucket - 1);
        }
        double lower = bucket == 0 ? 0 : upperBoundNanos(bucket - 1);
        long below = bucket == 0 ? 0 : cumulative[bucket - 1];
        double upper = upperBoundNanos(bucket);
        return lower + (upper - lower) * (rank - below) / (cumulative[bucket] - below);
    }

    private static double upperBoundNanos(int bucket) {
        return (double) (1L << (FIRST_CLASSIC_EXPONENT + bucket));
    }

    static String yaml(Dump baseline, String service, Percentile percentile, BigDecimal margin, String forDuration,
                       long minimumEvents, List<Rule> rules) {
        String marginText = margin.multiply(BigDecimal.valueOf(100)).stripTrailingZeros().toPlainString() + "%";
        String q = new BigDecimal(percentile.value().toPlainString()).movePointLeft(2).stripTrailingZeros()
                .toPlainString();
        StringBuilder yaml = new StringBuilder();
        yaml.append("# Loomscope SLO alerts, written by `loomscope-report alerts` from the baseline ")
                .append(comment(baseline.file().getFileName().toString())).append('\n');
        long dumpEpochMs = baseline.json().at("/recording/dumpEpochMs").asLong(0);
        yaml.append("# (service ").append(comment(service)).append(", dumped ")
                .append(dumpEpochMs > 0 ? Instant.ofEpochMilli(dumpEpochMs).toString() : "at an unknown time")
                .append(", ").append(Durations.format(baseline.json().at("/recording/durationNs").asLong(0)))
                .append(" of recording).\n");
        yaml.append("# Each threshold is the ").append(percentile).append(" the baseline met as Prometheus computes it")
                .append(" from the agent's classic buckets\n# (one per doubling, interpolated: up to twice the exact")
                .append(" value), plus ").append(marginText).append(", judged per JVM over ").append(WINDOW)
                .append(" and only over\n# at least ").append(minimumEvents).append(" events (")
                .append(SampleRule.DEFAULT_TAIL).append(" beyond the percentile, as `report check` judges).")
                .append(" Check with: promtool check rules FILE\n");
        yaml.append("groups:\n");
        yaml.append("  - name: ").append(quoted("loomscope-slo-" + service)).append('\n');
        yaml.append("    rules:\n");
        for (Rule rule : rules) {
            String selector = "{service=\"" + promqlString(service) + "\""
                    + (rule.kind() == null ? "" : ",kind=\"" + promqlString(rule.kind()) + "\"") + "}";
            String threshold = rule.thresholdSeconds().stripTrailingZeros().toPlainString();
            yaml.append("      # ").append(rule.metric()).append(' ').append(percentile).append(" of the baseline: ")
                    .append(Durations.format(Math.round(rule.baselineNanos()))).append(" from the buckets (exact ")
                    .append(Durations.format(rule.exactNanos())).append(", ").append(rule.count())
                    .append(" samples); threshold ").append(threshold).append(" s\n");
            yaml.append("      - alert: ").append(rule.alertName(percentile)).append('\n');
            yaml.append("        expr: |\n");
            yaml.append("          histogram_quantile(").append(q).append(", sum by (service, instance, le) (rate(")
                    .append(rule.series()).append("_bucket").append(selector).append('[').append(WINDOW)
                    .append("]))) > ").append(threshold).append('\n');
            yaml.append("          and on (service, instance)\n");
            yaml.append("          sum by (service, instance) (increase(").append(rule.series()).append("_count")
                    .append(selector).append('[').append(WINDOW).append("])) >= ").append(minimumEvents).append('\n');
            yaml.append("        for: ").append(forDuration).append('\n');
            yaml.append("        labels:\n");
            yaml.append("          severity: warning\n");
            yaml.append("        annotations:\n");
            yaml.append("          summary: ").append(quoted(rule.metric() + " " + percentile + " of {{ $labels.instance }}"
                    + " above the baseline's")).append('\n');
            yaml.append("          description: ").append(quoted(rule.metric() + " " + percentile + " of "
                    + service + " on {{ $labels.instance }} is {{ $value | humanizeDuration }} over " + WINDOW
                    + ", above " + threshold + " s: the baseline's " + Durations.format(Math.round(
                    rule.baselineNanos())) + " plus " + marginText + ".")).append('\n');
        }
        return yaml.toString();
    }

    /** A YAML double-quoted scalar. */
    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Inside a PromQL double-quoted string. */
    private static String promqlString(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Text for a YAML comment line: no line breaks. */
    private static String comment(String text) {
        return text.replaceAll("[\\r\\n]", " ");
    }
}

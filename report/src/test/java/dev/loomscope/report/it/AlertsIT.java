package dev.loomscope.report.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code alerts --baseline} on a real dump writes rules Prometheus accepts ({@code promtool check rules}) and that
 * mean what they say ({@code promtool test rules}): a JVM whose latencies are the baseline's does not alert, one four
 * times slower does, and one four times slower with too few wakes to judge a p99 does not.
 */
class AlertsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The agent's classic bounds, 2^10 .. 2^36 ns, as its endpoint writes them (docs/fleet.md). */
    private static final int FIRST_EXPONENT = 10;
    private static final int BUCKETS = 28;

    @Test
    void rulesFromARealBaselinePassPromtoolAndAlertOnlyOnASlowerJvm(@TempDir Path dir) throws Exception {
        String promtool = promtool();
        Path baseline = RealDumps.sleepersWithHog();
        Path rules = dir.resolve("slo.yml");
        ReportJar.Result result = ReportJar.run("alerts", "--baseline", baseline, "--margin", "50%", "-o", rules);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", result.stdout());
        String yaml = Files.readString(rules);
        String service = "dev.loomscope.agent.it.workloads.Scheduling";
        assertTrue(yaml.contains("service=\"" + service + "\""), yaml);
        assertTrue(yaml.contains("- alert: LoomscopeWakeToRunP99AboveBaseline"), yaml);

        String check = run(dir, promtool, "check", "rules", rules.toString());
        assertTrue(check.contains("SUCCESS"), check);

        // the same expressions without their annotations, whose text quotes the value (checked by `check rules`)
        Path expressions = dir.resolve("slo-expressions.yml");
        Files.writeString(expressions, withoutAnnotations(yaml));
        long[] perMinute = classicBuckets(JSON.readTree(baseline.toFile()), "wakeToRun");
        StringBuilder test = new StringBuilder("""
                rule_files:
                  - slo-expressions.yml
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                """);
        series(test, service, "as-baseline:9404", perMinute, 0, 1);
        series(test, service, "four-times-slower:9404", perMinute, 2, 1);
        series(test, service, "slower-but-few:9404", perMinute, 2, 100);
        test.append("""
                    alert_rule_test:
                      - eval_time: 20m
                        alertname: LoomscopeWakeToRunP99AboveBaseline
                        exp_alerts:
                          - exp_labels:
                              severity: warning
                              service: %s
                              instance: four-times-slower:9404
                """.formatted(service));
        Files.writeString(dir.resolve("slo.test.yml"), test);
        String unitTests = run(dir, promtool, "test", "rules", "slo.test.yml");
        assertTrue(unitTests.contains("SUCCESS"), unitTests + "\n" + test);
    }

    /**
     * The baseline's {@code latencies.<metric>} in the agent's classic buckets, cumulative, +Inf last; each value
     * range counted in the bucket of its highest value, as the agent counts it.
     */
    private static long[] classicBuckets(JsonNode dump, String metric) throws Exception {
        byte[] bytes = Base64.getDecoder().decode(dump.at("/latencies/" + metric + "/hdr").asText());
        Histogram histogram = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        long[] cumulative = new long[BUCKETS];
        for (HistogramIterationValue value : histogram.recordedValues()) {
            int bucket = 0;
            while (bucket < BUCKETS - 1 && value.getValueIteratedTo() > 1L << (FIRST_EXPONENT + bucket)) {
                bucket++;
            }
            cumulative[bucket] += value.getCountAtValueIteratedTo();
        }
        for (int i = 1; i < BUCKETS; i++) {
            cumulative[i] += cumulative[i - 1];
        }
        assertTrue(cumulative[BUCKETS - 1] >= 1000, "enough wakes for a p99: " + cumulative[BUCKETS - 1]);
        return cumulative;
    }

    /**
     * A JVM exporting the baseline's buckets every minute, its values {@code 2^shift} times longer (buckets moved up
     * by {@code shift}), and {@code divisor} times fewer.
     */
    private static void series(StringBuilder test, String service, String instance, long[] perMinute, int shift,
                               long divisor) {
        String labels = "service=\"" + service + "\",instance=\"" + instance + "\"";
        for (int i = 0; i < BUCKETS; i++) {
            int from = Math.max(0, i - shift);
            long count = (i - shift < 0 ? 0 : perMinute[from]) / divisor;
            if (i == BUCKETS - 1) {
                count = perMinute[BUCKETS - 1] / divisor;
            }
            String le = i == BUCKETS - 1 ? "+Inf" : Double.toString((1L << (FIRST_EXPONENT + i)) / 1e9);
            test.append("      - series: '").append("loomscope_wake_to_run_seconds_bucket{").append(labels)
                    .append(",le=\"").append(le).append("\"}'\n");
            test.append("        values: '0+").append(count).append("x30'\n");
        }
        test.append("      - series: 'loomscope_wake_to_run_seconds_count{").append(labels).append("}'\n");
        test.append("        values: '0+").append(perMinute[BUCKETS - 1] / divisor).append("x30'\n");
    }

    private static String withoutAnnotations(String yaml) {
        List<String> kept = new ArrayList<>();
        boolean skipping = false;
        for (String line : yaml.lines().toList()) {
            if (line.trim().equals("annotations:")) {
                skipping = true;
                continue;
            }
            if (skipping && line.startsWith("          ")) {
                continue;
            }
            skipping = false;
            kept.add(line);
        }
        return kept.stream().collect(Collectors.joining("\n", "", "\n"));
    }

    /** promtool on the PATH; fails saying how to install it, or skips with LOOMSCOPE_SKIP_PROMETHEUS=1. */
    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "promtool");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String message = "promtool was not found on the PATH: install it (Debian: apt-get install prometheus;"
                + " scripts/test does this), or set LOOMSCOPE_SKIP_PROMETHEUS=1 to skip this test";
        Assumptions.assumeFalse("1".equals(System.getenv("LOOMSCOPE_SKIP_PROMETHEUS")), message);
        throw new AssertionError(message);
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}

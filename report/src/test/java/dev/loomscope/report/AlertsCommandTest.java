package dev.loomscope.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertsCommandTest {
    private static final long MS = TestDumps.MS;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ReportMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theQuantileIsPrometheusInterpolationInTheAgentsBuckets() {
        // 1000 values: 900 of 3 us (bucket (2.048, 4.096] us), 100 of 100 us (bucket (65.5, 131] us)
        Histogram h = TestDumps.add(TestDumps.add(TestDumps.histogram(), 3_000, 900), 100_000, 100);
        long[] buckets = AlertsCommand.classicBuckets(new Distribution("wakeToRun", h));
        assertEquals(28, buckets.length);
        assertEquals(900, buckets[2], "le = 4.096 us");
        assertEquals(1000, buckets[7], "le = 131.072 us");
        assertEquals(1000, buckets[27], "+Inf");
        // p50: rank 500 of the 900 in (2048, 4096]: 2048 + 2048 * 500/900
        assertEquals(2048 + 2048 * 500.0 / 900, AlertsCommand.prometheusQuantile(0.5, buckets), 1e-6);
        // p99: rank 990, 90 into the 100 of (65536, 131072]: 65536 + 65536 * 0.9, above the exact 100 us
        assertEquals(65536 + 65536 * 0.9, AlertsCommand.prometheusQuantile(0.99, buckets), 1e-6);
        assertEquals(0, AlertsCommand.prometheusQuantile(0.99, new long[28]));
    }

    @Test
    void aRankInTheInfBucketIsTheHighestFiniteBound() {
        Histogram h = TestDumps.add(TestDumps.histogram(), 200_000_000_000L, 10); // 200 s: above 2^36 ns
        long[] buckets = AlertsCommand.classicBuckets(new Distribution("blocked", h));
        assertEquals(68_719_476_736.0, AlertsCommand.prometheusQuantile(0.99, buckets));
    }

    @Test
    void writesOneRulePerLatencyAboveWhatTheBaselineMetPlusTheMargin() throws Exception {
        Path baseline = baseline("payments", 2000);
        assertEquals(0, run("alerts", "--baseline", baseline.toString(), "--margin", "50%"), err.toString());
        String yaml = out.toString(StandardCharsets.UTF_8);
        // wakeToRun p99 in the buckets: 65536 + 65536 * 0.9 ns = 124.5 us; + 50 % = 186.8 us, rounded up
        assertTrue(yaml.contains("      - alert: LoomscopeWakeToRunP99AboveBaseline\n"), yaml);
        assertTrue(yaml.contains("histogram_quantile(0.99, sum by (service, instance, le) (rate("
                + "loomscope_wake_to_run_seconds_bucket{service=\"payments\"}[5m]))) > 0.000187\n"), yaml);
        assertTrue(yaml.contains("sum by (service, instance) (increase(loomscope_wake_to_run_seconds_count"
                + "{service=\"payments\"}[5m])) >= 1000\n"), yaml);
        assertTrue(yaml.contains("      - alert: LoomscopeStartDelayP99AboveBaseline\n"), yaml);
        assertTrue(yaml.contains("        for: 5m\n"), yaml);
        assertEquals("", err.toString());
    }

    @Test
    void aLatencyWithTooFewSamplesIsLeftOutWithOneLine() throws Exception {
        Path baseline = baseline("payments", 500);
        assertEquals(2, run("alerts", "--baseline", baseline.toString()));
        assertTrue(err.toString().contains("alerts: wakeToRun left out: 500 samples in the baseline, p99 needs 1000"),
                err.toString());
        assertTrue(err.toString().contains("too few samples for any alert"), err.toString());
        out.reset();
        err.reset();
        assertEquals(0, run("alerts", "--baseline", baseline.toString(), "--percentile", "p90"), err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("LoomscopeWakeToRunP90AboveBaseline"));
    }

    @Test
    void theServiceComesFromTheBaselineOrTheCommandLine() throws Exception {
        ObjectNode dump = dumpWith(2000);
        Path unnamed = dir.resolve("unnamed.json");
        Files.write(unnamed, TestDumps.JSON.writeValueAsBytes(dump));
        assertEquals(2, run("alerts", "--baseline", unnamed.toString()));
        assertTrue(err.toString().contains("names no service"), err.toString());
        out.reset();
        assertEquals(0, run("alerts", "--baseline", unnamed.toString(), "--service", "a\"b", "--metrics",
                "blockedByKind.sleep", "--for", "10m", "-o", dir.resolve("rules.yml").toString()));
        String yaml = Files.readString(dir.resolve("rules.yml"));
        assertTrue(yaml.contains("loomscope_blocked_seconds_bucket{service=\"a\\\"b\",kind=\"sleep\"}"), yaml);
        assertTrue(yaml.contains("  - name: \"loomscope-slo-a\\\"b\"\n"), yaml);
        assertTrue(yaml.contains("LoomscopeBlockedByKindSleepP99AboveBaseline"), yaml);
        assertTrue(yaml.contains("        for: 10m\n"), yaml);
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        Path baseline = baseline("payments", 2000);
        for (String[] args : new String[][]{{"alerts"}, {"alerts", "--baseline", baseline.toString(), "--margin", "x"},
                {"alerts", "--baseline", baseline.toString(), "--for", "5 minutes"},
                {"alerts", "--baseline", baseline.toString(), "--metrics", "nothing"},
                {"alerts", "--baseline", baseline.toString(), "--percentile", "99"}}) {
            err.reset();
            assertEquals(2, run(args), String.join(" ", args));
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertTrue(err.toString().startsWith("loomscope-report: "), err.toString());
        }
    }

    private Path baseline(String service, long count) throws Exception {
        ObjectNode dump = dumpWith(count);
        ((ObjectNode) dump.at("/agent/options")).put("service", service);
        Path file = dir.resolve(service + "-" + count + ".json");
        Files.write(file, TestDumps.JSON.writeValueAsBytes(dump));
        return file;
    }

    /** wakeToRun and startDelay: 90 % at 3 us, 10 % at 100 us; blocked sleeps of 10 ms. */
    private static ObjectNode dumpWith(long count) {
        ObjectNode dump = TestDumps.dump(1);
        Histogram fast = TestDumps.add(TestDumps.add(TestDumps.histogram(), 3_000, count * 9 / 10), 100_000,
                count / 10);
        TestDumps.latency(dump, "wakeToRun", fast);
        TestDumps.latency(dump, "startDelay", fast);
        TestDumps.latency(dump, "blockedByKind.sleep", TestDumps.add(TestDumps.histogram(), 10 * MS, count));
        return dump;
    }
}

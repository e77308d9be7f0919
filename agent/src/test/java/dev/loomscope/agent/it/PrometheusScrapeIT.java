package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.agent.it.workloads.KnownLatencies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus scrapes a JVM running the agent with {@code metrics=PORT} on a workload with known latencies
 * ({@link KnownLatencies}), and what it stored is what the agent's dumps say: every count of the JSON, the latency
 * histograms (classic buckets in one Prometheus, native histograms through the protobuf format in a second one with
 * native histograms enabled), the rules of {@code deploy/prometheus/loomscope-rules.yml} evaluated live, and every
 * PromQL expression of the Grafana dashboard.
 * <p>
 * The test methods run in order on one JVM: the first while the workload is active, the others once it is quiet (no
 * virtual thread changes state any more, so a scrape and a dump see the same counts).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusScrapeIT {
    private static final Path DEPLOY = Path.of(System.getProperty("loomscope.deployDir", "../deploy"));
    private static final String SERVICE = "known-latencies";
    private static final int LEAKED = 60;
    private static final int ACTIVE_SECONDS = 14;
    private static final long WAIT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Labels of the scraped series other than their name; anything else would be a per-thread or per-site label. */
    private static final Set<String> LABELS = Set.of("service", "pid", "kind", "state", "le", "version",
            "java_version", "clock");

    private Path dir;
    private int metricsPort;
    private AgentJvm.Running app;
    private PrometheusServer classic;
    private PrometheusServer nativeHistograms;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        metricsPort = PrometheusServer.freePort();
        String target = "127.0.0.1:" + metricsPort;
        // Prometheus first, so that the workload's active seconds are not spent waiting for it to start
        classic = PrometheusServer.start(Files.createDirectory(dir.resolve("classic")), target,
                List.of(DEPLOY.resolve("prometheus/loomscope-rules.yml")));
        nativeHistograms = PrometheusServer.start(Files.createDirectory(dir.resolve("native")), target, List.of(),
                "native-histograms");
        // the leaked threads are critical, so every one of their blocks is sampled: one cluster, at one site (with
        // random sampling, one that happened to be sampled would make a cluster of its own)
        app = AgentJvm.withAgent("metrics=" + metricsPort + ",service=" + SERVICE
                        + ",leakThreshold=1s,longSlice=20ms,critical=leaked-,quiet=true,out="
                        + dir.resolve("exit.json"))
                .jvmOption("-Djdk.virtualThreadScheduler.parallelism=1")
                .start(KnownLatencies.class, dir.resolve("stop").toString(), Integer.toString(ACTIVE_SECONDS),
                        Integer.toString(LEAKED));
        app.awaitStdout("ready", 1, WAIT_SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (classic != null) {
                classic.close();
            }
            if (nativeHistograms != null) {
                nativeHistograms.close();
            }
        } finally {
            if (app != null) {
                Files.writeString(dir.resolve("stop"), "");
                AgentJvm.Result result = app.waitFor(WAIT_SECONDS);
                assertEquals(0, result.exitCode(), result.stderr());
                assertEquals(List.of(), result.stderrLines(), "the endpoint and its scrapers print nothing");
            }
        }
    }

    @Test
    @Order(1)
    void whileTheWorkloadRunsEveryScrapedCountLiesBetweenTheDumpsTakenAroundIt() throws Exception {
        awaitScrapes(classic, 3);
        JsonNode before = dump();
        assertTrue(app.process().isAlive() && !app.stdoutSoFar().contains("quiet"),
                "still active: raise ACTIVE_SECONDS if this machine is slow");
        double scrapeTime = awaitScrapeAfter(classic, before.at("/recording/dumpEpochMs").asLong());
        JsonNode after = dump();
        Map<String, Double> scraped = scrapedAt(classic, scrapeTime);
        Map<String, Long> earlier = countsOf(before);
        Map<String, Long> later = countsOf(after);
        for (Map.Entry<String, Long> count : earlier.entrySet()) {
            Double value = scraped.get(count.getKey());
            assertNotNull(value, count.getKey() + " was not scraped; scraped: " + scraped.keySet());
            assertTrue(count.getValue() <= value && value <= later.get(count.getKey()),
                    count.getKey() + ": " + count.getValue() + " <= " + value + " <= " + later.get(count.getKey()));
        }
        assertTrue(later.get("loomscope_wakes_total") > earlier.get("loomscope_wakes_total"), "the workload runs");
    }

    @Test
    @Order(2)
    void onceQuietEveryScrapedCountIsTheDumpsCount() throws Exception {
        JsonNode dump = quietDump();
        Map<String, Double> scraped = scrapedAt(classic, awaitScrapeAfter(classic,
                dump.at("/recording/dumpEpochMs").asLong()));
        for (Map.Entry<String, Long> count : countsOf(dump).entrySet()) {
            assertEquals((double) count.getValue(), scraped.get(count.getKey()), count.getKey());
        }
        JsonNode counts = dump.get("counts");
        assertEquals(counts.get("live").asDouble(), scraped.get("loomscope_virtual_threads_live"));
        assertEquals(dump.at("/recorder/shedding/levelNow").asDouble(), scraped.get("loomscope_shedding_level"));
        assertEquals(dump.at("/recorder/shedding/shedNs").asDouble() / 1e9,
                scraped.get("loomscope_shedding_seconds_total"), 1e-9);
        assertEquals(counts.get("blocks").asDouble(), sum(scraped, "loomscope_blocks_total{"));
        assertEquals(counts.get("dropped").asDouble(), sum(scraped, "loomscope_dropped_records_total{"));
        assertEquals(counts.get("pinnedBlocks").asDouble(), sum(scraped, "loomscope_pinned_blocks_total{"));
        assertEquals(dump.at("/leaks/threads").asDouble(), scraped.get("loomscope_leaked_threads"));
        assertEquals(LEAKED, dump.at("/leaks/threads").asLong());
        assertEquals(dump.at("/leaks/clusters/0/threads").asDouble(),
                scraped.get("loomscope_leak_largest_cluster_threads"));
        assertEquals(LEAKED, scraped.get("loomscope_leak_largest_cluster_threads"));
        assertTrue(counts.get("pinnedBlocks").asLong() >= 10, "pinned every 500 ms: " + counts);
        assertTrue(dump.at("/longSlices/count").asLong() >= 10, "a long slice every 300 ms");
        assertEquals(0, counts.get("agentErrors").asLong());

        // every count of the JSON is a metric: a count added to the JSON without its metric fails here
        Set<String> covered = new TreeSet<>(List.of("created", "started", "ended", "live", "preexistingEnded",
                "blocks", "pinnedBlocks", "wakes", "yields", "mounts", "unmounts", "submitFailed", "dropped",
                "agentErrors", "blocksByKind", "droppedByKind", "pinnedByKind"));
        Set<String> fields = new TreeSet<>();
        counts.fieldNames().forEachRemaining(fields::add);
        assertEquals(covered, fields);
    }

    @Test
    @Order(3)
    void wakeToRunP99OfTheClassicBucketsIsWithinOneBucketOfTheJsons() throws Exception {
        JsonNode dump = quietDump();
        double p99 = dump.at("/latencies/wakeToRun/p99").asLong() / 1e9;
        double at = awaitScrapeAfter(classic, dump.at("/recording/dumpEpochMs").asLong());
        double quantile = single(classic.queryAt("histogram_quantile(0.99, loomscope_wake_to_run_seconds_bucket{job="
                + "\"loomscope\"})", at));
        // classic buckets double from one to the next: the interpolated quantile is in the JSON p99's bucket
        assertTrue(quantile > p99 / 2 && quantile < p99 * 2, "Prometheus " + quantile + " s, JSON " + p99 + " s");
        assertTrue(p99 > 1e-3, "the hog delays wakes by milliseconds: " + p99);
    }

    @Test
    @Order(4)
    void nativeHistogramsHaveTheCountsOfTheJsonAndItsP99WithinOneBucket() throws Exception {
        JsonNode dump = quietDump();
        double at = awaitScrapeAfter(nativeHistograms, dump.at("/recording/dumpEpochMs").asLong());
        JsonNode series = nativeHistograms.queryAt("loomscope_wake_to_run_seconds{job=\"loomscope\"}", at);
        assertEquals(1, series.size(), series.toString());
        assertTrue(series.get(0).has("histogram"), "a native histogram, scraped in the protobuf format: " + series);
        assertEquals(0, nativeHistograms.queryAt("loomscope_wake_to_run_seconds_bucket", at).size(),
                "with native histograms on, Prometheus 2.x keeps the native buckets only");
        for (String[] latency : new String[][]{{"loomscope_wake_to_run_seconds", "wakeToRun"},
                {"loomscope_start_delay_seconds", "startDelay"}, {"loomscope_run_slice_seconds", "runSlice"},
                {"loomscope_pinned_seconds", "pinnedBlocked"}}) {
            assertEquals(dump.at("/latencies/" + latency[1] + "/count").asDouble(),
                    single(nativeHistograms.queryAt("histogram_count(" + latency[0] + ")", at)), latency[0]);
        }
        double p99 = dump.at("/latencies/wakeToRun/p99").asLong() / 1e9;
        double quantile = single(nativeHistograms.queryAt(
                "histogram_quantile(0.99, loomscope_wake_to_run_seconds{job=\"loomscope\"})", at));
        // schema 2: a bucket is 2^(1/4) = 1.19 times the one below (and HdrHistogram's 3 digits on top)
        double bucket = Math.pow(2, 0.25) * 1.002;
        assertTrue(quantile > p99 / bucket && quantile < p99 * bucket,
                "Prometheus " + quantile + " s, JSON " + p99 + " s");
    }

    @Test
    @Order(5)
    void theRulesEvaluateAndTheAlertsOfTheWorkloadFire() throws Exception {
        quietDump();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<String> problems;
        do {
            problems = new ArrayList<>();
            for (JsonNode group : classic.api("rules").get("groups")) {
                for (JsonNode rule : group.get("rules")) {
                    if (!"ok".equals(rule.path("health").asText())) {
                        problems.add(rule.get("name").asText() + ": " + rule.path("health").asText() + " "
                                + rule.path("lastError").asText());
                    }
                }
            }
            Thread.sleep(200);
        } while (!problems.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), problems);
        assertFalse(classic.query("service:loomscope_wake_to_run_seconds:p99_5m{service=\"" + SERVICE + "\"}")
                .isEmpty());
        assertFalse(classic.query("instance:loomscope_wake_to_run_seconds:p99_5m").isEmpty());
        awaitAlert("LoomscopePinning");
        awaitAlert("LoomscopeCarrierMonopolised");
        // 60 threads in one cluster, but none blocked for 300 s yet
        assertEquals(0, classic.query("ALERTS{alertname=\"LoomscopeLeakCluster\"}").size());
        assertEquals(0, classic.query("ALERTS{alertname=\"LoomscopeAgentErrors\"}").size());
    }

    @Test
    @Order(6)
    void everyExpressionOfTheDashboardReturnsData() throws Exception {
        quietDump();
        JsonNode dashboard = JSON.readTree(DEPLOY.resolve("grafana/loomscope-dashboard.json").toFile());
        String instance = "127.0.0.1:" + metricsPort;
        List<String> expressions = new ArrayList<>();
        collectExpressions(dashboard.get("panels"), expressions);
        assertTrue(expressions.size() >= 20, expressions.toString());
        List<String> empty = new ArrayList<>();
        for (String expression : expressions) {
            String promql = expression.replace("$service", SERVICE).replace("$instance", instance)
                    .replace("$__rate_interval", "10s").replace("$__range", "1m");
            assertFalse(promql.contains("$"), "a variable the test does not know: " + expression);
            if (classic.query(promql).isEmpty()) {
                empty.add(promql);
            }
        }
        assertEquals(List.of(), empty, "expressions without data");
        // the variables: label_values(METRIC, LABEL)
        Pattern labelValues = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
        Map<String, String> expected = Map.of("service", SERVICE, "instance", instance);
        int variables = 0;
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            Matcher query = labelValues.matcher(variable.path("definition").asText());
            assertTrue(query.matches(), variable.toString());
            String match = query.group(1).replace("$service", SERVICE);
            JsonNode values = classic.api("label/" + query.group(2) + "/values?match[]="
                    + PrometheusServer.encode(match));
            assertTrue(values.toString().contains("\"" + expected.get(variable.get("name").asText()) + "\""),
                    variable.get("name") + ": " + values);
            variables++;
        }
        assertEquals(2, variables);
    }

    @Test
    @Order(7)
    void aJvmExportsAFixedNumberOfSeriesWithoutPerThreadLabels() throws Exception {
        String text = get("/metrics").body();
        List<String> samples = text.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
        // docs/fleet.md: 402 on JDK 24+ (401 before: no scheduler MXBean, so no mounted count)
        assertEquals(AgentJvm.workloadFeature() >= 24 ? 402 : 401, samples.size(), text);
        Pattern label = Pattern.compile("([a-z_]+)=\"");
        Set<String> names = new TreeSet<>();
        for (String sample : samples) {
            Matcher m = label.matcher(sample);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        assertEquals(new TreeSet<>(LABELS), names);
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** The JSON's counts, by the name of the scraped series that holds each (docs/fleet.md). */
    private static Map<String, Long> countsOf(JsonNode dump) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, String> byField = new LinkedHashMap<>();
        byField.put("loomscope_virtual_threads_created_total", "/counts/created");
        byField.put("loomscope_virtual_threads_started_total", "/counts/started");
        byField.put("loomscope_virtual_threads_ended_total", "/counts/ended");
        byField.put("loomscope_virtual_threads_preexisting_ended_total", "/counts/preexistingEnded");
        byField.put("loomscope_wakes_total", "/counts/wakes");
        byField.put("loomscope_yields_total", "/counts/yields");
        byField.put("loomscope_mounts_total", "/counts/mounts");
        byField.put("loomscope_unmounts_total", "/counts/unmounts");
        byField.put("loomscope_submit_failed_total", "/counts/submitFailed");
        byField.put("loomscope_agent_errors_total", "/counts/agentErrors");
        byField.put("loomscope_records_total", "/recorder/events");
        byField.put("loomscope_shedding_episodes_total", "/recorder/shedding/episodes");
        byField.put("loomscope_shedding_histories_forgotten_total", "/recorder/shedding/historiesForgotten");
        byField.put("loomscope_shedding_creations_counted_total", "/recorder/shedding/creationsCounted");
        byField.put("loomscope_carriers_started_total", "/carriers/started");
        byField.put("loomscope_carriers_exited_total", "/carriers/exited");
        byField.put("loomscope_carrier_idle_periods_total", "/carriers/idlePeriods");
        byField.put("loomscope_long_slices_total", "/longSlices/count");
        byField.put("loomscope_wake_to_run_seconds_count", "/latencies/wakeToRun/count");
        byField.put("loomscope_start_delay_seconds_count", "/latencies/startDelay/count");
        byField.put("loomscope_run_slice_seconds_count", "/latencies/runSlice/count");
        byField.put("loomscope_pinned_seconds_count", "/latencies/pinnedBlocked/count");
        byField.forEach((series, pointer) -> counts.put(series, dump.at(pointer).asLong()));
        dump.at("/counts/blocksByKind").properties().forEach(kind ->
                counts.put("loomscope_blocks_total{kind=" + kind.getKey() + "}", kind.getValue().asLong()));
        dump.at("/counts/pinnedByKind").properties().forEach(kind ->
                counts.put("loomscope_pinned_blocks_total{kind=" + kind.getKey() + "}", kind.getValue().asLong()));
        dump.at("/counts/droppedByKind").properties().forEach(kind ->
                counts.put("loomscope_dropped_records_total{kind=" + kind.getKey() + "}", kind.getValue().asLong()));
        for (String kind : List.of("park", "timedPark", "sleep", "monitor", "wait", "timedWait", "unknown")) {
            counts.put("loomscope_blocked_seconds_count{kind=" + kind + "}",
                    dump.at("/latencies/blockedByKind/" + kind + "/count").asLong(0));
        }
        return counts;
    }

    /**
     * Every series of the scrape at {@code epochSeconds}, by name and the labels that tell series of a JVM apart
     * ({@code kind}, {@code state}, {@code le}): {@code name{kind=park}}.
     */
    private static Map<String, Double> scrapedAt(PrometheusServer server, double epochSeconds) throws Exception {
        Map<String, Double> values = new TreeMap<>();
        for (JsonNode sample : server.queryAt("{__name__=~\"loomscope_.*\",job=\"loomscope\"}", epochSeconds)) {
            JsonNode metric = sample.get("metric");
            assertEquals(epochSeconds, sample.get("value").get(0).asDouble(), 1e-3);
            StringBuilder key = new StringBuilder(metric.get("__name__").asText());
            List<String> labels = new ArrayList<>();
            for (String label : List.of("kind", "state", "le")) {
                if (metric.has(label)) {
                    labels.add(label + "=" + metric.get(label).asText());
                }
            }
            if (!labels.isEmpty()) {
                key.append('{').append(String.join(",", labels)).append('}');
            }
            values.put(key.toString(), sample.get("value").get(1).asDouble());
        }
        return values;
    }

    private static double sum(Map<String, Double> values, String prefix) {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static double single(JsonNode result) {
        assertEquals(1, result.size(), result.toString());
        return result.get(0).get("value").get(1).asDouble();
    }

    private static void awaitScrapes(PrometheusServer server, int scrapes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            JsonNode result = server.query("sum_over_time(up{job=\"loomscope\"}[1m])");
            if (!result.isEmpty() && result.get(0).get("value").get(1).asDouble() >= scrapes) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "no " + scrapes + " good scrapes: " + result + "\n"
                    + server.log());
            Thread.sleep(200);
        }
    }

    /** Waits for a scrape that began after {@code epochMs}; returns its time (epoch seconds). */
    private static double awaitScrapeAfter(PrometheusServer server, long epochMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            JsonNode result = server.query("timestamp(loomscope_records_total{job=\"loomscope\"})");
            if (!result.isEmpty()) {
                double at = result.get(0).get("value").get(1).asDouble();
                if (at * 1000 > epochMs + 1) {
                    return at;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no scrape after " + epochMs + ": " + result);
            Thread.sleep(100);
        }
    }

    private void awaitAlert(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (classic.query("ALERTS{alertname=\"" + name + "\",alertstate=\"firing\",service=\"" + SERVICE + "\"}")
                .isEmpty()) {
            assertTrue(System.nanoTime() < deadline, name + " not firing: " + classic.query("ALERTS"));
            Thread.sleep(200);
        }
    }

    private static void collectExpressions(JsonNode panels, List<String> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.has("expr")) {
                    expressions.add(target.get("expr").asText());
                }
            }
            collectExpressions(panel.path("panels"), expressions);
        }
    }

    /** A dump once the workload has gone quiet. */
    private JsonNode quietDump() throws Exception {
        app.awaitStdout("quiet", 1, WAIT_SECONDS);
        return dump();
    }

    private JsonNode dump() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/loomscope.json");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode dump = JSON.readTree(response.body());
        assertEquals("http", dump.at("/recording/trigger").asText());
        return dump;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real service jar with the real agent jar, a few seconds of open-loop load each: every pathology tested here
 * shows up in the exit dump, and in the diagnosis the demo prints ({@code loomscope-report.jar diagnose}), and the
 * healthy run shows none of them.
 */
class PaymentServiceIT {
    private static final Path AGENT_JAR = Path.of(System.getProperty("loomscope.agentJar",
            "../../agent/target/loomscope-agent.jar"));
    private static final Path SERVICE_JAR = Path.of(System.getProperty("payments.jar", "target/payment-service.jar"));
    private static final Path REPORT_JAR = Path.of(System.getProperty("loomscope.reportJar",
            "../../report/target/loomscope-report.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOAD_SECONDS = "4s";
    private static final String RATE = "40";
    private static final String CRITICAL_SHARE = "0.05";
    private static final String AUTHORIZE = "POST /payments/authorize";
    private static final String FIND = "GET /payments/{id}";

    /** What one run left behind. @param file the exit dump */
    record Run(Path file, JsonNode dump, JsonNode stats, LoadGenerator.Result load, long highPrioritySent,
               String serviceOutput, String loadReport) {
        String describe() {
            return "\nservice output:\n" + serviceOutput + "\nload:\n" + loadReport;
        }

        /**
         * What {@code scripts/demo} prints for this dump: {@code loomscope-report.jar diagnose DUMP --app
         * dev.loomscope.examples}; the one line of the finding about {@code topic}.
         */
        String diagnosis(String topic) throws IOException, InterruptedException {
            Path out = file.resolveSibling("diagnosis.txt");
            Process report = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", REPORT_JAR.toAbsolutePath().toString(), "diagnose", file.toString(),
                    "--app", "dev.loomscope.examples").redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            assertTrue(report.waitFor(60, TimeUnit.SECONDS), "diagnose did not finish");
            String text = Files.readString(out);
            assertEquals(0, report.exitValue(), text);
            return text.lines().filter(line -> line.length() > 4 && line.substring(4).startsWith(topic + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("no finding '" + topic + "' in\n" + text));
        }
    }

    @BeforeAll
    static void jarsExist() {
        assertTrue(Files.isRegularFile(AGENT_JAR), "no agent jar at " + AGENT_JAR.toAbsolutePath()
                + " (build the agent module first)");
        assertTrue(Files.isRegularFile(SERVICE_JAR), "no service jar at " + SERVICE_JAR.toAbsolutePath());
        assertTrue(Files.isRegularFile(REPORT_JAR), "no report jar at " + REPORT_JAR.toAbsolutePath()
                + " (build the report module first)");
    }

    /**
     * Starts the service with the agent and {@code pathologies}, drives {@link #LOAD_SECONDS} of load, waits
     * {@code settleMillis}, reads {@code /stats}, stops it with SIGTERM and reads the exit dump. Of the requests,
     * {@link #CRITICAL_SHARE} ask to be traced in full ({@code X-Trace-Priority: high}); {@code loadOptions} are
     * more options of the load generator.
     */
    private static Run run(String pathologies, long settleMillis, String... loadOptions) throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-runs")),
                pathologies + "-").toAbsolutePath();
        Path dump = dir.resolve("loomscope.json");
        Path portFile = dir.resolve("port");
        Path output = dir.resolve("service.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=out=" + dump + ",sigquit=false,quiet=true"
                        + ",sampleEvery=10,critical=notify-,leakThreshold=1s,longSlice=20ms,stackDepth=48",
                "-jar", SERVICE_JAR.toAbsolutePath().toString(),
                "--port=0", "--port-file=" + portFile, "--pathologies=" + pathologies, "--warmup=20"));
        Process service = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(portFile)) {
                if (!service.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("service did not start:\n" + Files.readString(output));
                }
                Thread.sleep(50);
            }
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            List<String> load = new ArrayList<>(List.of("--port-file=" + portFile, "--rate=" + RATE,
                    "--duration=" + LOAD_SECONDS, "--timeout=5s", "--critical-share=" + CRITICAL_SHARE));
            load.addAll(List.of(loadOptions));
            LoadGenerator generator = new LoadGenerator(LoadGenerator.Options.parse(load.toArray(String[]::new)));
            LoadGenerator.Result result = generator.run(new PrintStream(report, true, StandardCharsets.UTF_8), null);
            Thread.sleep(settleMillis);
            JsonNode stats = get(portFile, "/stats");
            service.destroy(); // SIGTERM: the agent writes the exit dump in its shutdown hook
            assertTrue(service.waitFor(30, TimeUnit.SECONDS), "service did not stop on SIGTERM");
            String serviceOutput = Files.readString(output);
            assertTrue(Files.isRegularFile(dump), "no exit dump:\n" + serviceOutput);
            return new Run(dump, JSON.readTree(dump.toFile()), stats, result, generator.highPrioritySent(),
                    serviceOutput, report.toString(StandardCharsets.UTF_8));
        } finally {
            service.destroyForcibly();
        }
    }

    private static JsonNode get(Path portFile, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + Files.readString(portFile).trim() + path);
        try (HttpClient http = HttpClient.newHttpClient()) {
            return JSON.readTree(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                    .body());
        }
    }

    private static boolean anyFrame(JsonNode frames, String text) {
        for (JsonNode frame : frames) {
            if (frame.asText().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** {@code operations.perOperation[]} named {@code name}; fails if there is none. */
    private static JsonNode operation(JsonNode dump, String name) {
        for (JsonNode operation : dump.path("operations").path("perOperation")) {
            if (operation.path("name").asText().equals(name)) {
                return operation;
            }
        }
        throw new AssertionError("no operation '" + name + "' in " + dump.path("operations"));
    }

    private static long slicesAt(JsonNode dump, String frame) {
        long n = 0;
        for (JsonNode slice : dump.path("longSlices").path("longest")) {
            if (anyFrame(slice.path("frames"), frame)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void healthyRunShowsNoPathology() throws Exception {
        Run run = run("none", 1_500);
        JsonNode d = run.dump();
        assertTrue(run.load().ok() > 0 && run.load().failed() == 0, run.describe());
        assertTrue(run.stats().path("handlersOnVirtualThreads").asBoolean(), "requests ran on virtual threads");
        assertEquals(0, d.path("counts").path("pinnedBlocks").asLong(), run.describe());
        assertTrue(d.path("sites").path("pinned").isEmpty());
        assertTrue(d.path("leaks").path("clusters").isEmpty(), "no leak: " + d.path("leaks") + run.describe());
        assertEquals(0, slicesAt(d, "FraudCheck.deepScore"));
        assertEquals(0, run.stats().path("notifications").path("waiting").asLong());
        // Real blocking happened, at the application's sites: the bank calls over HTTP.
        boolean bankCall = false;
        for (JsonNode site : d.path("sites").path("block")) {
            bankCall |= anyFrame(site.path("frames"), "BankClient.");
        }
        assertTrue(bankCall, "a block site in BankClient: " + d.path("sites").path("block"));
        // Each request ran under its route (OperationHandler), with the trace id of its traceparent header.
        JsonNode operations = d.path("operations");
        assertEquals(0, operations.path("scopesOverLimit").asLong(), operations.toString());
        assertEquals(0, operations.path("scopesIgnored").asLong(), operations.toString());
        JsonNode authorize = operation(d, AUTHORIZE);
        assertTrue(authorize.path("blocks").asLong() > 0, authorize.toString());
        boolean bankCallUnderAuthorize = false;
        for (JsonNode site : authorize.path("blockSites")) {
            bankCallUnderAuthorize |= anyFrame(site.path("frames"), "BankClient.");
        }
        assertTrue(bankCallUnderAuthorize, "the bank calls are the authorisation's: " + authorize.path("blockSites"));
        assertTrue(authorize.path("inheritedThreads").asLong() > 0, "the notifiers it starts inherit it");
        for (JsonNode kind : authorize.path("exemplars")) {
            for (JsonNode exemplar : kind) {
                assertTrue(exemplar.path("traceId").asText().matches("[0-9a-f]{32}"),
                        "the exemplar names the request's trace: " + exemplar);
            }
        }
        operation(d, FIND);
        // Every request sent with X-Trace-Priority: high, and only those, opened a critical scope.
        assertTrue(run.highPrioritySent() > 0, run.describe());
        assertEquals(run.highPrioritySent(), operations.path("critical").path("scopes").asLong(),
                operations.path("critical").toString());
        assertTrue(run.diagnosis("pinning").contains("none: no virtual thread parked while pinned"));
        assertTrue(run.diagnosis("leaks").contains("none: no virtual thread had been blocked for 1 s or more"));
    }

    @Test
    void fraudHogMonopolisesCarriersAtTheDeepScore() throws Exception {
        Run run = run("fraud-hog", 0);
        JsonNode d = run.dump();
        JsonNode longest = d.path("longSlices").path("longest");
        long atDeepScore = slicesAt(d, "dev.loomscope.examples.payments.FraudCheck.deepScore(");
        assertTrue(atDeepScore >= 3, atDeepScore + " of the longest slices at FraudCheck.deepScore: " + longest
                + run.describe());
        // The deep score is where most of the longest slices ran (other long slices are class loading and the
        // operating system's preemption of a carrier).
        java.util.Map<String, Long> bySite = new java.util.HashMap<>();
        for (JsonNode slice : longest) {
            String app = "none";
            for (JsonNode frame : slice.path("frames")) {
                if (frame.asText().startsWith("dev.loomscope.examples.")) {
                    app = frame.asText().replaceAll("\\(.*", "");
                    break;
                }
            }
            bySite.merge(app, 1L, Long::sum);
        }
        long top = bySite.values().stream().mapToLong(Long::longValue).max().orElse(0);
        assertEquals(top, bySite.getOrDefault("dev.loomscope.examples.payments.FraudCheck.deepScore", 0L),
                "most of the longest slices at the deep score: " + bySite);
        // They ran under the authorisations, the route that scores payments; the reads run no deep score.
        JsonNode authorize = operation(d, AUTHORIZE);
        assertTrue(authorize.path("longSlices").asLong() >= atDeepScore, authorize.toString());
        boolean deepScoreExemplar = false;
        for (JsonNode slice : authorize.path("exemplars").path("longSlice")) {
            deepScoreExemplar |= anyFrame(slice.path("frames"), "FraudCheck.deepScore(");
        }
        assertTrue(deepScoreExemplar, "a longest slice of the authorisations is at the deep score: "
                + authorize.path("exemplars").path("longSlice"));
        // The demo's diagnosis says so on its first line: the wake-to-run tail, and the hog that held the carriers.
        String wakeToRun = run.diagnosis("wake → run");
        assertTrue(wakeToRun.contains(": carriers were held by run slices in FraudCheck.deepScore(FraudCheck.java:"),
                wakeToRun);
    }

    @Test
    void pinningShowsThePinnedSiteInTheUpcall() throws Exception {
        Run run = run("pinning", 0);
        JsonNode d = run.dump();
        assertTrue(d.path("counts").path("pinnedBlocks").asLong() > 0, run.describe());
        JsonNode pinned = d.path("sites").path("pinned");
        assertFalse(pinned.isEmpty(), "sites.pinned" + run.describe());
        JsonNode frames = pinned.get(0).path("frames");
        assertTrue(anyFrame(frames, "dev.loomscope.examples.payments.FxSort."), "pinned in FxSort: " + frames);
        assertTrue(anyFrame(frames, "dev.loomscope.examples.payments.BankClient.eurRate("),
                "pinned while fetching an FX rate: " + frames);
        if (Runtime.version().feature() >= 22) {
            assertTrue(anyFrame(frames, "FxSort.compare("), "the qsort upcall comparator: " + frames);
        }
        assertTrue(d.path("latencies").path("pinnedBlocked").path("count").asLong() > 0);
        String pinning = run.diagnosis("pinning");
        assertTrue(pinning.contains("; most at BankClient.eurRate(BankClient.java:"), pinning);
        if (Runtime.version().feature() >= 22) {
            // the upcall comparator among the callers that hold the pin
            assertTrue(pinning.matches(".*, called from [^(]*FxSort\\.compare.*"), pinning);
        }
    }

    @Test
    void poolExhaustionMakesTheReadsWaitForTheAuthorisationsConnections() throws Exception {
        // Half of the requests read (not 15 %), every request critical (X-Trace-Priority: high): each blocked read
        // has its stack sampled, where 1 in 10 (sampleEvery) could leave a short run on a busy machine without one.
        Run run = run("pool-exhaustion", 0, "--read-share=0.5", "--critical-share=1");
        JsonNode d = run.dump();
        // The authorisations hold the pool's connections through their remote calls; a read needs one only for a
        // single query, yet blocks for one: it is the read route that suffers, at Ledger.connection.
        JsonNode find = operation(d, FIND);
        assertTrue(find.path("blocks").asLong() > 0, "the reads blocked: " + find + run.describe());
        JsonNode top = find.path("blockSites").path(0).path("frames");
        assertTrue(anyFrame(top, "dev.loomscope.examples.payments.Ledger.connection("),
                "the reads' top block site is the pool: " + find.path("blockSites"));
        assertTrue(anyFrame(top, "HikariDataSource.getConnection("), top.toString());
        for (JsonNode exemplar : find.path("exemplars").path("blocked")) {
            assertTrue(exemplar.path("traceId").asText().matches("[0-9a-f]{32}"), exemplar.toString());
        }
    }

    @Test
    void leakIsOneClusterAtTheOutboxWithEveryParkedNotifier() throws Exception {
        Run run = run("leak", 1_500); // every notifier parked longer than leakThreshold=1s at the exit dump
        JsonNode d = run.dump();
        long parked = run.stats().path("notifications").path("waiting").asLong();
        assertTrue(parked > 0, "notifiers waiting: " + run.stats());
        JsonNode clusters = d.path("leaks").path("clusters");
        assertEquals(1, clusters.size(), "one leak cluster: " + clusters);
        JsonNode cluster = clusters.get(0);
        assertEquals(parked, cluster.path("threads").asLong(), "every parked notifier, nothing else: " + cluster);
        assertEquals(parked, d.path("leaks").path("threads").asLong());
        assertTrue(anyFrame(cluster.path("frames"), "dev.loomscope.examples.payments.Notifications.handOff("),
                "at the hand-off to the outbox: " + cluster.path("frames"));
        assertTrue(anyFrame(cluster.path("frames"), "java.util.concurrent.ArrayBlockingQueue.put("),
                cluster.path("frames").toString());
        String leaks = run.diagnosis("leaks");
        assertTrue(leaks.contains(parked + " at Notifications.handOff(Notifications.java:"), leaks);
    }
}

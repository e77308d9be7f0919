package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.loomscope.agent.it.workloads.Leak;
import dev.loomscope.agent.it.workloads.Lifecycle;
import dev.loomscope.agent.it.workloads.OperationsApp;
import dev.loomscope.agent.it.workloads.Scheduling;
import dev.loomscope.agent.it.workloads.SpinUntilStopped;
import dev.loomscope.agent.it.workloads.UntilStopped;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.LoomscopeDump;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real dumps, written by the real agent in real JVMs, are valid against {@code docs/loomscope-1.schema.json} as checked
 * by a JSON Schema validator (draft 2020-12); between them they fill every optional part of the format (sites, leak
 * clusters with and without frames, long slices finished and ongoing, downsampled heatmap rows, every trigger, late
 * attach). The schema is not vacuous: renaming any field of a real dump, or changing {@code schema}, fails validation.
 * The invariants docs/schema.md states are checked on the same dumps.
 * <p>
 * The heatmaps' "earlier" row (older than the coarsest tier, hours away at the smallest window) is checked by
 * {@code SnapshotJsonSchemaTest} in core, on the writer's output for a synthetic stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaIT {
    private static final long WAIT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Schema schema = loadSchema();
    /** Every dump produced, by a name that says how. */
    private final Map<String, JsonNode> dumps = new LinkedHashMap<>();
    private Path dir;

    /** The schema file: the path failsafe passes (agent/pom.xml), else relative to the agent module directory. */
    static Path schemaFile() {
        String configured = System.getProperty("loomscope.schemaFile");
        return configured != null ? Path.of(configured) : Path.of("..", "docs", "loomscope-1.schema.json");
    }

    private static Schema loadSchema() {
        Path file = schemaFile();
        assertTrue(Files.isRegularFile(file), "no schema at " + file.toAbsolutePath());
        try {
            JsonNode node = JSON.readTree(file.toFile());
            assertEquals("https://json-schema.org/draft/2020-12/schema", node.path("$schema").asText());
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(node);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** The validator's complaints about {@code dump}, one string each; empty if it is valid. */
    private List<String> violations(JsonNode dump) {
        return schema.validate(dump).stream().map(Object::toString).toList();
    }

    @BeforeAll
    void produceDumps(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        exitDump("exit: Lifecycle startJoin", "", List.of(), Lifecycle.class, "startJoin", "200");
        exitDump("exit: Lifecycle parkOnce", "", List.of(), Lifecycle.class, "parkOnce", "100");
        exitDump("exit: Lifecycle sleepOnce", "", List.of(), Lifecycle.class, "sleepOnce", "50", "10");
        exitDump("exit: Lifecycle pinnedInClassInit", "", List.of(), Lifecycle.class, "pinnedInClassInit");
        exitDump("exit: Lifecycle monitorThenWait", "", List.of(), Lifecycle.class, "monitorThenWait");
        exitDump("exit: Lifecycle parkedForever", "", List.of(), Lifecycle.class, "parkedForever", "5");
        exitDump("exit: recording=false", "recording=false", List.of(), Lifecycle.class, "startJoin", "10");
        // 10 ms windows, 5 of them at full resolution: a 1.5 s run has downsampled (tier 1) rows
        exitDump("exit: Scheduling sleepersWithHog, parallelism 1, 10 ms windows", "window=10ms,retention=50ms",
                List.of("-Djdk.virtualThreadScheduler.parallelism=1"), Scheduling.class, "sleepersWithHog");
        exitDump("exit: Leak, every stack sampled", "sampleEvery=1,leakThreshold=300ms", List.of(), Leak.class,
                "20", "600");
        exitDump("exit: Leak, no stack sampled", "sampleEvery=0,leakThreshold=300ms", List.of(), Leak.class,
                "20", "600");
        // the application's operations (loomscope-api beside it): every part of the operations section
        exitDump("exit: OperationsApp scheduling, parallelism 1", "",
                List.of("-Djdk.virtualThreadScheduler.parallelism=1"), OperationsApp.class, "scheduling");
        exitDump("exit: OperationsApp badInput, operations=3", "operations=3,criticalSamplesPerSecond=10",
                List.of(), OperationsApp.class, "badInput");
        intervalDumps();
        sigquitDumpWhileSpinning();
        attachDumpAfterLateAttach();
        httpDumpFromTheMetricsEndpoint();
    }

    private void exitDump(String name, String options, List<String> jvmOptions, Class<?> main, String... args)
            throws Exception {
        Path json = dir.resolve("exit-" + dumps.size() + ".json");
        AgentJvm jvm = AgentJvm.withAgent("out=" + json + ",quiet=true" + (options.isEmpty() ? "" : "," + options));
        jvmOptions.forEach(jvm::jvmOption);
        if (main == OperationsApp.class) {
            jvm.classPath(OperationsIT.apiJar()); // an application using loomscope-api carries it
        }
        AgentJvm.Result result = jvm.run(main, args);
        assertEquals(0, result.exitCode(), name + ": " + result.stderr());
        dumps.put(name, AgentJvm.readJson(json));
    }

    private void intervalDumps() throws Exception {
        Path stop = dir.resolve("stop-interval");
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("interval-exit.json") + ",dump="
                        + dir.resolve("tick-%t.json") + ",quiet=true,interval=200ms")
                .start(UntilStopped.class, stop.toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        awaitFiles("tick-", 2, jvm);
        stop(jvm, stop);
        int i = 0;
        for (Path tick : files("tick-")) {
            dumps.put("interval: UntilStopped, dump " + ++i, AgentJvm.readJson(tick));
        }
        dumps.put("exit: UntilStopped after interval dumps", AgentJvm.readJson(dir.resolve("interval-exit.json")));
    }

    /** SIGQUIT while a virtual thread keeps its carrier: the long slice is ongoing in that dump, finished at exit. */
    private void sigquitDumpWhileSpinning() throws Exception {
        Path stop = dir.resolve("stop-spin");
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("spin-exit.json") + ",dump="
                        + dir.resolve("quit-%t.json") + ",quiet=true")
                .start(SpinUntilStopped.class, stop.toString(), "120");
        jvm.awaitStdout("spinning", 1, WAIT_SECONDS);
        Thread.sleep(300); // well past the 20 ms long-slice threshold
        Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(jvm.pid())).inheritIO().start();
        assertTrue(kill.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
        Path quit = awaitFiles("quit-", 1, jvm).get(0);
        stop(jvm, stop);
        dumps.put("sigquit: SpinUntilStopped while spinning", AgentJvm.readJson(quit));
        dumps.put("exit: SpinUntilStopped", AgentJvm.readJson(dir.resolve("spin-exit.json")));
    }

    /** {@code java -jar loomscope-agent.jar dump PID FILE} into a JVM without the agent: a late attach. */
    private void attachDumpAfterLateAttach() throws Exception {
        Path workDir = Files.createDirectory(dir.resolve("late"));
        Path stop = workDir.resolve("stop");
        AgentJvm.Running jvm = AgentJvm.withoutAgent().directory(workDir)
                .start(UntilStopped.class, stop.toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        Path file = workDir.resolve("attached.json");
        Process cli = new ProcessBuilder(AgentJvm.tool("java").toString(), "-jar",
                AgentJvm.AGENT_JAR.toAbsolutePath().toString(), "dump", Long.toString(jvm.pid()), file.toString())
                .redirectOutput(workDir.resolve("cli.out").toFile())
                .redirectError(workDir.resolve("cli.err").toFile())
                .start();
        assertTrue(cli.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "dump command did not finish");
        assertEquals(0, cli.exitValue(), Files.readString(workDir.resolve("cli.err")));
        Thread.sleep(300); // let the recording see some transitions before the JVM stops
        stop(jvm, stop);
        dumps.put("attach-dump: UntilStopped, late attach", AgentJvm.readJson(file));
        dumps.put("exit: UntilStopped, late attach",
                AgentJvm.readJson(workDir.resolve("loomscope-" + jvm.pid() + ".json")));
    }

    /** {@code GET /loomscope.json} on the metrics endpoint: a dump that is served, not written. */
    private void httpDumpFromTheMetricsEndpoint() throws Exception {
        Path stop = dir.resolve("stop-http");
        int port = PrometheusServer.freePort();
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("http-exit.json") + ",quiet=true,metrics="
                        + port + ",service=schema-it")
                .start(UntilStopped.class, stop.toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/loomscope.json")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        String body = null;
        while (body == null) {
            try {
                body = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.net.ConnectException notYet) {
                assertTrue(System.nanoTime() < deadline, "no metrics endpoint: " + jvm.stderrSoFar());
                Thread.sleep(50);
            }
        }
        stop(jvm, stop);
        dumps.put("http: UntilStopped, GET /loomscope.json", JSON.readTree(body));
    }

    private static void stop(AgentJvm.Running jvm, Path stopFile) throws IOException, InterruptedException {
        Files.createFile(stopFile);
        AgentJvm.Result result = jvm.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
    }

    private List<Path> awaitFiles(String prefix, int n, AgentJvm.Running jvm) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<Path> files = files(prefix);
        while (files.size() < n) {
            if (!jvm.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " " + prefix + " dumps, have " + files + "; stderr:\n"
                        + jvm.stderrSoFar());
            }
            Thread.sleep(20);
            files = files(prefix);
        }
        return files;
    }

    /** Finished dumps whose name starts with {@code prefix} (a dump being written is a hidden temporary file). */
    private List<Path> files(String prefix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    Stream<String> dumpNames() {
        return dumps.keySet().stream();
    }

    // ------------------------------------------------------------------------------------------ valid and complete

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpNames")
    void everyRealDumpIsValid(String name) {
        assertEquals(List.of(), violations(dumps.get(name)), name);
    }

    /**
     * The format's records know every field of a real dump (read strictly), and writing them again gives the same
     * JSON, field order included: what the agent wrote, readers read whole.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpNames")
    void everyRealDumpReadsIntoTheRecordsAndWritesBackTheSame(String name) throws IOException {
        JsonNode dump = dumps.get(name);
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        DumpJsonWriter.write(AgentJvm.records(dump), again);
        assertEquals(JSON.writeValueAsString(dump), JSON.writeValueAsString(JSON.readTree(again.toByteArray())),
                name);
    }

    /** Between them, the dumps fill every part of the format that can be empty, absent or null. */
    @Test
    void theDumpsExerciseEveryOptionalPartOfTheFormat() {
        Set<String> seen = new TreeSet<>();
        for (JsonNode dump : dumps.values()) {
            seen.add("trigger " + dump.at("/recording/trigger").asText());
            seen.add("attach " + dump.at("/recording/attach").asText());
            for (String list : List.of("create", "block", "wake", "pinned")) {
                if (!dump.at("/sites/" + list).isEmpty()) {
                    seen.add("sites." + list);
                }
            }
            for (JsonNode cluster : dump.at("/leaks/clusters")) {
                seen.add(cluster.get("frames").isNull() ? "leak cluster, frames null" : "leak cluster with frames");
            }
            for (JsonNode slice : dump.at("/longSlices/longest")) {
                seen.add(slice.get("ongoing").asBoolean() ? "long slice, ongoing" : "long slice, finished");
                if (slice.get("frames").isArray()) {
                    seen.add("long slice with frames");
                }
            }
            dump.at("/latencies/blockedByKind").fieldNames().forEachRemaining(kind -> seen.add("blockedByKind." + kind));
            for (String heatmap : List.of("activity/create", "activity/block", "activity/wake", "activity/mount",
                    "latency/startDelay", "latency/wakeToRun", "latency/blocked", "latency/runSlice")) {
                for (JsonNode row : dump.at("/heatmaps/" + heatmap)) {
                    seen.add("heatmaps." + heatmap.replace('/', '.'));
                    seen.add("heatmap row, tier " + row.get("tier").asInt());
                }
            }
            if (!dump.at("/context/windows").isEmpty()) {
                seen.add("context.windows");
            }
            if (dump.at("/context/cpuThrottling/available").asBoolean()) {
                seen.add("context.cpuThrottling.file");
            }
            if (dump.at("/scheduler").has("parallelism")) {
                seen.add("scheduler");
            }
            if (dump.at("/scheduler").has("mxBean")) {
                seen.add("scheduler.mxBean");
            }
            for (JsonNode carrier : dump.at("/carriers/perCarrier")) {
                if (carrier.has("name")) {
                    seen.add("carrier name");
                }
            }
            for (JsonNode operation : dump.at("/operations/perOperation")) {
                seen.add("operation");
                if (!operation.get("blockSites").isEmpty()) {
                    seen.add("operation block sites");
                }
                for (String kind : List.of("wakeToRun", "blocked", "longSlice")) {
                    for (JsonNode exemplar : operation.at("/exemplars/" + kind)) {
                        seen.add("exemplar " + kind);
                        seen.add(exemplar.has("traceId") ? "exemplar with trace id" : "exemplar without trace id");
                        if (exemplar.has("frames")) {
                            seen.add("exemplar with frames");
                        }
                    }
                }
            }
            if (dump.at("/operations/scopesOverLimit").asLong() > 0) {
                seen.add("operations over the limit");
            }
        }
        List<String> expected = new ArrayList<>(List.of("trigger exit", "trigger interval", "trigger sigquit",
                "trigger attach-dump", "trigger http", "attach startup", "attach late", "sites.create", "sites.block", "sites.wake",
                "sites.pinned", "leak cluster with frames", "leak cluster, frames null", "long slice, ongoing",
                "long slice, finished", "long slice with frames", "blockedByKind.park", "blockedByKind.sleep",
                "blockedByKind.pinned", "heatmaps.activity.create", "heatmaps.activity.block",
                "heatmaps.activity.wake", "heatmaps.activity.mount", "heatmaps.latency.startDelay",
                "heatmaps.latency.wakeToRun", "heatmaps.latency.blocked", "heatmaps.latency.runSlice",
                "heatmap row, tier 0", "heatmap row, tier 1", "context.windows", "scheduler", "carrier name",
                "operation", "operation block sites", "exemplar wakeToRun", "exemplar blocked", "exemplar longSlice",
                "exemplar with trace id", "exemplar without trace id", "exemplar with frames",
                "operations over the limit"));
        if (AgentJvm.workloadFeature() >= 24) {
            // monitors and Object.wait unmount instead of pinning; the scheduler MXBean exists
            expected.addAll(List.of("blockedByKind.monitor", "blockedByKind.wait", "scheduler.mxBean"));
        }
        List<String> missing = expected.stream().filter(e -> !seen.contains(e)).toList();
        assertEquals(List.of(), missing, "seen: " + seen);
    }

    /** The relations docs/schema.md states, on every real dump. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpNames")
    void theDocumentedInvariantsHold(String name) {
        JsonNode dump = dumps.get(name);
        JsonNode counts = dump.get("counts");
        long created = counts.get("created").asLong();
        assertEquals(created, counts.get("ended").asLong() + counts.get("live").asLong(), "created == ended + live");
        assertEquals(counts.get("blocks").asLong(), sumOfFields(counts.get("blocksByKind")), "blocks");
        assertEquals(counts.get("pinnedBlocks").asLong(), counts.at("/blocksByKind/pinned").asLong(), "pinnedBlocks");
        assertEquals(counts.get("dropped").asLong(), sumOfFields(counts.get("droppedByKind")), "dropped");
        if (counts.get("dropped").asLong() == 0 && dump.at("/recording/attach").asText().equals("startup")) {
            assertTrue(counts.get("started").asLong() <= created, "started <= created");
            assertTrue(counts.get("unmounts").asLong() <= counts.get("mounts").asLong(), "unmounts <= mounts");
            assertTrue(counts.get("mounts").asLong() - counts.get("unmounts").asLong()
                    <= dump.at("/carriers/perCarrier").size(), "at most one thread mounted per carrier");
            assertTrue(counts.get("wakes").asLong()
                    <= counts.get("blocks").asLong() - counts.get("pinnedBlocks").asLong(), "wakes <= unpinned blocks");
        }

        LoomscopeDump records = AgentJvm.records(dump);
        Heatmaps.Activity activity = records.heatmaps().activity();
        assertEquals(created, HeatmapRow.sum(activity.create()), "activity create == counts.created");
        assertEquals(counts.get("blocks").asLong(), HeatmapRow.sum(activity.block()),
                "activity block == counts.blocks");
        assertEquals(counts.get("wakes").asLong(), HeatmapRow.sum(activity.wake()), "activity wake == counts.wakes");
        assertEquals(counts.get("mounts").asLong(), HeatmapRow.sum(activity.mount()),
                "activity mount == counts.mounts");
        Heatmaps.Latency latencyHeatmaps = records.heatmaps().latency();
        assertEquals(dump.at("/latencies/startDelay/count").asLong(), HeatmapRow.sum(latencyHeatmaps.startDelay()),
                "latency heatmap startDelay");
        assertEquals(dump.at("/latencies/wakeToRun/count").asLong(), HeatmapRow.sum(latencyHeatmaps.wakeToRun()),
                "latency heatmap wakeToRun");
        assertEquals(dump.at("/latencies/blocked/count").asLong(), HeatmapRow.sum(latencyHeatmaps.blocked()),
                "latency heatmap blocked");
        assertEquals(dump.at("/latencies/runSlice/count").asLong(), HeatmapRow.sum(latencyHeatmaps.runSlice()),
                "latency heatmap runSlice");
        long unpinnedByKind = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = dump.at("/latencies/blockedByKind").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> kind = it.next();
            if (!kind.getKey().equals("pinned")) {
                unpinnedByKind += kind.getValue().get("count").asLong();
            }
        }
        assertEquals(dump.at("/latencies/blocked/count").asLong(), unpinnedByKind, "blocked == sum(blockedByKind)");
        assertEquals(dump.at("/latencies/pinnedBlocked/count").asLong(),
                dump.at("/latencies/blockedByKind/pinned/count").asLong(), "pinnedBlocked == blockedByKind.pinned");
        for (String latency : List.of("startDelay", "wakeToRun", "blocked", "runSlice", "pinnedBlocked")) {
            assertHdrMatchesSummary(dump.at("/latencies/" + latency), latency);
        }
        dump.at("/latencies/blockedByKind").fields().forEachRemaining(
                kind -> assertHdrMatchesSummary(kind.getValue(), "blockedByKind." + kind.getKey()));

        long operationBlocks = 0;
        for (JsonNode operation : dump.at("/operations/perOperation")) {
            String operationName = "operation " + operation.get("name").asText();
            assertEquals(operation.get("blocks").asLong(), sumOfFields(operation.get("blocksByKind"))
                    + operation.get("pinnedBlocks").asLong(), operationName + ": blocks");
            assertEquals(operation.get("wakes").asLong(), operation.at("/latencies/blocked/count").asLong(),
                    operationName + ": wakes == blocked count");
            assertTrue(operation.get("inheritedThreads").asLong() <= operation.get("threads").asLong(),
                    operationName + ": inheritedThreads <= threads");
            for (String latency : List.of("wakeToRun", "blocked", "runSlice")) {
                assertHdrMatchesSummary(operation.at("/latencies/" + latency), operationName + " " + latency);
            }
            for (String kind : List.of("wakeToRun", "blocked", "longSlice")) {
                long previousExemplar = Long.MAX_VALUE;
                for (JsonNode exemplar : operation.at("/exemplars/" + kind)) {
                    assertTrue(exemplar.get("durationNs").asLong() <= previousExemplar,
                            operationName + ": worst first");
                    previousExemplar = exemplar.get("durationNs").asLong();
                }
            }
            operationBlocks += operation.get("blocks").asLong();
        }
        assertTrue(operationBlocks <= counts.get("blocks").asLong(), "operations' blocks <= blocks");
        if (dump.has("operations")) {
            assertTrue(dump.at("/operations/named").asLong() <= dump.at("/operations/limit").asLong(),
                    "named <= limit");
        }

        long leaking = 0;
        for (JsonNode cluster : dump.at("/leaks/clusters")) {
            leaking += cluster.get("threads").asLong();
            assertEquals(cluster.get("threads").asLong(), sumOfFields(cluster.get("kinds")), "cluster kinds");
        }
        assertEquals(dump.at("/leaks/threads").asLong(), leaking, "leaks.threads == sum of clusters");
        for (JsonNode site : dump.at("/sites/wake")) {
            assertEquals(site.get("count").asLong(), site.at("/wakeToRun/count").asLong(), "wake site count");
        }
        for (JsonNode site : dump.at("/sites/block")) {
            assertEquals(site.get("count").asLong(), sumOfFields(site.get("kinds")), "block site kinds");
        }
        long previous = Long.MAX_VALUE;
        for (JsonNode slice : dump.at("/longSlices/longest")) {
            long duration = slice.get("durationNs").asLong();
            assertTrue(duration <= previous, "longest first");
            assertTrue(duration >= dump.at("/longSlices/thresholdNs").asLong(), "at least the threshold");
            previous = duration;
        }
        int column = 0;
        for (JsonNode carrier : dump.at("/carriers/perCarrier")) {
            assertEquals(++column, carrier.get("column").asInt(), "carriers in column order, from 1");
        }
        assertEquals(dump.at("/context/gc/pauses").asLong(), HeatmapRow.columnSum(records.context().windows(), 0),
                "every GC pause is in a context window");
        for (String heatmap : List.of("activity/create", "activity/block", "activity/wake", "activity/mount",
                "latency/startDelay", "latency/wakeToRun", "latency/blocked", "latency/runSlice")) {
            assertRowsOrderedAndDisjoint(dump.at("/heatmaps/" + heatmap), dump.at("/heatmaps/windowMs").asLong(),
                    heatmap);
        }
        assertRowsOrderedAndDisjoint(dump.at("/context/windows"), dump.at("/heatmaps/windowMs").asLong(), "context");
    }

    /** {@code hdr} decodes as docs/schema.md says, to the histogram the summary was taken from. */
    private static void assertHdrMatchesSummary(JsonNode summary, String name) {
        Histogram histogram;
        try {
            histogram = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(summary.get("hdr").asText())), 0);
        } catch (DataFormatException e) {
            throw new AssertionError(name + ".hdr does not decode", e);
        }
        assertEquals(summary.get("count").asLong(), histogram.getTotalCount(), name + ".hdr count");
        if (histogram.getTotalCount() > 0) {
            assertEquals(summary.get("max").asLong(), histogram.getMaxValue(), name + ".hdr max");
            assertEquals(summary.get("p99").asLong(), histogram.getValueAtPercentile(99), name + ".hdr p99");
        }
    }

    /** Oldest first, no overlap; a row of tier t is windowMs × (1, 10, 60, 3600)[t] long and aligned on it. */
    private static void assertRowsOrderedAndDisjoint(JsonNode rows, long windowMs, String heatmap) {
        long[] factors = {1, 10, 60, 3600};
        long end = Long.MIN_VALUE;
        for (JsonNode row : rows) {
            int tier = row.get("tier").asInt();
            if (tier < 0) {
                assertEquals(Long.MIN_VALUE, end, heatmap + ": the earlier row comes first");
                end = row.get("endEpochMs").asLong();
                continue;
            }
            long start = row.get("startEpochMs").asLong();
            long length = row.get("lengthMs").asLong();
            assertEquals(windowMs * factors[tier], length, heatmap + ": length of tier " + tier);
            assertEquals(0, Math.floorMod(start, length), heatmap + ": aligned on epoch");
            assertTrue(start >= end, heatmap + ": rows ordered and disjoint at " + row);
            end = start + length;
            int previousColumn = -1;
            for (JsonNode cell : row.get("cells")) {
                assertTrue(cell.get(0).asInt() > previousColumn, heatmap + ": cells in column order");
                previousColumn = cell.get(0).asInt();
            }
        }
    }

    private static long sumOfFields(JsonNode object) {
        long sum = 0;
        for (JsonNode value : object) {
            sum += value.asLong();
        }
        return sum;
    }

    // ------------------------------------------------------------------------------------------ not vacuous

    /**
     * For every field of every real dump (each distinct path once, array indices ignored), the same dump with only that
     * field renamed is invalid: no object of the format accepts a key it does not know.
     */
    @Test
    void renamingAnyFieldOfARealDumpMakesItInvalid() {
        Set<String> checked = new TreeSet<>();
        List<String> stillValid = new ArrayList<>();
        for (JsonNode dump : dumps.values()) {
            forEachField(dump, "", "", (pointer, generalPath, key) -> {
                if (checked.add(generalPath + "/" + key)) {
                    JsonNode copy = dump.deepCopy();
                    ObjectNode parent = (ObjectNode) copy.at(pointer);
                    parent.set(key + "Renamed", parent.remove(key));
                    if (violations(copy).isEmpty()) {
                        stillValid.add(generalPath + "/" + key);
                    }
                }
            });
        }
        assertTrue(checked.size() > 300, "fields checked: " + checked.size());
        assertEquals(List.of(), stillValid, "renamed and still valid");
    }

    @Test
    void anotherSchemaValueIsInvalid() {
        for (String other : List.of("loomscope/2", "loomscope/1.1", "")) {
            ObjectNode dump = dumps.values().iterator().next().deepCopy();
            dump.put("schema", other);
            List<String> violations = violations(dump);
            assertFalse(violations.isEmpty(), other);
            assertTrue(violations.stream().allMatch(v -> v.contains("schema")), violations.toString());
        }
    }

    /** Wrong types, missing and added fields, out-of-range values: each alone makes a valid dump invalid. */
    @Test
    void typesRequiredFieldsAndRangesAreChecked() {
        JsonNode valid = dumps.get("exit: Leak, every stack sampled");
        assertEquals(List.of(), violations(valid));
        Map<String, Consumer<ObjectNode>> mutations = new LinkedHashMap<>();
        mutations.put("count as a string", d -> ((ObjectNode) d.get("counts")).put("created", "12"));
        mutations.put("negative count", d -> ((ObjectNode) d.get("counts")).put("wakes", -1));
        mutations.put("required field removed", d -> ((ObjectNode) d.get("counts")).remove("mounts"));
        mutations.put("field added at the top", d -> d.put("comment", "hello"));
        mutations.put("field added to a summary", d -> ((ObjectNode) d.at("/latencies/blocked")).put("p95", 1));
        mutations.put("unit other than ns", d -> ((ObjectNode) d.at("/latencies/blocked")).put("unit", "ms"));
        mutations.put("hdr not base64", d -> ((ObjectNode) d.at("/latencies/blocked")).put("hdr", "not base64!"));
        mutations.put("unknown trigger", d -> ((ObjectNode) d.get("recording")).put("trigger", "manual"));
        mutations.put("unknown block kind in a site",
                d -> ((ObjectNode) d.at("/sites/block/0/kinds")).put("spin", 1));
        mutations.put("frames not an array", d -> ((ObjectNode) d.at("/sites/create/0")).put("frames", "main"));
        mutations.put("zero heatmap cell", d -> ((ArrayNode) d.at("/heatmaps/activity/mount/0/cells")).add(
                JSON.createArrayNode().add(99).add(0)));
        mutations.put("latency bucket past the last", d -> ((ArrayNode) d.at("/heatmaps/latency/runSlice/0/cells"))
                .set(0, JSON.createArrayNode().add(161).add(1)));
        mutations.put("cell of three numbers", d -> ((ArrayNode) d.at("/heatmaps/activity/mount/0/cells/0")).add(1));
        mutations.put("row with neither start nor earlier form", d -> ((ObjectNode) d.at("/heatmaps/activity/mount/0"))
                .putNull("startEpochMs"));
        mutations.put("earlier row with a tier", d -> {
            ObjectNode row = (ObjectNode) d.at("/heatmaps/activity/mount/0");
            row.putNull("startEpochMs");
            row.set("endEpochMs", row.remove("lengthMs"));
        });
        mutations.put("option renamed", d -> {
            ObjectNode options = (ObjectNode) d.at("/agent/options");
            options.set("sample", options.remove("sampleEvery"));
        });
        mutations.put("ring count not a power of two", d -> ((ObjectNode) d.at("/agent/options")).put("rings", 12));
        mutations.put("duration without unit", d -> ((ObjectNode) d.at("/agent/options")).put("window", "1000"));
        mutations.put("context column added", d -> ((ArrayNode) d.at("/context/columns")).add(new TextNode("x")));
        mutations.put("throttling file without throttling",
                d -> ((ObjectNode) d.at("/context/cpuThrottling")).put("available", false).put("file", "/x"));
        mutations.put("tier 4", d -> ((ObjectNode) d.at("/heatmaps/activity/mount/0")).set("tier", new IntNode(4)));
        List<String> stillValid = new ArrayList<>();
        mutations.forEach((what, mutation) -> {
            ObjectNode copy = valid.deepCopy();
            mutation.accept(copy);
            if (violations(copy).isEmpty()) {
                stillValid.add(what);
            }
        });
        assertEquals(List.of(), stillValid);
    }

    private interface FieldVisitor {
        void visit(String parentPointer, String generalParentPath, String key);
    }

    /** Every object field under {@code node}, with its parent's JSON pointer and that pointer without indices. */
    private static void forEachField(JsonNode node, String pointer, String generalPath, FieldVisitor visitor) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                visitor.visit(pointer, generalPath, key);
                String escaped = key.replace("~", "~0").replace("/", "~1");
                forEachField(node.get(key), pointer + "/" + escaped, generalPath + "/" + escaped, visitor);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                forEachField(node.get(i), pointer + "/" + i, generalPath + "/[]", visitor);
            }
        }
    }
}

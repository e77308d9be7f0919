package dev.loomscope.otel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge in a real JVM with the real agent jar and the real OpenTelemetry SDK ({@link ServerSpans}): each server
 * span's work is counted under its name, with its trace id on the exemplars; client spans open no operation.
 */
class OtelBridgeIT {
    private static final Path AGENT_JAR = Path.of(System.getProperty("loomscope.agentJar",
            "../agent/target/loomscope-agent.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 200;

    @BeforeAll
    static void agentJarExists() {
        assertTrue(Files.isRegularFile(AGENT_JAR), "no agent jar at " + AGENT_JAR.toAbsolutePath()
                + " (build the agent module first)");
    }

    /** What a run of {@link ServerSpans} left: its dump and the trace ids of each route's requests. */
    record Run(JsonNode dump, Map<String, Set<String>> traceIds, String stdout, String stderr) {
        String describe() {
            return "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private static Run run() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-runs")), "otel-")
                .toAbsolutePath();
        Path dump = dir.resolve("loomscope.json");
        List<String> classPath = new ArrayList<>();
        classPath.add(System.getProperty("loomscope.testClasses", "target/test-classes"));
        classPath.add(System.getProperty("loomscope.classes", "target/classes"));
        classPath.add(Files.readString(Path.of(System.getProperty("loomscope.itClasspathFile",
                "target/it-classpath.txt"))).trim());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=out=" + dump + ",sigquit=false,quiet=true,sampleEvery=1",
                "-cp", String.join(File.pathSeparator, classPath),
                ServerSpans.class.getName(), String.valueOf(REQUESTS));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process jvm = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()).start();
        if (!jvm.waitFor(120, TimeUnit.SECONDS)) {
            jvm.destroyForcibly().waitFor();
            throw new AssertionError("the JVM did not finish within 120 s:\n" + Files.readString(stderr));
        }
        String out = Files.readString(stdout);
        String err = Files.readString(stderr);
        assertEquals(0, jvm.exitValue(), out + err);
        assertTrue(out.contains("done"), out + err);
        assertTrue(Files.isRegularFile(dump), "no dump:\n" + err);
        Map<String, Set<String>> traceIds = new HashMap<>();
        for (String line : out.split("\\R")) {
            if (line.startsWith("trace ")) {
                int last = line.lastIndexOf(' ');
                traceIds.computeIfAbsent(line.substring("trace ".length(), last), k -> new HashSet<>())
                        .add(line.substring(last + 1));
            }
        }
        return new Run(JSON.readTree(dump.toFile()), traceIds, out, err);
    }

    /** {@code operations.perOperation[]} named {@code name}, or a missing node. */
    private static JsonNode operation(JsonNode dump, String name) {
        for (JsonNode operation : dump.path("operations").path("perOperation")) {
            if (operation.path("name").asText().equals(name)) {
                return operation;
            }
        }
        return MissingNode.getInstance();
    }

    /** The trace ids of an operation's exemplars, of every kind; {@code withoutTraceId} counts those with none. */
    private static Set<String> exemplarTraceIds(JsonNode operation, long[] withoutTraceId) {
        Set<String> ids = new HashSet<>();
        for (JsonNode kind : operation.path("exemplars")) {
            for (JsonNode exemplar : kind) {
                if (exemplar.path("traceId").isTextual()) {
                    ids.add(exemplar.path("traceId").asText());
                } else {
                    withoutTraceId[0]++;
                }
            }
        }
        return ids;
    }

    @Test
    void eachServerSpanNameIsAnOperationWithItsWorkAndTraceIds() throws Exception {
        Run run = run();
        JsonNode dump = run.dump();
        for (String route : List.of("GET /sleepy", "POST /spin", "GET /async")) {
            assertEquals(REQUESTS, run.traceIds().getOrDefault(route, Set.of()).size(), route + run.describe());
        }
        assertEquals(0, dump.path("counts").path("dropped").asLong(), "nothing dropped, so counts are exact");

        // The blocks each route's workload does (ServerSpans), exactly: each under its server span's operation.
        int sleeps = ServerSpans.SLEEPS + 1;
        JsonNode sleepy = operation(dump, "GET /sleepy");
        assertEquals((long) REQUESTS * sleeps, sleepy.path("blocks").asLong(), "GET /sleepy: " + sleepy);
        assertEquals((long) REQUESTS * sleeps, sleepy.path("blocksByKind").path("sleep").asLong(), sleepy.toString());
        assertEquals((long) REQUESTS * sleeps, sleepy.path("latencies").path("blocked").path("count").asLong());
        assertEquals(REQUESTS, sleepy.path("threads").asLong(), "one virtual thread per request");
        assertEquals(0, sleepy.path("inheritedThreads").asLong());

        JsonNode spin = operation(dump, "POST /spin");
        assertEquals(REQUESTS, spin.path("blocks").asLong(), "POST /spin: " + spin);
        assertEquals(REQUESTS, spin.path("blocksByKind").path("sleep").asLong(), spin.toString());

        // A span ended on another virtual thread: its operation stays current on its own thread until that thread
        // ends (the sleep after the hand-off counts under it), and the ending thread, started inside it, inherits it.
        JsonNode async = operation(dump, "GET /async");
        assertEquals(3L * REQUESTS, async.path("blocks").asLong(), "GET /async: " + async);
        assertEquals(2L * REQUESTS, async.path("blocksByKind").path("sleep").asLong(), async.toString());
        assertEquals(REQUESTS, async.path("blocksByKind").path("park").asLong(), "the joins: " + async);
        assertEquals(2L * REQUESTS, async.path("threads").asLong(), async.toString());
        assertEquals(REQUESTS, async.path("inheritedThreads").asLong(), async.toString());

        // Client spans open no operation: their work is the server span's.
        assertTrue(operation(dump, "SELECT ledger").isMissingNode(), dump.path("operations").toString());
        // Every block of the run is one of these operations', except incidental monitor enters: a contended
        // synchronized inside the JDK or the SDK, on any thread, which no workload can rule out.
        long inOperations = 0;
        long monitorInOperations = 0;
        for (JsonNode op : List.of(sleepy, spin, async)) {
            inOperations += op.path("blocks").asLong();
            monitorInOperations += op.path("blocksByKind").path("monitor").asLong();
        }
        JsonNode counts = dump.path("counts");
        assertEquals(counts.path("blocks").asLong() - counts.path("blocksByKind").path("monitor").asLong(),
                inOperations - monitorInOperations, counts.toString());

        // Exemplars name the traces of their own route's spans, and every span is sampled, so each has one.
        for (String route : List.of("GET /sleepy", "POST /spin", "GET /async")) {
            long[] withoutTraceId = {0};
            Set<String> ids = exemplarTraceIds(operation(dump, route), withoutTraceId);
            assertFalse(ids.isEmpty(), route + ": exemplars with trace ids: " + operation(dump, route));
            assertEquals(0, withoutTraceId[0], route + ": every exemplar has a trace id");
            assertTrue(run.traceIds().get(route).containsAll(ids), route + ": " + ids + " are its own spans'");
        }
    }
}

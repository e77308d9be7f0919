package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.tools.attach.VirtualMachine;
import dev.loomscope.agent.it.workloads.LiveThreadsApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Attaching to a running JVM whose virtual threads are parked or busy: the JVM runs on and ends normally, threads
 * created after the attach are followed from creation to end, threads that existed before are counted apart when they
 * end, and a second attach changes nothing.
 */
class LateAttachIT {
    /** Started before the attach: queue-parked threads and ping-pong pairs (two threads each). */
    private static final int PARKED_BEFORE = 6;
    private static final int PAIRS_BEFORE = 2;
    private static final int EXISTING_BEFORE = PARKED_BEFORE + 2 * PAIRS_BEFORE;
    /** Started after the attach: parked threads, plus the one ping-pong pair every spawn adds. */
    private static final int PARKED_AFTER = 5;
    private static final int CREATED_AFTER = PARKED_AFTER + 2;
    /** Platform threads creating short virtual threads one after another, through the attach. */
    private static final int CHURNERS = 4;
    /**
     * Rings four times the default size: the ping-pong pairs produce events as fast as they can, and every count below
     * is exact only if no record was dropped.
     */
    private static final String RING_OPTIONS = "ringCapacity=65536";
    private static final long WAIT_SECONDS = 60;

    @Test
    void lateAttachFollowsNewThreadsAndCountsPreexistingOnesApart(@TempDir Path dir) throws Exception {
        Path dump = dir.resolve("late.json");
        Path secondDump = dir.resolve("second-attach.json");
        String secondOptions = "out=" + secondDump + ",rings=2";
        AgentJvm.Running app = startApp(0);
        AgentJvm.Result result;
        try {
            awaitStdoutLine(app, "ready");
            loadAgent(app.pid(), "out=" + dump + ",quiet=true," + RING_OPTIONS);
            loadAgent(app.pid(), secondOptions);
            result = spawnThenStop(app);
        } finally {
            app.process().destroyForcibly();
        }

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of("ready", "spawned " + CREATED_AFTER, "ended " + (EXISTING_BEFORE + CREATED_AFTER), "done"),
                result.stdout().lines().toList());
        assertEquals(List.of("loomscope: agent already running in this JVM; options '" + secondOptions + "' ignored"
                        + " (for a dump: java -jar loomscope-agent.jar dump " + app.pid() + ")"),
                result.stderrLines(), "one line from the second attach, nothing else");
        assertFalse(Files.exists(secondDump), "the second attach must not start a second recording");

        JsonNode json = AgentJvm.readJson(dump);
        assertEquals("loomscope/1", json.path("schema").asText());
        assertEquals("late", json.path("recording").path("attach").asText());
        JsonNode options = json.path("agent").path("options");
        assertEquals(dump.toString(), options.path("out").asText(), "the first attach's options: " + options);
        assertEquals(16, options.path("rings").asInt(), "the first attach's options: " + options);
        assertEquals(65536, options.path("ringCapacity").asInt(), "the first attach's options: " + options);

        JsonNode counts = json.path("counts");
        assertConsistentAndComplete(json);
        // Threads started after the attach: seen from CREATE (once each: the second attach wove nothing) to END.
        assertEquals(CREATED_AFTER, counts.path("created").asLong(), counts::toString);
        assertEquals(CREATED_AFTER, counts.path("started").asLong(), counts::toString);
        assertEquals(CREATED_AFTER, counts.path("ended").asLong(), counts::toString);
        // Threads that existed before the attach: no CREATE, so their ends are counted apart.
        assertEquals(EXISTING_BEFORE, counts.path("preexistingEnded").asLong(), counts::toString);
        // Every queue-parked thread, old or new, was woken by its token after the attach; the new ones had parked.
        assertTrue(counts.path("wakes").asLong() >= PARKED_BEFORE + PARKED_AFTER, counts::toString);
        assertTrue(counts.path("blocksByKind").path("park").asLong() >= PARKED_AFTER, counts::toString);
    }

    @Test
    void attachWhileVirtualThreadsAreBeingCreatedKeepsCountsConsistent(@TempDir Path dir) throws Exception {
        Path dump = dir.resolve("late-churn.json");
        AgentJvm.Running app = startApp(CHURNERS);
        AgentJvm.Result result;
        try {
            awaitStdoutLine(app, "ready");
            loadAgent(app.pid(), "out=" + dump + ",quiet=true," + RING_OPTIONS);
            result = spawnThenStop(app);
        } finally {
            app.process().destroyForcibly();
        }

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(), result.stderrLines());
        List<String> stdout = result.stdout().lines().toList();
        assertEquals(List.of("ready", "spawned " + CREATED_AFTER, "ended " + (EXISTING_BEFORE + CREATED_AFTER)),
                stdout.subList(0, 3));
        assertTrue(stdout.get(3).startsWith("churned "), stdout::toString);
        assertEquals("done", stdout.get(4));
        long churned = Long.parseLong(stdout.get(3).substring("churned ".length()));

        JsonNode json = AgentJvm.readJson(dump);
        assertEquals("late", json.path("recording").path("attach").asText());
        JsonNode counts = json.path("counts");
        // Threads created while the agent was being woven in may or may not have a CREATE, but each one is counted
        // exactly once when it ends, as created-and-ended or as preexisting, and never as ended without being created.
        assertConsistentAndComplete(json);
        assertTrue(counts.path("created").asLong() >= CREATED_AFTER, counts::toString);
        assertTrue(counts.path("created").asLong() <= CREATED_AFTER + churned, counts::toString);
        assertTrue(counts.path("preexistingEnded").asLong() >= EXISTING_BEFORE, counts::toString);
    }

    /**
     * What holds for any recording that ended after every virtual thread did: nothing dropped, no error, no count
     * negative, every created thread ended, and no thread left in the aggregator's table.
     */
    private static void assertConsistentAndComplete(JsonNode json) {
        JsonNode counts = json.path("counts");
        assertAllCountsNonNegative(counts);
        assertEquals(0, counts.path("agentErrors").asLong(), counts::toString);
        assertEquals(0, counts.path("dropped").asLong(), counts::toString);
        assertEquals(counts.path("created").asLong(), counts.path("ended").asLong() + counts.path("live").asLong(),
                counts::toString);
        assertEquals(0, counts.path("live").asLong(), counts::toString);
        assertEquals(0, json.path("recorder").path("trackedThreads").asLong(), json.path("recorder")::toString);
    }

    private static AgentJvm.Running startApp(int churners) throws IOException {
        return AgentJvm.withoutAgent()
                .jvmOption("-XX:+EnableDynamicAgentLoading") // the JVM's own warning about dynamic agents is not ours
                .start(LiveThreadsApp.class, String.valueOf(PARKED_BEFORE), String.valueOf(PAIRS_BEFORE),
                        String.valueOf(churners));
    }

    /** Has the application start more threads, then end all of them and exit. */
    private static AgentJvm.Result spawnThenStop(AgentJvm.Running app) throws Exception {
        command(app, "spawn " + PARKED_AFTER);
        awaitStdoutLine(app, "spawned " + CREATED_AFTER);
        command(app, "stop");
        return app.waitFor(WAIT_SECONDS);
    }

    private static void loadAgent(long pid, String options) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            vm.loadAgent(AgentJvm.AGENT_JAR.toAbsolutePath().toString(), options);
        } finally {
            vm.detach();
        }
    }

    private static void command(AgentJvm.Running app, String line) throws IOException {
        OutputStream stdin = app.process().getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits for the application to print {@code line}, failing early if it exits. */
    private static void awaitStdoutLine(AgentJvm.Running app, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!app.stdoutSoFar().lines().toList().contains(line)) {
            if (!app.process().isAlive()) {
                fail("exited with " + app.process().exitValue() + " before printing '" + line + "':\n"
                        + Files.readString(app.stderrFile()));
            }
            if (System.nanoTime() > deadline) {
                fail("no '" + line + "' within " + WAIT_SECONDS + " s; stdout:\n" + app.stdoutSoFar());
            }
            Thread.sleep(10);
        }
    }

    private static void assertAllCountsNonNegative(JsonNode counts) {
        for (Map.Entry<String, JsonNode> field : counts.properties()) {
            if (field.getValue().isObject()) {
                assertAllCountsNonNegative(field.getValue());
            } else {
                assertTrue(field.getValue().asLong() >= 0, () -> field.getKey() + " < 0 in " + counts);
            }
        }
    }
}

package dev.loomscope.agent.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.workloads.CountingApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's rings never cost a JVM its life (docs/RELIABILITY.md, "Rings sized to the heap"): they are sized to the
 * heap, an oversized request is cut down with one line, a heap too small for the agent disables it, and no
 * {@code OutOfMemoryError} reaches a JVM that treats one as fatal.
 */
class SmallHeapIT {
    private static final int VIRTUAL_THREADS = 20_000;
    private static final String[] APP_ARGS = {Integer.toString(VIRTUAL_THREADS), "0"};
    private static final String FATAL_OOM = "-XX:+ExitOnOutOfMemoryError";

    @TempDir
    Path dir;

    @Test
    void aThirtyTwoMebibyteHeapThatTreatsOutOfMemoryAsFatalRunsWithDefaultOptionsAndIsRecordedExactly()
            throws Exception {
        AgentJvm.Result alone = AgentJvm.withoutAgent().jvmOption("-Xmx32m").jvmOption(FATAL_OOM)
                .run(CountingApp.class, APP_ARGS);
        assertEquals(0, alone.exitCode(), alone::toString);
        Path dump = dir.resolve("small.json");

        AgentJvm.Result result = AgentJvm.withAgent("out=" + dump + ",quiet=true,interval=200ms,dump="
                        + dir.resolve("interval-%t.json")).jvmOption("-Xmx32m").jvmOption(FATAL_OOM)
                .run(CountingApp.class, APP_ARGS);

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(alone.stdout(), result.stdout());
        assertFalse(result.stderr().contains("OutOfMemoryError"), result::toString);
        List<String> lines = result.agentLines();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).startsWith("loomscope: rings=16 x ringCapacity=32768 take 16 MiB")
                && lines.get(0).contains("using rings=16,ringCapacity="), lines.get(0));
        JsonNode json = AgentJvm.readJson(dump);
        assertEquals(VIRTUAL_THREADS, json.at("/counts/created").asLong(), json.at("/counts").toString());
        assertEquals(VIRTUAL_THREADS, json.at("/counts/ended").asLong(), json.at("/counts").toString());
        assertEquals(0, json.at("/counts/live").asLong(), json.at("/counts").toString());
        long ringBytes = 32L * json.at("/agent/options/rings").asLong() * json.at("/agent/options/ringCapacity").asLong();
        assertTrue(ringBytes <= (32L << 20) / 16, "the effective options are in the dump: " + json.at("/agent/options"));
    }

    @Test
    void ringsBeyondTheHeapAreCutDownWithOneLineInsteadOfExhaustingIt() throws Exception {
        Path dump = dir.resolve("huge.json");
        long start = System.nanoTime();
        AgentJvm.Result result = AgentJvm.withAgent("out=" + dump + ",quiet=true,rings=1024,ringCapacity=4194304")
                .jvmOption("-Xmx1g").jvmOption(FATAL_OOM).run(CountingApp.class, APP_ARGS);

        assertEquals(0, result.exitCode(), result::toString);
        assertFalse(result.stderr().contains("OutOfMemoryError"), result::toString);
        List<String> lines = result.agentLines();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).contains("rings=1024 x ringCapacity=4194304") && lines.get(0).contains("1/16 of the"),
                lines.get(0));
        JsonNode options = AgentJvm.readJson(dump).at("/agent/options");
        assertTrue(32L * options.get("rings").asLong() * options.get("ringCapacity").asLong() <= (1L << 30) / 16,
                options.toString());
        assertEquals(VIRTUAL_THREADS, AgentJvm.readJson(dump).at("/counts/created").asLong());
    }

    @Test
    void aHeapTooSmallForTheAgentDisablesItWithOneLineAndTheApplicationRunsOn() throws Exception {
        Path dump = dir.resolve("tiny.json");
        String[] fewThreads = {"1000", "0"}; // 8 MiB hold little more than the JVM's own start-up
        AgentJvm.Result alone = AgentJvm.withoutAgent().jvmOption("-Xmx8m").jvmOption(FATAL_OOM)
                .run(CountingApp.class, fewThreads);
        AgentJvm.Result result = AgentJvm.withAgent("out=" + dump).jvmOption("-Xmx8m").jvmOption(FATAL_OOM)
                .run(CountingApp.class, fewThreads);

        assertEquals(0, alone.exitCode(), alone::toString);
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(alone.stdout(), result.stdout());
        List<String> lines = result.agentLines();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).contains("MiB the agent needs") && lines.get(0).endsWith("agent disabled"),
                lines.get(0));
        assertFalse(Files.exists(dump), "a disabled agent writes nothing");
    }
}

package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dumps of a running JVM without stopping it: {@code kill -QUIT} (through the native shim and the JVMTI
 * DataDumpRequest event) and {@code interval=}. Each JVM runs {@link UntilStopped} until the test creates its stop
 * file, and must then exit normally with its exit dump.
 */
class SigquitAndIntervalIT {
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void sigquitWritesADumpAfterTheJvmsThreadDumpAndTheJvmRunsOn() throws Exception {
        AgentJvm.Running jvm = start("");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);

        sigquit(jvm.pid());
        List<Path> dumps = awaitDumps(jvm, 1);
        JsonNode dump = AgentJvm.readJson(dumps.get(0));
        assertEquals("loomscope/1", dump.get("schema").asText());
        assertEquals("sigquit", dump.at("/recording/trigger").asText());
        assertEquals("startup", dump.at("/recording/attach").asText());
        assertEquals(jvm.pid(), dump.at("/jvm/pid").asLong());
        assertTrue(dump.at("/counts/created").asLong() > 0, "the workload's threads are in the dump: " + dump);
        assertTrue(jvm.stdoutSoFar().contains("Full thread dump"), "the JVM's own thread dump is still printed");
        assertTrue(jvm.process().isAlive(), "SIGQUIT does not stop the JVM");

        AgentJvm.Result result = stop(jvm);
        JsonNode exit = AgentJvm.readJson(dir.resolve("exit.json"));
        assertEquals("exit", exit.at("/recording/trigger").asText());
        assertTrue(exit.at("/counts/created").asLong() >= dump.at("/counts/created").asLong(),
                "the recording went on after the dump");
        assertEquals(List.of(), result.agentLines(), "the agent says nothing when all is well");
        assertFalse(result.stderr().contains("WARNING"),
                "no native-access (or other) warning for loading the shim:\n" + result.stderr());
    }

    @Test
    void twoQuickSigquitsAreTwoDumpsInTwoFiles() throws Exception {
        AgentJvm.Running jvm = start("");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);

        // The kernel merges a signal into one still pending, so the second is sent once the JVM has taken the first
        // (its thread dump is out); the agent's dump of the first may still be under way.
        sigquit(jvm.pid());
        jvm.awaitStdout("Full thread dump", 1, WAIT_SECONDS);
        sigquit(jvm.pid());
        jvm.awaitStdout("Full thread dump", 2, WAIT_SECONDS);

        List<Path> dumps = awaitDumps(jvm, 2);
        assertEquals(2, dumps.size(), dumps.toString());
        for (Path dump : dumps) {
            assertEquals("sigquit", AgentJvm.readJson(dump).at("/recording/trigger").asText(), dump.toString());
        }
        assertEquals(0, stop(jvm).exitCode());
        assertEquals(2, listDumps().size(), "no dump beyond the two");
    }

    @Test
    void intervalWritesADumpPeriodicallyWithoutOverwritingAndASigquitBetweenIsKept() throws Exception {
        AgentJvm.Running jvm = start(",interval=200ms");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);

        awaitDumps(jvm, 2);
        sigquit(jvm.pid());
        jvm.awaitStdout("Full thread dump", 1, WAIT_SECONDS);
        awaitDumps(jvm, 6);
        assertTrue(jvm.process().isAlive());
        AgentJvm.Result result = stop(jvm);
        assertEquals(List.of(), result.agentLines());

        List<Path> dumps = listDumps(); // more may have come until the stop
        Map<String, Integer> byTrigger = new TreeMap<>();
        long previousDumpTime = 0;
        for (Path dump : dumps) {
            JsonNode json = AgentJvm.readJson(dump);
            byTrigger.merge(json.at("/recording/trigger").asText(), 1, Integer::sum);
            assertEquals("200ms", json.at("/agent/options/interval").asText());
            long dumpTime = json.at("/recording/dumpEpochMs").asLong();
            assertTrue(dumpTime > previousDumpTime, "one file per dump, named in order: " + dumps);
            previousDumpTime = dumpTime;
        }
        assertEquals(1, byTrigger.get("sigquit"), byTrigger.toString());
        assertTrue(byTrigger.get("interval") >= 5, byTrigger.toString());
        assertEquals(Set.of("interval", "sigquit"), byTrigger.keySet());
        assertEquals("exit", AgentJvm.readJson(dir.resolve("exit.json")).at("/recording/trigger").asText());
    }

    @Test
    void sigquitFalseLeavesSigquitToTheJvm() throws Exception {
        AgentJvm.Running jvm = start(",sigquit=false");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        sigquit(jvm.pid());
        jvm.awaitStdout("Full thread dump", 1, WAIT_SECONDS);
        AgentJvm.Result result = stop(jvm);
        assertEquals(List.of(), listDumps());
        assertEquals(List.of(), result.agentLines());
        assertFalse(AgentJvm.readJson(dir.resolve("exit.json")).at("/agent/options/sigquit").asBoolean());
    }

    private AgentJvm.Running start(String moreOptions) throws IOException {
        return AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",dump=" + dir.resolve("dump-%p-%t.json")
                        + ",quiet=true" + moreOptions)
                .start(UntilStopped.class, dir.resolve("stop").toString(), "120");
    }

    private AgentJvm.Result stop(AgentJvm.Running jvm) throws IOException, InterruptedException {
        Files.createFile(dir.resolve("stop"));
        AgentJvm.Result result = jvm.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("stopped"), result.stdout());
        return result;
    }

    private static void sigquit(long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue(), "kill -QUIT " + pid);
    }

    /** Waits for at least {@code n} completed dump files (temporary files of a dump in progress are hidden). */
    private List<Path> awaitDumps(AgentJvm.Running jvm, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<Path> dumps = listDumps();
        while (dumps.size() < n) {
            if (!jvm.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " dumps, have " + dumps + "; stderr:\n" + jvm.stderrSoFar());
            }
            Thread.sleep(20);
            dumps = listDumps();
        }
        return dumps;
    }

    /** The dump files, oldest first by name (pid, time, then sequence number). */
    private List<Path> listDumps() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("dump-"))
                    .sorted((a, b) -> compareDumpNames(a.getFileName().toString(), b.getFileName().toString()))
                    .toList();
        }
    }

    /** {@code dump-PID-TIME.json} before {@code dump-PID-TIME-1.json} before {@code dump-PID-TIME-2.json}. */
    private static int compareDumpNames(String a, String b) {
        String[] x = a.replace(".json", "").split("-");
        String[] y = b.replace(".json", "").split("-");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i].replace("dump", "0")) : 0;
            long q = i < y.length ? Long.parseLong(y[i].replace("dump", "0")) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }
}

package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.ExplicitGc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Context that explains spikes: GC pauses and the scheduler's own counters, on the heatmaps' time axis. */
class ContextIT {
    @TempDir
    Path dir;

    @Test
    void explicitCollectionsAreCountedAsPausesInTheirWindows() throws Exception {
        Path json = dir.resolve("loomscope.json");
        AgentJvm.Result result = AgentJvm.withAgent("out=" + json + ",quiet=true")
                .jvmOption("-XX:+UseG1GC")
                .jvmOption("-Djdk.virtualThreadScheduler.parallelism=3")
                .run(ExplicitGc.class, "3");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(), result.agentLines());
        JsonNode dump = AgentJvm.readJson(json);
        JsonNode gc = dump.at("/context/gc");
        assertTrue(gc.get("pauses").asLong() >= 3, "three System.gc() calls: " + gc);
        assertTrue(gc.get("pauseNs").asLong() > 0, gc.toString());
        int pausesColumn = columnIndex(dump, "gcPauses");
        long inWindows = 0;
        for (JsonNode row : dump.at("/context/windows")) {
            for (JsonNode cell : row.get("cells")) {
                if (cell.get(0).asInt() == pausesColumn) {
                    inWindows += cell.get(1).asLong();
                }
            }
        }
        assertEquals(gc.get("pauses").asLong(), inWindows, "every pause is in a window");
        assertEquals(3, dump.at("/scheduler/parallelism").asInt());
        if (AgentJvm.workloadFeature() >= 24) {
            assertEquals(3, dump.at("/scheduler/mxBean/parallelism").asInt(), "JDK 24+ MXBean agrees");
        } else {
            assertTrue(dump.at("/scheduler/mxBean").isMissingNode(), "no VirtualThreadSchedulerMXBean before 24");
        }
    }

    @Test
    void everyStopTheWorldPauseOfG1IsCountedRemarkAndCleanupIncluded() throws Exception {
        Path json = dir.resolve("concurrent.json");
        Path gcLog = dir.resolve("gc.log");
        AgentJvm.Result result = AgentJvm.withAgent("out=" + json + ",quiet=true")
                .jvmOption("-XX:+UseG1GC")
                .jvmOption("-XX:+ExplicitGCInvokesConcurrent") // each System.gc() is a concurrent cycle
                .jvmOption("-Xlog:gc:file=" + gcLog)
                .run(ExplicitGc.class, "4");
        assertEquals(0, result.exitCode(), result.stderr());
        // the JVM's own log as the oracle: one "Pause ..." line per stop-the-world pause, whatever its kind
        List<String> pauses = Files.readAllLines(gcLog).stream().filter(l -> l.contains(" Pause ")).toList();
        assertTrue(pauses.stream().anyMatch(l -> l.contains("Pause Remark")), pauses.toString());
        assertTrue(pauses.stream().anyMatch(l -> l.contains("Pause Cleanup")), pauses.toString());
        // Pauses while the agent was still weaving, before it listened, may be missing; from the workload's first
        // System.gc() on, every one is counted.
        int firstExplicit = 0;
        while (!pauses.get(firstExplicit).contains("System.gc()")) {
            firstExplicit++;
        }
        JsonNode gc = AgentJvm.readJson(json).at("/context/gc");
        long counted = gc.get("pauses").asLong();
        assertTrue(counted >= pauses.size() - firstExplicit && counted <= pauses.size(),
                "every pause from " + pauses.get(firstExplicit) + " on, of " + pauses + ", in " + gc);
        assertTrue(gc.toString().contains("G1 Concurrent GC"), "its collector is listed: " + gc);
    }

    private static int columnIndex(JsonNode dump, String name) {
        JsonNode columns = dump.at("/context/columns");
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no column " + name + " in " + columns);
    }
}

package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pinned blocks that are not parks (JDK 24+): an {@code Object.wait} and a contended monitor enter with a native frame
 * on the stack, and a wait for another thread's class initialisation. The JVM blocks the carrier itself and reports
 * each to JFR; Loomscope records them from there, and JFR, recording in the same JVM to a file, is the witness.
 * The workload ({@code PinnedBlocks}, release 22 for the FFM API) makes 3 waits, 1 monitor enter, 1 class-init wait.
 */
class PinnedBlocksIT {
    private static final String WORKLOAD = "dev.loomscope.agent.it.workloads.PinnedBlocks";

    @TempDir
    Path dir;

    @BeforeEach
    void jdkWhoseJvmBlocksPinnedThreads() {
        assumeTrue(AgentJvm.workloadFeature() >= 24, "the JVM reports non-park pinned blocks from JDK 24");
        assumeTrue(Files.exists(AgentJvm.TEST_CLASSES.resolve(WORKLOAD.replace('.', '/') + ".class")),
                "the FFM workload is compiled by a JDK 22+ build");
    }

    @Test
    void pinnedWaitsMonitorEntersAndClassInitWaitsAreBlocksAsJfrSeesThem() throws Exception {
        Path json = dir.resolve("loomscope.json");
        Path jfr = dir.resolve("oracle.jfr");
        JsonNode dump = run(AgentJvm.withAgent("out=" + json + ",quiet=true")
                .jvmOption("-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true,settings="
                        + Path.of(PinnedBlocksIT.class.getResource("/jfr-oracle.jfc").toURI()))
                .jvmOption("-Xlog:jfr+startup=warning"), json);
        Map<String, List<Long>> oracle = pinnedByKind(jfr);
        assertEquals(3, oracle.get("wait").size(), oracle.toString());
        assertEquals(1, oracle.get("monitor").size(), oracle.toString());
        assertEquals(1, oracle.get("classInit").size(), oracle.toString());
        assertEquals(List.of(), oracle.get("park"), oracle.toString());

        JsonNode counts = dump.get("counts");
        assertEquals(5, counts.get("pinnedBlocks").asLong());
        assertEquals(5, counts.at("/blocksByKind/pinned").asLong());
        assertEquals(5, counts.get("blocks").asLong(), "no other block in the workload");
        for (String kind : List.of("park", "monitor", "wait", "classInit")) {
            assertEquals(oracle.get(kind).size(), counts.at("/pinnedByKind/" + kind).asLong(), kind);
        }
        assertEquals(0, counts.at("/pinnedByKind/other").asLong());
        assertEquals(5, dump.at("/latencies/pinnedBlocked/count").asLong());
        for (String kind : List.of("monitor", "wait", "classInit")) {
            JsonNode latency = dump.at("/latencies/pinnedBlockedByKind/" + kind);
            assertEquals(oracle.get(kind).size(), latency.get("count").asLong(), kind);
            long jfrMax = oracle.get(kind).stream().mapToLong(Long::longValue).max().orElseThrow();
            // the same durations, through an HdrHistogram of 3 significant digits
            assertEquals(jfrMax, latency.get("max").asLong(), jfrMax / 500.0, kind + ": " + latency);
        }
        assertTrue(dump.at("/latencies/pinnedBlockedByKind/park").isMissingNode());

        JsonNode pinned = dump.at("/sites/pinned");
        assertEquals(3, pinned.size(), pinned.toString());
        assertSite(pinned, "wait", 3, WORKLOAD + ".waitUnnotified(line ");
        assertSite(pinned, "monitor", 1, WORKLOAD + ".enterLock(line ");
        assertSite(pinned, "classInit", 1, WORKLOAD + ".touchSlowInit(line ");

        List<String> applied = new ArrayList<>();
        dump.at("/agent/hooks/applied").forEach(hook -> applied.add(hook.asText()));
        assertTrue(applied.contains("JFR.VirtualThreadPinned"), applied.toString());
        assertTrue(applied.contains("ApplicationShutdownHooks.runHooks"), applied.toString());
        SchedulingLatencyIT.assertHeatmapsSumToCounts(dump);
    }

    @Test
    void withJfrPinnedOffTheyAreNeitherRecordedNorListed() throws Exception {
        Path json = dir.resolve("loomscope.json");
        JsonNode dump = run(AgentJvm.withAgent("out=" + json + ",quiet=true,jfrPinned=false"), json);
        assertEquals(0, dump.at("/counts/pinnedBlocks").asLong());
        assertEquals(false, dump.at("/agent/options/jfrPinned").asBoolean());
        String hooks = dump.at("/agent/hooks").toString();
        assertFalse(hooks.contains("JFR.VirtualThreadPinned"), hooks);
        assertFalse(hooks.contains("ApplicationShutdownHooks"), hooks);
    }

    private JsonNode run(AgentJvm jvm, Path json) throws Exception {
        AgentJvm.Result result = jvm.jvmOption("--enable-native-access=ALL-UNNAMED").run(WORKLOAD);
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("ok pinnedBlocks"), result.stdout());
        assertEquals(List.of(), result.agentLines(), "the agent says nothing when all is well");
        JsonNode dump = AgentJvm.readJson(json);
        assertEquals(0, dump.at("/counts/dropped").asLong());
        assertEquals(0, dump.at("/counts/agentErrors").asLong());
        assertEquals(0, dump.at("/agent/hooks/missing").size(), dump.at("/agent/hooks").toString());
        return dump;
    }

    private static void assertSite(JsonNode sites, String kind, long count, String framePrefix) {
        for (JsonNode site : sites) {
            if (site.at("/kinds/" + kind).asLong() > 0) {
                assertEquals(count, site.get("count").asLong(), site.toString());
                assertEquals(count, site.at("/kinds/" + kind).asLong(), site.toString());
                assertEquals(count, site.at("/pinnedBlocked/count").asLong(), site.toString());
                boolean found = false;
                for (JsonNode frame : site.get("frames")) {
                    found |= frame.asText().startsWith(framePrefix);
                }
                assertTrue(found, framePrefix + " in " + site);
                return;
            }
        }
        throw new AssertionError("no pinned site of kind " + kind + ": " + sites);
    }

    /**
     * JFR's pinned blocks by kind, as JDK 25's JVM words them (JfrPinnedStream maps them the same way): durations in
     * nanoseconds.
     */
    private static Map<String, List<Long>> pinnedByKind(Path jfr) throws Exception {
        Map<String, List<Long>> byKind = new HashMap<>();
        for (String kind : List.of("park", "monitor", "wait", "classInit", "other")) {
            byKind.put(kind, new ArrayList<>());
        }
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (event.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                String operation = event.getString("blockingOperation");
                String reason = event.getString("pinnedReason");
                String kind = reason.startsWith("Waited for initialization") ? "classInit"
                        : operation.equals("Object.wait") ? "wait"
                        : operation.equals("Contended monitor enter") ? "monitor"
                        : operation.equals("LockSupport.park") ? "park" : "other";
                byKind.get(kind).add(event.getDuration().toNanos());
            }
        }
        return byKind;
    }
}

package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.Lifecycle;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Exact capture of the virtual-thread lifecycle: each scenario of {@link Lifecycle} makes a known number of
 * transitions, and JFR, recording in the same JVM, is the independent witness where it sees the same events.
 */
class LifecycleIT {
    @TempDir
    Path dir;

    @Test
    void everyStartedThreadIsCreatedStartedAndEndedOnce() throws Exception {
        Run run = run("startJoin", "1000");
        JsonNode counts = run.counts();
        assertEquals(1000, counts.get("created").asLong());
        assertEquals(1000, counts.get("started").asLong());
        assertEquals(1000, counts.get("ended").asLong());
        assertEquals(0, counts.get("live").asLong());
        assertEquals(0, counts.get("blocks").asLong() - pinnedAsJfrSeesThem(run));
        assertEquals(0, counts.get("wakes").asLong());
        assertEquals(1000, counts.get("mounts").asLong(), "one run slice per thread that never blocks");
        assertEquals(1000, counts.get("unmounts").asLong());
        assertEquals(run.jfr("jdk.VirtualThreadStart"), counts.get("created").asLong());
        assertEquals(run.jfr("jdk.VirtualThreadEnd"), counts.get("ended").asLong());
    }

    @Test
    void eachParkThatYieldsIsOneBlockAndOneWake() throws Exception {
        Run run = run("parkOnce", "500");
        JsonNode counts = run.counts();
        assertEquals(500, counts.get("created").asLong());
        assertEquals(500, counts.get("blocks").asLong() - pinnedAsJfrSeesThem(run));
        assertEquals(500, counts.at("/blocksByKind/park").asLong());
        assertEquals(500, counts.get("wakes").asLong());
        assertEquals(1000, counts.get("mounts").asLong(), "a first slice and one after the wake");
        assertEquals(1000, counts.get("unmounts").asLong());
        assertEquals(0, counts.at("/pinnedByKind/park").asLong());
        assertEquals(0, counts.get("live").asLong());
        assertEquals(run.jfr("jdk.VirtualThreadEnd"), counts.get("ended").asLong());
    }

    @Test
    void sleepIsCountedAsSleepNotAsTimedPark() throws Exception {
        Run run = run("sleepOnce", "200", "20");
        JsonNode counts = run.counts();
        assertEquals(200, counts.at("/blocksByKind/sleep").asLong());
        assertEquals(0, counts.at("/blocksByKind/timedPark").asLong());
        assertEquals(200, counts.get("blocks").asLong() - pinnedAsJfrSeesThem(run),
                "one block per sleep, not one per parkNanos call");
        assertEquals(200, counts.get("wakes").asLong());
        assertEquals(200, counts.get("ended").asLong());
    }

    @Test
    void parkInClassInitializerIsAPinnedBlockAsJfrSeesIt() throws Exception {
        Run run = run("pinnedInClassInit");
        JsonNode counts = run.counts();
        assertEquals(3, counts.get("pinnedBlocks").asLong());
        assertEquals(3, counts.at("/blocksByKind/pinned").asLong());
        assertEquals(3, counts.get("blocks").asLong(), "a pinned park does not also yield");
        assertEquals(0, counts.get("wakes").asLong(), "a pinned thread never leaves its carrier");
        assertEquals(run.jfr("jdk.VirtualThreadPinned"), counts.get("pinnedBlocks").asLong());
    }

    /** JDK 24+ (JEP 491): before, the thread blocks its carrier inside the JVM, which no hook sees. */
    @Test
    void monitorEnterAndObjectWaitUnmountWithTheirOwnKinds() throws Exception {
        assumeTrue(AgentJvm.workloadFeature() >= 24, "monitor enters and Object.wait unmount from JDK 24");
        Run run = run("monitorThenWait");
        JsonNode counts = run.counts();
        assertEquals(1, counts.at("/blocksByKind/monitor").asLong());
        assertEquals(1, counts.at("/blocksByKind/wait").asLong());
        assertEquals(2, counts.get("blocks").asLong());
        assertEquals(2, counts.get("wakes").asLong());
        assertEquals(0, counts.get("pinnedBlocks").asLong());
        assertEquals(run.jfr("jdk.VirtualThreadPinned"), 0);
    }

    /**
     * What JDK 21 users hunt: {@code synchronized} pins up to JDK 23, so each park inside it is a pinned block, at its
     * site, as JFR sees it, and the thread never leaves its carrier; from JDK 24 on (JEP 491) the same parks yield,
     * plain parks woken once each.
     */
    @Test
    void aParkInsideSynchronizedIsAPinnedBlockAtItsSiteUntilJdk24() throws Exception {
        int n = 20;
        Run run = run("parkInSynchronized", Integer.toString(n));
        JsonNode counts = run.counts();
        assertEquals(n, counts.get("created").asLong());
        assertEquals(n, counts.get("ended").asLong());
        if (AgentJvm.workloadFeature() <= 23) {
            assertEquals(n, pinnedAsJfrSeesThem(run));
            assertEquals(n, counts.at("/blocksByKind/pinned").asLong());
            assertEquals(n, counts.at("/pinnedByKind/park").asLong());
            assertEquals(n, counts.get("blocks").asLong(), "a pinned park does not also yield");
            assertEquals(0, counts.at("/blocksByKind/park").asLong());
            assertEquals(0, counts.get("wakes").asLong(), "a pinned thread never leaves its carrier");
            assertEquals(n, run.dump().at("/latencies/pinnedBlocked/count").asLong());
            JsonNode site = siteWithFrame(run.dump().at("/sites/pinned"),
                    Lifecycle.class.getName() + ".parkHoldingMonitor(");
            assertEquals(n, site.get("count").asLong(), site.toString());
            assertEquals(n, site.at("/pinnedBlocked/count").asLong(), site.toString());
        } else {
            assertEquals(n, counts.get("blocks").asLong() - pinnedAsJfrSeesThem(run));
            assertEquals(n, counts.at("/blocksByKind/park").asLong());
            assertEquals(n, counts.get("wakes").asLong());
            assertEquals(0, counts.at("/pinnedByKind/park").asLong(), "nothing pins in synchronized");
        }
    }

    private static JsonNode siteWithFrame(JsonNode sites, String framePrefix) {
        for (JsonNode site : sites) {
            for (JsonNode frame : site.get("frames")) {
                if (frame.asText().startsWith(framePrefix)) {
                    return site;
                }
            }
        }
        throw new AssertionError("no site with a frame " + framePrefix + "...: " + sites);
    }

    @Test
    void threadsStillParkedAtExitAreLive() throws Exception {
        Run run = run("parkedForever", "50");
        JsonNode counts = run.counts();
        assertEquals(50, counts.get("created").asLong());
        assertEquals(0, counts.get("ended").asLong());
        assertEquals(50, counts.get("live").asLong());
        assertEquals(50, counts.at("/blocksByKind/park").asLong());
        assertEquals(0, counts.get("wakes").asLong());
        assertEquals(50, counts.get("created").asLong() - counts.get("ended").asLong());
    }

    /**
     * threadSample=8: every creation and end is still counted, and the transitions are those of exactly the threads
     * that docs/options.md says are followed (the top 24 bits of id × 0x9E3779B97F4A7C15 below 2^24 / 8).
     */
    @Test
    void threadSampleFollowsTheThreadsItChoosesAndStillCountsEveryThread() throws Exception {
        int n = 2000;
        Run run = runWithOptions("threadSample=8", "parkOnce", Integer.toString(n));
        long followed = java.util.Arrays.stream(run.stdout().lines().filter(l -> l.startsWith("threadIds "))
                        .findFirst().orElseThrow().substring("threadIds ".length()).split(" "))
                .mapToLong(Long::parseLong)
                .filter(id -> (id * 0x9E3779B97F4A7C15L) >>> 40 < (1 << 24) / 8)
                .count();
        assertTrue(followed > n / 16 && followed < n / 4, "about 1 in 8 followed: " + followed);
        JsonNode counts = run.counts();
        assertEquals(n, counts.get("created").asLong());
        assertEquals(n, counts.get("ended").asLong());
        assertEquals(run.jfr("jdk.VirtualThreadStart"), counts.get("created").asLong());
        assertEquals(run.jfr("jdk.VirtualThreadEnd"), counts.get("ended").asLong());
        assertEquals(followed, counts.get("started").asLong());
        assertEquals(followed, counts.get("blocks").asLong() - counts.get("pinnedBlocks").asLong(),
                "a park each (and any wait for a class's initialisation the JVM reported, pinned)");
        assertEquals(followed, counts.get("wakes").asLong());
        assertEquals(2 * followed, counts.get("mounts").asLong());
        assertEquals(followed, run.dump().at("/latencies/wakeToRun/count").asLong());
        assertEquals(8, run.dump().at("/agent/options/threadSample").asInt());
    }

    /**
     * Pinned blocks, which JFR sees too: besides the scenarios' own, a virtual thread may wait, pinned, for another to
     * finish initialising a class both use first (JDK 24+: the JVM reports it), which no workload can rule out.
     */
    private static long pinnedAsJfrSeesThem(Run run) {
        long pinned = run.counts().get("pinnedBlocks").asLong();
        assertEquals(run.jfr("jdk.VirtualThreadPinned"), pinned, "pinned blocks: " + run.counts());
        return pinned;
    }

    private Run run(String... args) throws Exception {
        return runWithOptions("", args);
    }

    private Run runWithOptions(String extraOptions, String... args) throws Exception {
        Path json = dir.resolve("loomscope.json");
        Path jfr = dir.resolve("oracle.jfr");
        AgentJvm.Result result = AgentJvm.withAgent("out=" + json + ",quiet=true"
                        + (extraOptions.isEmpty() ? "" : "," + extraOptions))
                .jvmOption("-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true,settings=" + oracleSettings())
                .jvmOption("-Xlog:jfr+startup=warning")
                .run(Lifecycle.class, args);
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("ok " + args[0]), result.stdout());
        assertEquals(java.util.List.of(), result.agentLines(), "the agent says nothing when all is well");
        JsonNode dump = AgentJvm.readJson(json);
        assertEquals("loomscope/1", dump.get("schema").asText());
        assertEquals(0, dump.at("/agent/hooks/missing").size(), "every hook woven: " + dump.at("/agent/hooks"));
        JsonNode counts = dump.get("counts");
        assertEquals(0, counts.get("dropped").asLong());
        assertEquals(0, counts.get("agentErrors").asLong());
        assertEquals(counts.get("created").asLong(), counts.get("ended").asLong() + counts.get("live").asLong());
        return new Run(dump, countEvents(jfr), result.stdout());
    }

    private static String oracleSettings() throws URISyntaxException {
        return Path.of(LifecycleIT.class.getResource("/jfr-oracle.jfc").toURI()).toString();
    }

    private static Map<String, Long> countEvents(Path jfr) throws IOException {
        Map<String, Long> byType = new HashMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            byType.merge(event.getEventType().getName(), 1L, Long::sum);
        }
        return byType;
    }

    private record Run(JsonNode dump, Map<String, Long> jfrEvents, String stdout) {
        JsonNode counts() {
            return dump.get("counts");
        }

        long jfr(String eventType) {
            return jfrEvents.getOrDefault(eventType, 0L);
        }
    }
}

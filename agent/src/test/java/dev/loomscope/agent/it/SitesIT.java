package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.Leak;
import dev.loomscope.agent.it.workloads.Lifecycle;
import dev.loomscope.agent.it.workloads.MonitorLeak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Call sites from sampled stacks: leaks clustered where they park, pinning where it pins, creation where it starts. */
class SitesIT {
    @TempDir
    Path dir;

    @Test
    void threadsParkedOnAQueueNobodyFeedsAreOneLeakClusterAtTheirSite() throws Exception {
        JsonNode dump = run("sampleEvery=1,leakThreshold=300ms", Leak.class, "40", "600");
        JsonNode leaks = dump.get("leaks");
        assertEquals(40, leaks.get("threads").asLong(), leaks.toString());
        assertEquals(1, leaks.get("clusters").size(), leaks.toString());
        JsonNode cluster = leaks.at("/clusters/0");
        assertEquals(40, cluster.get("threads").asLong());
        assertEquals(40, cluster.at("/kinds/park").asLong());
        assertTrue(cluster.get("oldestBlockedNs").asLong() >= 300_000_000L, cluster.toString());
        List<String> frames = frames(cluster);
        assertTrue(frames.stream().anyMatch(f -> f.startsWith("java.util.concurrent.LinkedBlockingQueue.take(")),
                frames.toString());
        assertTrue(frames.stream().anyMatch(f -> f.startsWith(Leak.class.getName() + ".awaitNotification(")),
                frames.toString());
    }

    /**
     * JDK 24+: a virtual thread blocked entering a monitor or in {@code Object.wait} unmounts without parking, frozen
     * by the JVM. Its site is sampled all the same: 100 threads at a lock never released, 60 waiting for signals never
     * sent, every block sampled.
     */
    @Test
    void aLockNeverReleasedAndSignalsNeverSentAreLeakClustersAtTheirSites() throws Exception {
        assumeMonitorsUnmount();
        assertMonitorAndWaitSites(run("sampleEvery=1,leakThreshold=300ms", MonitorLeak.class, "100", "60", "600"));
    }

    /** The same with only the blocked threads sampled, as critical threads. */
    @Test
    void criticalThreadsBlockedOnMonitorsAndWaitsHaveTheirSites() throws Exception {
        assumeMonitorsUnmount();
        assertMonitorAndWaitSites(run("sampleEvery=0,critical=locker-|waiter-,leakThreshold=300ms", MonitorLeak.class,
                "100", "60", "600"));
    }

    /** Before JDK 24 such threads pin their carriers: the workload would run out of carriers, and no hook sees them. */
    private static void assumeMonitorsUnmount() {
        assumeTrue(AgentJvm.workloadFeature() >= 24, "monitor enters and Object.wait unmount from JDK 24");
    }

    private static void assertMonitorAndWaitSites(JsonNode dump) {
        assertEquals(100, dump.at("/counts/blocksByKind/monitor").asLong());
        assertEquals(60, dump.at("/counts/blocksByKind/wait").asLong());
        JsonNode block = dump.at("/sites/block");
        assertEquals(2, block.size(), block.toString());
        JsonNode monitorSite = siteWithKind(block, "monitor");
        assertEquals(100, monitorSite.get("count").asLong(), block.toString());
        assertEquals(100, monitorSite.at("/kinds/monitor").asLong(), block.toString());
        assertTrue(frames(monitorSite).get(0).startsWith(MonitorLeak.class.getName() + ".enterLock("),
                monitorSite.toString());
        JsonNode waitSite = siteWithKind(block, "wait");
        assertEquals(60, waitSite.get("count").asLong(), block.toString());
        assertEquals(60, waitSite.at("/kinds/wait").asLong(), block.toString());
        assertTrue(frames(waitSite).stream().anyMatch(f -> f.startsWith("java.lang.Object.wait(")),
                waitSite.toString());
        assertTrue(frames(waitSite).stream().anyMatch(f -> f.startsWith(MonitorLeak.class.getName() + ".awaitSignal(")),
                waitSite.toString());

        JsonNode leaks = dump.get("leaks");
        assertEquals(160, leaks.get("threads").asLong(), leaks.toString());
        assertEquals(2, leaks.get("clusters").size(), leaks.toString());
        JsonNode monitorCluster = leaks.at("/clusters/0");
        assertEquals(100, monitorCluster.get("threads").asLong(), leaks.toString());
        assertEquals(100, monitorCluster.at("/kinds/monitor").asLong(), leaks.toString());
        assertEquals(frames(monitorSite), frames(monitorCluster));
        JsonNode waitCluster = leaks.at("/clusters/1");
        assertEquals(60, waitCluster.get("threads").asLong(), leaks.toString());
        assertEquals(60, waitCluster.at("/kinds/wait").asLong(), leaks.toString());
        assertEquals(frames(waitSite), frames(waitCluster));
    }

    private static JsonNode siteWithKind(JsonNode sites, String kind) {
        for (JsonNode site : sites) {
            if (site.at("/kinds/" + kind).asLong() > 0) {
                return site;
            }
        }
        throw new AssertionError("no site with kind " + kind + ": " + sites);
    }

    @Test
    void everyPinnedBlockIsReportedAtItsClassInitializer() throws Exception {
        JsonNode dump = run("", Lifecycle.class, "pinnedInClassInit");
        JsonNode pinned = dump.at("/sites/pinned");
        assertEquals(3, pinned.size(), pinned.toString());
        List<String> initializers = new ArrayList<>();
        for (JsonNode site : pinned) {
            assertEquals(1, site.get("count").asLong());
            assertEquals(1, site.at("/pinnedBlocked/count").asLong());
            frames(site).stream().filter(f -> f.contains(".<clinit>(")).findFirst().ifPresent(initializers::add);
        }
        assertEquals(3, initializers.size(), pinned.toString());
        for (String name : new String[]{"PinnedA", "PinnedB", "PinnedC"}) {
            assertTrue(initializers.stream().anyMatch(f -> f.contains("$" + name + ".<clinit>(")), initializers.toString());
        }
    }

    @Test
    void criticalThreadsHaveEveryCreationSampled() throws Exception {
        JsonNode dump = run("sampleEvery=0,critical=notifier-,leakThreshold=1h", Leak.class, "25", "0");
        JsonNode create = dump.at("/sites/create");
        assertEquals(1, create.size(), create.toString());
        assertEquals(25, create.at("/0/count").asLong(), "the 20 unnamed threads are not critical");
        assertTrue(frames(create.get(0)).get(0).startsWith(Leak.class.getName() + ".main("), create.toString());
        assertEquals(0, dump.at("/leaks/threads").asLong());
    }

    private JsonNode run(String options, Class<?> main, String... args) throws Exception {
        Path json = dir.resolve("loomscope.json");
        AgentJvm.Result result = AgentJvm.withAgent("out=" + json + ",quiet=true" + (options.isEmpty() ? "" : "," + options))
                .run(main, args);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(), result.agentLines());
        JsonNode dump = AgentJvm.readJson(json);
        assertEquals(0, dump.at("/counts/agentErrors").asLong());
        assertEquals(0, dump.at("/sites/samplesLost").asLong());
        return dump;
    }

    private static List<String> frames(JsonNode site) {
        List<String> frames = new ArrayList<>();
        assertTrue(site.get("frames").isArray(), "no frames: " + site);
        site.get("frames").forEach(f -> frames.add(f.asText()));
        return frames;
    }
}

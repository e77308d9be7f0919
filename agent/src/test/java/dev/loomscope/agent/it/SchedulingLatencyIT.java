package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.agent.it.workloads.Scheduling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Latencies measured on workloads whose latencies are known by construction. Margins are generous: these check that
 * the right interval is measured, not how fast this machine is.
 */
class SchedulingLatencyIT {
    private static final long MS = 1_000_000;

    @TempDir
    Path dir;

    /** Once with each clock: the default (the time-stamp counter wherever it is invariant) and nanoTime. */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "nanoTime"})
    void sleepOf20msIsABlockOfAbout20ms(String clock) throws Exception {
        JsonNode dump = run(AgentJvm.withAgent(options() + ",clock=" + clock), "sleep20", "200").dump;
        assertEquals(clock.equals("auto") ? autoClock() : "nanoTime", dump.at("/recorder/clock").asText());
        JsonNode sleep = dump.at("/latencies/blockedByKind/sleep");
        assertEquals(200, sleep.get("count").asLong());
        long p50 = sleep.get("p50").asLong();
        assertTrue(p50 >= 20 * MS && p50 <= 26 * MS, "sleep p50 " + p50 + " ns");
        assertEquals(200, dump.at("/latencies/blocked/count").asLong());
        assertEquals(200, dump.at("/latencies/startDelay/count").asLong());
        assertHeatmapsSumToCounts(dump);
    }

    @Test
    void carrierHogShowsAsWakeToRunLatencyAndALongSlice() throws Exception {
        Run run = run(AgentJvm.withAgent(options()).jvmOption("-Djdk.virtualThreadScheduler.parallelism=1"),
                "sleepersWithHog");
        JsonNode dump = run.dump;
        long p99 = dump.at("/latencies/wakeToRun/p99").asLong();
        assertTrue(p99 >= 80 * MS, "wakeToRun p99 " + p99 + " ns with a 100 ms hog");
        Matcher hog = Pattern.compile("hog=(\\d+)").matcher(run.stdout);
        assertTrue(hog.find(), run.stdout);
        JsonNode longest = dump.at("/longSlices/longest/0");
        assertEquals(Long.parseLong(hog.group(1)), longest.get("threadId").asLong(), "the longest slice is the hog's");
        assertTrue(longest.get("durationNs").asLong() >= 90 * MS, longest.toString());
        boolean atTheHogsSite = false;
        for (JsonNode frame : longest.get("frames")) {
            atTheHogsSite |= frame.asText().startsWith(Scheduling.class.getName() + ".spin(");
        }
        assertTrue(atTheHogsSite, "the long slice is reported where the hog spins: " + longest);
        assertTrue(dump.at("/longSlices/count").asLong() >= 3, "three hog slices: " + dump.at("/longSlices"));
        assertHeatmapsSumToCounts(dump);
    }

    /**
     * Every long slice has the stack it ran in, the first ones too: 12 slices of 150 ms (7.5 times the 20 ms
     * threshold), the first beginning as the JVM starts. On a loaded machine the drain's first records and first stack
     * walk used to take longer than those slices (class loading and linking), so they ended before it looked.
     */
    @Test
    void everyLongSliceHasTheStackItRanIn() throws Exception {
        JsonNode dump = run(AgentJvm.withAgent(options()), "hogs", "12", "150").dump;
        assertEquals(12, dump.at("/longSlices/count").asLong(), dump.at("/longSlices").toString());
        JsonNode longest = dump.at("/longSlices/longest");
        assertEquals(12, longest.size(), longest.toString());
        for (JsonNode slice : longest) {
            assertTrue(slice.get("durationNs").asLong() >= 150 * MS, slice.toString());
            assertTrue(slice.get("frames").isArray(), "a long slice without its stack: " + slice);
            boolean atTheHog = false;
            for (JsonNode frame : slice.get("frames")) {
                atTheHog |= frame.asText().startsWith(Scheduling.class.getName() + ".");
            }
            assertTrue(atTheHog, "walked where the hog runs: " + slice);
        }
    }

    @Test
    void withoutTheHogWakeToRunStaysShort() throws Exception {
        JsonNode dump = run(AgentJvm.withAgent(options()).jvmOption("-Djdk.virtualThreadScheduler.parallelism=1"),
                "sleepers").dump;
        long p99 = dump.at("/latencies/wakeToRun/p99").asLong();
        assertTrue(dump.at("/latencies/wakeToRun/count").asLong() > 1000, dump.at("/latencies/wakeToRun").toString());
        assertTrue(p99 < 20 * MS, "wakeToRun p99 " + p99 + " ns without a hog");
    }

    /** Every activity heatmap sums to its count, every latency heatmap to its distribution's count. */
    static void assertHeatmapsSumToCounts(JsonNode dump) {
        JsonNode counts = dump.get("counts");
        Heatmaps.Activity activity = AgentJvm.records(dump).heatmaps().activity();
        assertEquals(counts.get("created").asLong(), HeatmapRow.sum(activity.create()), "create");
        assertEquals(counts.get("blocks").asLong(), HeatmapRow.sum(activity.block()), "block");
        assertEquals(counts.get("wakes").asLong(), HeatmapRow.sum(activity.wake()), "wake");
        assertEquals(counts.get("mounts").asLong(), HeatmapRow.sum(activity.mount()), "mount");
        Heatmaps.Latency latency = AgentJvm.records(dump).heatmaps().latency();
        assertEquals(dump.at("/latencies/startDelay/count").asLong(), HeatmapRow.sum(latency.startDelay()),
                "startDelay");
        assertEquals(dump.at("/latencies/wakeToRun/count").asLong(), HeatmapRow.sum(latency.wakeToRun()),
                "wakeToRun");
        assertEquals(dump.at("/latencies/blocked/count").asLong(), HeatmapRow.sum(latency.blocked()), "blocked");
        assertEquals(dump.at("/latencies/runSlice/count").asLong(), HeatmapRow.sum(latency.runSlice()), "runSlice");
    }

    /**
     * The clock {@code clock=auto} must pick here (docs/options.md): the time-stamp counter on Linux x86_64 when
     * {@code /proc/cpuinfo} lists constant_tsc and nonstop_tsc and the JDK has critical FFM downcalls (22+; the child
     * JVMs run on the workload JDK, AgentJvm).
     */
    static String autoClock() throws IOException {
        String arch = System.getProperty("os.arch");
        boolean x86Linux = System.getProperty("os.name").startsWith("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
        if (!x86Linux || AgentJvm.workloadFeature() < 22) {
            return "nanoTime";
        }
        List<String> flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("flags"))
                .findFirst()
                .map(line -> List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")))
                .orElse(List.of());
        return flags.contains("constant_tsc") && flags.contains("nonstop_tsc") ? "tsc" : "nanoTime";
    }

    private String options() {
        return "out=" + dir.resolve("loomscope.json") + ",quiet=true";
    }

    private Run run(AgentJvm jvm, String... args) throws Exception {
        AgentJvm.Result result = jvm.run(Scheduling.class, args);
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("ok " + args[0]), result.stdout());
        JsonNode dump = AgentJvm.readJson(dir.resolve("loomscope.json"));
        assertEquals(0, dump.at("/counts/dropped").asLong());
        assertEquals(0, dump.at("/counts/agentErrors").asLong());
        return new Run(dump, result.stdout());
    }

    private record Run(JsonNode dump, String stdout) {
    }
}

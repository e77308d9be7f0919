package dev.loomscope.agent.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.DumpSchema;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fifty SIGQUITs as fast as a shell sends them: the JVM runs on, and every dump the storm leaves is complete, valid and
 * no earlier in its counts than the one before. (The kernel merges a signal that arrives while the same one is still
 * pending, so there may be fewer dumps than signals; none is lost that the JVM saw.)
 */
class SigquitStormIT {
    private static final int SIGNALS = 50;

    @TempDir
    Path dir;

    @Test
    void fiftySigquitsLeaveOnlyValidMonotonicDumpsAndTheJvmRunsOn() throws Exception {
        Path stop = dir.resolve("stop");
        Path dumps = Files.createDirectory(dir.resolve("dumps"));
        AgentJvm.Running jvm = AgentJvm.withAgent("quiet=true,out=" + dir.resolve("exit.json") + ",dump="
                + dumps.resolve("q-%t.json")).directory(dir).start(UntilStopped.class, stop.toString(), "300");
        jvm.awaitStdout("ready", 1, 60);

        Process storm = new ProcessBuilder("sh", "-c", "for i in $(seq " + SIGNALS + "); do kill -QUIT " + jvm.pid()
                + "; done").redirectErrorStream(true).start();
        assertTrue(storm.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, storm.exitValue());
        List<Path> written = settled(dumps);
        assertTrue(jvm.process().isAlive(), "the JVM runs on");
        Files.createFile(stop);
        AgentJvm.Result result = jvm.waitFor(120);
        assertEquals(0, result.exitCode(), result::toString);

        assertTrue(!written.isEmpty() && written.size() <= SIGNALS, written::toString);
        DumpSchema schema = DumpSchema.load();
        List<JsonNode> read = new ArrayList<>();
        for (Path file : written) {
            JsonNode dump = AgentJvm.readJson(file);
            assertEquals(List.of(), schema.violations(dump), file.toString());
            assertEquals("sigquit", dump.at("/recording/trigger").asText());
            read.add(dump);
        }
        read.sort(Comparator.comparingLong(d -> d.at("/recording/durationNs").asLong()));
        for (int i = 1; i < read.size(); i++) {
            for (String count : new String[]{"created", "ended", "mounts", "blocks", "wakes"}) {
                assertTrue(read.get(i).at("/counts/" + count).asLong() >= read.get(i - 1).at("/counts/" + count)
                        .asLong(), count + " went back between dumps " + (i - 1) + " and " + i);
            }
        }
    }

    /** The dump files once no new one has appeared for two seconds (temporary files start with a dot). */
    private static List<Path> settled(Path dumps) throws Exception {
        List<Path> last = List.of();
        long stableSince = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(2)) {
            assertTrue(System.nanoTime() < deadline, "dumps never settled: " + last);
            Thread.sleep(100);
            List<Path> now;
            try (Stream<Path> files = Files.list(dumps)) {
                now = files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
            }
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }
}

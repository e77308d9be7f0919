package dev.loomscope.agent.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.DumpSchema;
import dev.loomscope.agent.it.workloads.Soak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A soak: a JVM with the agent on a busy scheduler (ping-pong pairs, monitor blocks, churning threads) with a dump
 * every second, for {@code loomscope.soakSeconds} (180 in {@code scripts/test}; {@code scripts/soak MINUTES} for longer
 * runs). Checks what must stay flat over days: heap after GC, file descriptors, dump times, the dumps' schedule,
 * validity and monotonic counts (docs/RELIABILITY.md, "Soak").
 */
class SoakIT {
    private static final long SECONDS = Long.getLong("loomscope.soakSeconds", 180);
    /** The first third of the run (at most a minute) is warm-up: class loading, JIT, the heap finding its size. */
    private static final long WARMUP_SECONDS = Math.min(60, SECONDS / 3);
    private static final long SAMPLE_EVERY_SECONDS = 10;
    private static final long INTERVAL_MILLIS = 1000;
    private static final Pattern TOTAL = Pattern.compile("Total\\s+\\d+\\s+(\\d+)");

    @TempDir
    Path dir;

    @Test
    void heapFileDescriptorsAndDumpTimesStayFlatAndEveryDumpIsValidOnSchedule() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",quiet=true,interval="
                        + INTERVAL_MILLIS + "ms,dump=" + dir.resolve("soak-%t.json"))
                .jvmOption("-Xmx256m").jvmOption("-XX:+UseG1GC")
                .start(Soak.class, dir.resolve("stop").toString(), "500");
        jvm.awaitStdout("ready", 1, 60);
        long start = System.nanoTime();
        List<Long> heapAfterGc = new ArrayList<>();
        List<Integer> fileDescriptors = new ArrayList<>();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(SECONDS)) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(SAMPLE_EVERY_SECONDS));
            assertTrue(jvm.process().isAlive(), jvm.stderrSoFar());
            if (System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(WARMUP_SECONDS)) {
                heapAfterGc.add(heapAfterFullGc(jvm.pid()));
                try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(jvm.pid()), "fd"))) {
                    fileDescriptors.add((int) fds.count());
                }
            }
        }
        Files.createFile(dir.resolve("stop"));
        AgentJvm.Result result = jvm.waitFor(60);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(), result.agentLines(), "the agent had nothing to complain about");

        long minHeap = heapAfterGc.stream().mapToLong(Long::longValue).min().orElseThrow();
        long maxHeap = heapAfterGc.stream().mapToLong(Long::longValue).max().orElseThrow();
        int minFds = fileDescriptors.stream().mapToInt(Integer::intValue).min().orElseThrow();
        int maxFds = fileDescriptors.stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<long[]> dumps = checkDumps();
        int third = dumps.size() / 3;
        List<long[]> first = dumps.subList(0, third);
        List<long[]> last = dumps.subList(dumps.size() - third, dumps.size());
        String figures = String.format("%d s: live heap %d..%d KiB, fds %d..%d, %d dumps; first third: median"
                        + " write %d ms, %d KiB; last third: %d ms, %d KiB", SECONDS, minHeap, maxHeap, minFds, maxFds,
                dumps.size(), median(first, 1), median(first, 2) / 1024, median(last, 1), median(last, 2) / 1024);
        System.out.println("SoakIT: " + figures);
        // A leak raises the floor; a dump in progress adds its own few MiB to whichever reading it coincides with.
        int half = heapAfterGc.size() / 2;
        long firstFloor = heapAfterGc.subList(0, half).stream().mapToLong(Long::longValue).min().orElseThrow();
        long lastFloor = heapAfterGc.subList(half, heapAfterGc.size()).stream().mapToLong(Long::longValue).min()
                .orElseThrow();
        assertTrue(lastFloor <= firstFloor * 1.10, "live heap flat within 10 %: " + heapAfterGc + "; " + figures);
        assertTrue(maxFds - minFds <= 2, "file descriptors flat: " + fileDescriptors);
        // A dump grows with the heatmap rows until the retention is full (10 minutes at full resolution by default,
        // then coarser windows: bounded, docs/schema.md), so the time to write one is compared per byte.
        double firstPerMiB = (double) median(first, 1) / Math.max(1, median(first, 2)) * (1 << 20);
        double lastPerMiB = (double) median(last, 1) / Math.max(1, median(last, 2)) * (1 << 20);
        assertTrue(lastPerMiB <= 2 * firstPerMiB + 20, "dump time per MiB flat: " + figures);
        assertTrue(median(last, 1) <= 1000, "a dump is written within a second: " + figures);
    }

    /**
     * Every interval dump: valid against the schema, counts never going back, on schedule (each within its period
     * plus 3 s of the one before). Returns {dumpEpochMs, milliseconds from the snapshot to the file's last write,
     * bytes}, in order.
     */
    private List<long[]> checkDumps() throws Exception {
        DumpSchema schema = DumpSchema.load();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().startsWith("soak-")).toList();
        }
        List<JsonNode> dumps = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        for (Path file : files) {
            JsonNode dump = AgentJvm.readJson(file);
            assertEquals(List.of(), schema.violations(dump), file.toString());
            dumps.add(dump);
            long dumpEpochMs = dump.at("/recording/dumpEpochMs").asLong();
            times.add(new long[]{dumpEpochMs, Files.getLastModifiedTime(file).toMillis() - dumpEpochMs,
                    Files.size(file)});
        }
        dumps.sort(Comparator.comparingLong(d -> d.at("/recording/dumpEpochMs").asLong()));
        times.sort(Comparator.comparingLong(t -> t[0]));
        assertTrue(dumps.size() >= SECONDS / 2, "a dump a second: " + dumps.size() + " in " + SECONDS + " s");
        for (int i = 1; i < dumps.size(); i++) {
            JsonNode before = dumps.get(i - 1);
            JsonNode after = dumps.get(i);
            for (String count : List.of("created", "ended", "blocks", "wakes", "mounts", "dropped")) {
                assertTrue(after.at("/counts/" + count).asLong() >= before.at("/counts/" + count).asLong(),
                        count + " never decreases: " + before.at("/counts") + " then " + after.at("/counts"));
            }
            long gap = times.get(i)[0] - times.get(i - 1)[0];
            assertTrue(gap <= INTERVAL_MILLIS + 3000, "on schedule: a gap of " + gap + " ms");
        }
        return times;
    }

    private static long median(List<long[]> dumps, int column) {
        long[] values = dumps.stream().mapToLong(t -> t[column]).sorted().toArray();
        return values[values.length / 2];
    }

    /**
     * Live heap in KiB, from {@code jcmd PID GC.class_histogram}: it collects and then counts the objects reachable,
     * which a busy workload's allocations right after the collection cannot blur.
     */
    private static long heapAfterFullGc(long pid) throws Exception {
        String jcmd = AgentJvm.tool("jcmd").toString();
        String histogram = run(jcmd, Long.toString(pid), "GC.class_histogram");
        Matcher total = TOTAL.matcher(histogram);
        assertTrue(total.find(), histogram);
        return Long.parseLong(total.group(1)) / 1024;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output;
    }
}

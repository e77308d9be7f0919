package dev.loomscope.agent.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.AgentCli;
import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.workloads.Saturate;
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
 * A dump takes a bounded time however busy the scheduler (docs/RELIABILITY.md, "A dump cannot stall"): it drains
 * the rings up to where the producers stood when it began, not "until empty", which never ends while carriers
 * refill them faster than one thread empties them. The same run guards against a JVM crash that dumps used to
 * trigger under this load: naming carriers through {@code ThreadMXBean.getThreadInfo} (see {@code CarrierNames}).
 */
class DumpUnderLoadIT {
    private static final long LOAD_SECONDS = 60;
    /** 40,000 virtual threads: the drain's live-thread table misses its cache, so records cost it the most. */
    private static final int PAIRS = 20_000;
    private static final long INTERVAL_MILLIS = 250;
    /**
     * How late an interval dump may be, beyond its period, on a machine whose every core runs the workload: the
     * dump thread competes for a core with two saturated carriers and the drain. Unbounded dumps came up to 64 s late.
     */
    private static final long LATENESS_BOUND_MILLIS = 3_000;
    /** How long {@code dump PID} and an exit on SIGTERM may take under the same load. */
    private static final long ANSWER_BOUND_MILLIS = 10_000;

    @TempDir
    Path dir;

    @Test
    void intervalDumpsKeepTheirScheduleDumpCommandAnswersAndSigtermExitsUnderSaturatingLoad() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json")
                        + ",dump=" + dir.resolve("interval-%p-%t.json") + ",quiet=true,interval=" + INTERVAL_MILLIS + "ms")
                .start(Saturate.class, dir.resolve("stop").toString(), "300", Integer.toString(PAIRS));
        jvm.awaitStdout("ready", 1, 60);
        long loadStartMs = System.currentTimeMillis();

        Thread.sleep(TimeUnit.SECONDS.toMillis(LOAD_SECONDS / 2));
        Path commanded = dir.resolve("commanded.json");
        AgentCli dump = AgentCli.run(dir, "dump", Long.toString(jvm.pid()), commanded.toString());
        assertEquals(0, dump.exitCode(), dump.toString());
        assertTrue(dump.elapsedNanos() < TimeUnit.MILLISECONDS.toNanos(ANSWER_BOUND_MILLIS), dump.toString());
        assertEquals("attach-dump", AgentJvm.readJson(commanded).at("/recording/trigger").asText());

        Thread.sleep(TimeUnit.SECONDS.toMillis(LOAD_SECONDS / 2));
        assertTrue(jvm.process().isAlive(), jvm.stderrSoFar());
        long termSent = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", Long.toString(jvm.pid())).start().waitFor();
        boolean exited = jvm.process().waitFor(ANSWER_BOUND_MILLIS, TimeUnit.MILLISECONDS);
        long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termSent);
        if (!exited) {
            jvm.process().destroyForcibly().waitFor();
        }
        assertTrue(exited, "exit on SIGTERM took more than " + ANSWER_BOUND_MILLIS + " ms:\n" + jvm.stderrSoFar());
        JsonNode exit = AgentJvm.readJson(dir.resolve("exit.json"));
        assertEquals("exit", exit.at("/recording/trigger").asText(), "the exit dump is written: " + exitMillis + " ms");

        List<Long> dumpTimes = intervalDumpTimes();
        long previous = loadStartMs;
        List<Long> gaps = new ArrayList<>();
        for (long time : dumpTimes) {
            gaps.add(time - previous);
            previous = time;
        }
        gaps.add(exit.at("/recording/dumpEpochMs").asLong() - INTERVAL_MILLIS - previous);
        long worstGap = gaps.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf("DumpUnderLoadIT: %d interval dumps, worst gap %d ms; dump command %d ms; exit %d ms;"
                        + " %d records dropped%n", dumpTimes.size(), worstGap, dump.elapsedNanos() / 1_000_000, exitMillis,
                exit.at("/counts/dropped").asLong());
        assertTrue(worstGap <= INTERVAL_MILLIS + LATENESS_BOUND_MILLIS,
                "interval dumps on schedule: worst gap " + worstGap + " ms of " + gaps);
        assertTrue(exit.at("/counts/blocks").asLong() > 0, "the workload ran under the agent: " + exit.at("/counts"));
    }

    /**
     * {@code recording.dumpEpochMs} of every interval dump, in order; checks on the way that each is an interval dump
     * and that the cumulative counts never go back from one dump to the next.
     */
    private List<Long> intervalDumpTimes() throws Exception {
        List<JsonNode> dumps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("interval-")).toList()) {
                JsonNode dump = AgentJvm.readJson(file);
                assertEquals("interval", dump.at("/recording/trigger").asText(), file.toString());
                dumps.add(dump);
            }
        }
        dumps.sort(Comparator.comparingLong(d -> d.at("/recording/dumpEpochMs").asLong()));
        List<Long> times = new ArrayList<>();
        JsonNode previous = null;
        for (JsonNode dump : dumps) {
            if (previous != null) {
                for (String count : List.of("created", "blocks", "wakes", "mounts", "dropped")) {
                    assertTrue(dump.at("/counts/" + count).asLong() >= previous.at("/counts/" + count).asLong(),
                            count + " never decreases: " + previous.at("/counts") + " then " + dump.at("/counts"));
                }
            }
            times.add(dump.at("/recording/dumpEpochMs").asLong());
            previous = dump;
        }
        return times;
    }
}

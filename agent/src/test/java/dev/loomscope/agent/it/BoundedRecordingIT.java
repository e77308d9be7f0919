package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recordings with an end and dumps with a bound: {@code duration} and the {@code stop} command end a recording with
 * its last dump (as {@code asprof -d} and {@code jcmd JFR.start duration=} do), and {@code keep} bounds how many
 * interval dumps stay on disk.
 */
class BoundedRecordingIT {
    private static final long WAIT_SECONDS = 120;
    private static final Pattern WROTE = Pattern.compile("loomscope: wrote (.+) \\((\\w[\\w-]*)\\)");

    @TempDir
    Path dir;

    @Test
    void durationWritesTheLastDumpToOutThenRecordsNothingMoreAndExitWritesNoOtherDump() throws Exception {
        Path out = dir.resolve("recording.json");
        Path stop = dir.resolve("stop");
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + out + ",duration=1s").directory(dir)
                .start(UntilStopped.class, stop.toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        awaitFile(out);
        JsonNode last = AgentJvm.readJson(out);
        Thread.sleep(500); // the workload runs on: nothing of it may reach another dump
        Files.createFile(stop);
        AgentJvm.Result result = jvm.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result::toString);

        assertEquals("duration", last.at("/recording/trigger").asText());
        assertEquals("1s", last.at("/agent/options/duration").asText());
        JsonNode counts = last.get("counts");
        assertTrue(counts.get("created").asLong() > 0, counts::toString);
        assertEquals(counts.get("created").asLong(), counts.get("ended").asLong() + counts.get("live").asLong());
        assertEquals(last, AgentJvm.readJson(out), "the exit wrote no dump over the last one");
        assertEquals(List.of(out.toString()), written(result.stderr()), result::toString);
    }

    @Test
    void stopAfterALateAttachWritesTheLastDumpAndLaterDumpsAreRefusedInOneLine() throws Exception {
        Path stop = dir.resolve("stop");
        AgentJvm.Running jvm = AgentJvm.withoutAgent().directory(dir).start(UntilStopped.class, stop.toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        String pid = Long.toString(jvm.pid());
        AgentCli.run(dir, "attach", pid, "quiet=true").expect(0);
        Thread.sleep(300);
        Path last = dir.resolve("last.json");
        AgentCli stopped = AgentCli.run(dir, "stop", pid, last.toString()).expect(0);
        assertEquals(last.toString(), stopped.lastStdoutLine(), stopped::toString);
        JsonNode dump = AgentJvm.readJson(last);
        assertEquals("stop", dump.at("/recording/trigger").asText());
        assertTrue(dump.at("/counts/mounts").asLong() > 0, dump::toString);

        AgentCli refused = AgentCli.run(dir, "dump", pid).expect(1);
        refused.assertOneLineError(pid + ": attach-dump: no dump, the recording stopped (stop); its last dump is "
                + last);
        AgentCli.run(dir, "stop", pid).expect(1);
        Files.createFile(stop);
        assertEquals(0, jvm.waitFor(WAIT_SECONDS).exitCode());
        assertFalse(Files.exists(dir.resolve("loomscope-" + pid + ".json")), "no exit dump after stop");
    }

    @Test
    void keepLeavesOnlyTheNewestIntervalDumpsOnDisk() throws Exception {
        Path stop = dir.resolve("stop");
        Path dumps = Files.createDirectory(dir.resolve("dumps"));
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",interval=200ms,keep=3,dump="
                + dumps.resolve("d-%t.json")).directory(dir).start(UntilStopped.class, stop.toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        while (intervalDumps(jvm.stderrSoFar()).size() < 8) {
            Thread.sleep(100);
        }
        Files.createFile(stop);
        AgentJvm.Result result = jvm.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result::toString);

        List<String> written = intervalDumps(result.stderr());
        List<String> onDisk;
        try (Stream<Path> files = Files.list(dumps)) {
            onDisk = files.map(Path::toString).sorted().toList();
        }
        assertEquals(written.subList(written.size() - 3, written.size()).stream().sorted().toList(), onDisk,
                "the three newest of " + written.size());
    }

    private static List<String> intervalDumps(String stderr) {
        return stderr.lines().map(WROTE::matcher).filter(Matcher::matches).filter(m -> m.group(2).equals("interval"))
                .map(m -> m.group(1)).toList();
    }

    private static List<String> written(String stderr) {
        return stderr.lines().map(WROTE::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_SECONDS * 1_000_000_000L;
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < deadline, "no " + file);
            Thread.sleep(50);
        }
    }
}

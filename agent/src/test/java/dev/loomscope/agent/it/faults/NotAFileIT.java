package dev.loomscope.agent.it.faults;

import dev.loomscope.agent.it.AgentCli;
import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.workloads.CountingApp;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dump targets that are not regular files are refused, never replaced; and the recorder's jar is one file per agent
 * version in the temporary directory, not one per JVM (docs/RELIABILITY.md).
 */
class NotAFileIT {
    @TempDir
    Path dir;

    @Test
    void aFifoAsOutIsRefusedWithOneLineAndStaysAFifo() throws Exception {
        Path fifo = dir.resolve("pipe.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());

        AgentJvm.Result result = AgentJvm.withAgent("out=" + fifo).run(CountingApp.class, "100", "0");

        assertEquals(0, result.exitCode(), result::toString);
        List<String> lines = result.agentLines();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).startsWith("loomscope: cannot write dump to " + fifo)
                && lines.get(0).contains("not a regular file"), lines.get(0));
        assertFalse(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS), "still a FIFO");
        assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aDumpCommandToADeviceIsExitCode1AndTheDeviceIsUntouched() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",quiet=true")
                .start(UntilStopped.class, dir.resolve("stop").toString(), "300");
        jvm.awaitStdout("ready", 1, 60);
        Path device = Path.of("/dev/null");

        AgentCli dump = AgentCli.run(dir, "dump", Long.toString(jvm.pid()), device.toString());
        assertEquals(1, dump.exitCode(), dump.toString());
        dump.assertOneLineError("not a regular file");
        assertFalse(Files.isRegularFile(device, LinkOption.NOFOLLOW_LINKS), "/dev/null is still a device");
        Path directory = Files.createDirectory(dir.resolve("a-directory.json"));
        AgentCli intoDirectory = AgentCli.run(dir, "dump", Long.toString(jvm.pid()), directory.toString());
        assertEquals(1, intoDirectory.exitCode(), intoDirectory.toString());
        assertTrue(Files.isDirectory(directory));

        Files.createFile(dir.resolve("stop"));
        assertEquals(0, jvm.waitFor(60).exitCode());
    }

    @Test
    void aKilledJvmLeavesNoNewRecorderJarAndTheNextJvmReusesTheOneThere() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        for (int round = 0; round < 2; round++) {
            AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",quiet=true")
                    .jvmOption("-Djava.io.tmpdir=" + tmp)
                    .start(UntilStopped.class, dir.resolve("stop").toString(), "300");
            jvm.awaitStdout("ready", 1, 60);
            jvm.process().destroyForcibly(); // kill -9
            assertTrue(jvm.process().waitFor(60, TimeUnit.SECONDS));
        }
        try (Stream<Path> files = Files.list(tmp)) {
            // JFR's repository (jfrPinned) is JFR's: a killed JVM leaves it, as any JFR recording's (RELIABILITY.md)
            List<String> names = files.map(f -> f.getFileName().toString())
                    .filter(name -> !name.matches("\\d{4}(_\\d{2}){5}_\\d+")).sorted().toList();
            assertEquals(1, names.size(), names.toString());
            assertTrue(names.get(0).matches("loomscope-bootstrap-[0-9a-f]{32}\\.jar"), names.toString());
        }
    }
}

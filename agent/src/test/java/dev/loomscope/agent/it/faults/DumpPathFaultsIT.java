package dev.loomscope.agent.it.faults;

import dev.loomscope.agent.it.AgentCli;
import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.workloads.CountingApp;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dump paths the JVM cannot use give one line, at start and at each dump, never a stack trace (docs/RELIABILITY.md). */
class DumpPathFaultsIT {
    private static final String NON_ASCII = "ünïcødé";

    @TempDir
    Path dir;

    @Test
    void aNonAsciiOutUnderAPosixLocaleIsOneLineAtStartAndTheDefaultIsUsed() throws Exception {
        AgentJvm.Result result = AgentJvm.withAgent("out=" + NON_ASCII + "-%p.json,quiet=true").directory(dir)
                .environment("LC_ALL", "POSIX").run(CountingApp.class, "100", "0");

        assertEquals(0, result.exitCode(), result::toString);
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception in thread"),
                result::toString);
        List<String> lines = result.agentLines();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).contains("for option 'out'") && lines.get(0).contains("this JVM can name")
                && lines.get(0).endsWith("using loomscope-%p.json"), lines.get(0));
        try (var files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertEquals(1, names.stream().filter(n -> n.matches("loomscope-\\d+\\.json")).count(), names.toString());
        }
    }

    @Test
    void aDumpCommandToAPathTheTargetCannotNameIsOneLineAndExitCode1() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",quiet=true")
                .environment("LC_ALL", "POSIX").start(UntilStopped.class, dir.resolve("stop").toString(), "300");
        jvm.awaitStdout("ready", 1, 60);

        AgentCli dump = AgentCli.run(dir, "dump", Long.toString(jvm.pid()), dir.resolve(NON_ASCII + ".json").toString());
        assertEquals(1, dump.exitCode(), dump.toString());
        dump.assertOneLineError("cannot write dump to");

        Files.createFile(dir.resolve("stop"));
        AgentJvm.Result result = jvm.waitFor(60);
        assertEquals(0, result.exitCode(), result::toString);
        assertFalse(result.stderr().contains("\tat "), result::toString);
        assertEquals("exit", AgentJvm.readJson(dir.resolve("exit.json")).at("/recording/trigger").asText());
    }
}

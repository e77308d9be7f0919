package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar loomscope-agent.jar dump|attach PID}: the Attach API into running JVMs, with and without the
 * agent, and the exit codes and one-line errors of docs/cli.md.
 */
class DumpCommandIT {
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void dumpLoadsTheAgentIntoAJvmStartedWithoutItAndWritesTheFile() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withoutAgent().directory(dir)
                .start(UntilStopped.class, dir.resolve("stop").toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);

        Path file = dir.resolve("now.json");
        Cli first = cli("dump", Long.toString(jvm.pid()), file.toString());
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.stdout().contains("was not running the agent"), "says the dump covers only from now: " + first);
        assertEquals(file.toAbsolutePath().toString(), first.lastStdoutLine(), first.toString());
        JsonNode dump = AgentJvm.readJson(file);
        assertEquals("loomscope/1", dump.get("schema").asText());
        assertEquals("attach-dump", dump.at("/recording/trigger").asText());
        assertEquals("late", dump.at("/recording/attach").asText());

        // The agent is running now: a second dump says nothing about loading it, and goes to the dump pattern
        // (relative to the target's working directory) when no file is given.
        Cli second = cli("dump", Long.toString(jvm.pid()));
        assertEquals(0, second.exitCode(), second.toString());
        assertEquals(List.of(second.lastStdoutLine()), second.stdoutLines(), second.toString());
        Path written = Path.of(second.lastStdoutLine());
        assertEquals(dir.toRealPath(), written.getParent().toRealPath());
        assertTrue(written.getFileName().toString().matches("loomscope-" + jvm.pid() + "-\\d{8}-\\d{6}(-\\d+)?\\.json"),
                written.toString());
        JsonNode later = AgentJvm.readJson(written);
        assertEquals("attach-dump", later.at("/recording/trigger").asText());
        assertEquals(dump.at("/recording/startEpochMs"), later.at("/recording/startEpochMs"), "the same recording");

        assertTrue(jvm.process().isAlive());
        Files.createFile(dir.resolve("stop"));
        AgentJvm.Result result = jvm.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("exit", AgentJvm.readJson(dir.resolve("loomscope-" + jvm.pid() + ".json"))
                .at("/recording/trigger").asText(), "and it writes its exit dump as usual");
    }

    @Test
    void attachStartsRecordingWithOptionsAndASecondAttachIsRefused() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withoutAgent().directory(dir)
                .start(UntilStopped.class, dir.resolve("stop").toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        String pid = Long.toString(jvm.pid());

        Cli attach = cli("attach", pid, "out=" + dir.resolve("exit.json") + ",dump=" + dir.resolve("d-%t.json")
                + ",quiet=true");
        assertEquals(0, attach.exitCode(), attach.toString());
        Cli again = cli("attach", pid, "quiet=true");
        assertEquals(1, again.exitCode(), again.toString());
        assertOneLineError(again, "runs the agent already");

        Cli dump = cli("dump", pid);
        assertEquals(0, dump.exitCode(), dump.toString());
        assertTrue(Path.of(dump.lastStdoutLine()).getFileName().toString().matches("d-\\d{8}-\\d{6}(-\\d+)?\\.json"),
                dump.toString());

        Files.createFile(dir.resolve("stop"));
        assertEquals(0, jvm.waitFor(WAIT_SECONDS).exitCode());
        JsonNode exit = AgentJvm.readJson(dir.resolve("exit.json"));
        assertEquals("late", exit.at("/recording/attach").asText());
        assertEquals(true, exit.at("/agent/options/quiet").asBoolean());
    }

    @Test
    void badPidsAndUsageAreOneLineAndExitCode2() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertOneLineError(expect(2, cli("dump", Long.toString(gone.pid()))), "no process " + gone.pid());
        assertOneLineError(expect(2, cli("dump", "not-a-pid")), "bad pid 'not-a-pid'");
        assertOneLineError(expect(2, cli("dump")), "dump takes PID");
        assertOneLineError(expect(2, cli("frobnicate", "1")), "unknown command 'frobnicate'");
        assertOneLineError(expect(2, cli("attach", "1", "rings=3")), "'rings'");
        Cli usage = cli();
        assertEquals(2, usage.exitCode());
        assertTrue(usage.stderr().contains("dump PID [FILE]"), usage.toString());
    }

    @Test
    void aProcessThatIsNotAJvmIsExitCode1() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            assertOneLineError(expect(1, cli("dump", Long.toString(sleep.pid()))), "cannot attach to " + sleep.pid());
        } finally {
            sleep.destroy();
        }
    }

    @Test
    void aDumpThatCannotBeWrittenIsExitCode1WithTheReason() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",quiet=true").directory(dir)
                .start(UntilStopped.class, dir.resolve("stop").toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        Cli dump = cli("dump", Long.toString(jvm.pid()), dir.resolve("missing/x.json").toString());
        assertEquals(1, dump.exitCode(), dump.toString());
        assertOneLineError(dump, "no directory");
        assertEquals("", dump.stdout(), "nothing about loading the agent: it runs since the start");
        Files.createFile(dir.resolve("stop"));
        assertEquals(0, jvm.waitFor(WAIT_SECONDS).exitCode());
    }

    private static Cli expect(int exitCode, Cli cli) {
        assertEquals(exitCode, cli.exitCode(), cli.toString());
        return cli;
    }

    private static void assertOneLineError(Cli cli, String text) {
        List<String> lines = cli.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + cli);
        assertTrue(lines.get(0).startsWith("loomscope: ") && lines.get(0).contains(text), cli.toString());
        assertFalse(cli.stderr().contains("\tat "), cli.toString());
    }

    private Cli cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", AgentJvm.AGENT_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli-", ".out");
        Path err = Files.createTempFile(dir, "cli-", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("CLI did not finish: " + command);
        }
        return new Cli(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Cli(int exitCode, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().filter(l -> !l.isBlank()).toList();
        }

        String lastStdoutLine() {
            List<String> lines = stdoutLines();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "stderr:\n" + stderr;
        }
    }
}

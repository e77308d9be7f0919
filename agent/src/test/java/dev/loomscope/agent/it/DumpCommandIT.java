package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        AgentCli first = cli("dump", Long.toString(jvm.pid()), file.toString());
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.stdout().contains("was not running the agent"), "says the dump covers only from now: " + first);
        assertEquals(file.toAbsolutePath().toString(), first.lastStdoutLine(), first.toString());
        JsonNode dump = AgentJvm.readJson(file);
        assertEquals("loomscope/1", dump.get("schema").asText());
        assertEquals("attach-dump", dump.at("/recording/trigger").asText());
        assertEquals("late", dump.at("/recording/attach").asText());

        // The agent is running now: a second dump says nothing about loading it, and goes to the dump pattern
        // (relative to the target's working directory) when no file is given.
        AgentCli second = cli("dump", Long.toString(jvm.pid()));
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

        AgentCli attach = cli("attach", pid, "out=" + dir.resolve("exit.json") + ",dump=" + dir.resolve("d-%t.json")
                + ",quiet=true");
        assertEquals(0, attach.exitCode(), attach.toString());
        AgentCli again = cli("attach", pid, "quiet=true");
        assertEquals(1, again.exitCode(), again.toString());
        again.assertOneLineError("runs the agent already");

        AgentCli dump = cli("dump", pid);
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
        cli("dump", Long.toString(gone.pid())).expect(2).assertOneLineError("no process " + gone.pid());
        cli("dump", "not-a-pid").expect(2).assertOneLineError("bad pid 'not-a-pid'");
        cli("dump").expect(2).assertOneLineError("dump takes PID");
        cli("frobnicate", "1").expect(2).assertOneLineError("unknown command 'frobnicate'");
        cli("attach", "1", "rings=3").expect(2).assertOneLineError("'rings'");
        AgentCli usage = cli();
        assertEquals(2, usage.exitCode());
        assertTrue(usage.stderr().contains("dump PID [FILE]"), usage.toString());
    }

    @Test
    void aProcessThatIsNotAJvmIsExitCode1() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            cli("dump", Long.toString(sleep.pid())).expect(1).assertOneLineError("cannot attach to " + sleep.pid());
        } finally {
            sleep.destroy();
        }
    }

    @Test
    void aDumpThatCannotBeWrittenIsExitCode1WithTheReason() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",quiet=true").directory(dir)
                .start(UntilStopped.class, dir.resolve("stop").toString(), "120");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        AgentCli dump = cli("dump", Long.toString(jvm.pid()), dir.resolve("missing/x.json").toString());
        assertEquals(1, dump.exitCode(), dump.toString());
        dump.assertOneLineError("no directory");
        assertEquals("", dump.stdout(), "nothing about loading the agent: it runs since the start");
        Files.createFile(dir.resolve("stop"));
        assertEquals(0, jvm.waitFor(WAIT_SECONDS).exitCode());
    }

    private AgentCli cli(String... args) throws IOException, InterruptedException {
        return AgentCli.run(dir, args);
    }
}

package dev.loomscope.agent.it.faults;

import dev.loomscope.agent.it.AgentCli;
import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.workloads.ForgetfulApp;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line against running JVMs when several talk at once, or the target misbehaves (docs/RELIABILITY.md). */
class CommandFaultsIT {
    private static final int PARALLEL = 10;
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void tenParallelDumpCommandsEachLearnTheTruthAboutTheirOwnDump() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json") + ",quiet=true,dump="
                        + dir.resolve("pattern-%t.json")).start(UntilStopped.class, dir.resolve("stop").toString(), "300");
        jvm.awaitStdout("ready", 1, WAIT_SECONDS);
        String pid = Long.toString(jvm.pid());

        List<AgentCli> toPattern = parallel(() -> AgentCli.run(dir, "dump", pid));
        List<AgentCli> toOneFile = parallel(() -> AgentCli.run(dir, "dump", pid, dir.resolve("same.json").toString()));

        Set<String> written = new HashSet<>();
        for (AgentCli cli : toPattern) {
            assertEquals(0, cli.exitCode(), cli.toString());
            written.add(cli.lastStdoutLine());
            assertEquals("attach-dump", AgentJvm.readJson(Path.of(cli.lastStdoutLine())).at("/recording/trigger")
                    .asText());
        }
        assertEquals(PARALLEL, written.size(), "each its own file: " + written);
        for (AgentCli cli : toOneFile) {
            assertEquals(0, cli.exitCode(), cli.toString());
            assertEquals(dir.resolve("same.json").toString(), cli.lastStdoutLine());
        }
        Files.createFile(dir.resolve("stop"));
        assertEquals(0, jvm.waitFor(WAIT_SECONDS).exitCode());
    }

    @Test
    void anApplicationThatResetsItsSystemPropertiesStillHasOneAgent() throws Exception {
        AgentJvm.Running jvm = AgentJvm.withAgent("out=" + dir.resolve("exit.json")).directory(dir)
                .start(ForgetfulApp.class, dir.resolve("stop").toString(), "300");
        jvm.awaitStdout("reset", 1, WAIT_SECONDS);

        AgentCli dump = AgentCli.run(dir, "dump", Long.toString(jvm.pid()), dir.resolve("now.json").toString());
        assertEquals(0, dump.exitCode(), dump.toString());
        assertEquals(List.of(dir.resolve("now.json").toString()), dump.stdoutLines(),
                "no 'was not running the agent': the agent runs since the start");
        AgentCli attach = AgentCli.run(dir, "attach", Long.toString(jvm.pid()), "quiet=true");
        assertEquals(1, attach.exitCode(), attach.toString());
        attach.assertOneLineError("runs the agent already");

        Files.createFile(dir.resolve("stop"));
        AgentJvm.Result result = jvm.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
        List<String> exitLines = result.agentLines().stream().filter(l -> l.endsWith("(exit)")).toList();
        assertEquals(1, exitLines.size(), "one exit dump: " + result.agentLines());
        assertFalse(Files.exists(dir.resolve("loomscope-" + jvm.pid() + ".json")), "no second agent's exit dump");
        assertEquals("exit", AgentJvm.readJson(dir.resolve("exit.json")).at("/recording/trigger").asText());
    }

    @Test
    void anAttachErrorQuotingANonJavaCommandLinePrintsItWithoutNulBytes() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            AgentCli cli = AgentCli.run(dir, "dump", Long.toString(sleep.pid()));
            assertEquals(1, cli.exitCode(), cli.toString());
            cli.assertOneLineError("cannot attach to " + sleep.pid());
            assertTrue(cli.stderr().chars().noneMatch(c -> c == 0 || (Character.isISOControl(c) && c != '\n')),
                    "printable: " + cli.stderr().replace('\0', '@'));
        } finally {
            sleep.destroy();
        }
    }

    @Test
    void aJvmExitingDuringASigquitDumpLeavesNoTemporaryFile() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path roundDir = Files.createDirectory(dir.resolve("round-" + round));
            AgentJvm.Running jvm = AgentJvm.withAgent("out=" + roundDir.resolve("exit.json") + ",quiet=true,dump="
                            + roundDir.resolve("q-%t.json"))
                    .start(UntilStopped.class, roundDir.resolve("stop").toString(), "300");
            jvm.awaitStdout("ready", 1, WAIT_SECONDS);
            new ProcessBuilder("kill", "-QUIT", Long.toString(jvm.pid())).start().waitFor();
            jvm.awaitStdout("Full thread dump", 1, WAIT_SECONDS);
            Files.createFile(roundDir.resolve("stop")); // exits while the agent's SIGQUIT dump is being written
            assertEquals(0, jvm.waitFor(WAIT_SECONDS).exitCode());
            try (Stream<Path> files = Files.list(roundDir)) {
                List<String> hidden = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("."))
                        .toList();
                assertEquals(List.of(), hidden, "no temporary file left in round " + round);
            }
            assertTrue(Files.exists(roundDir.resolve("exit.json")));
        }
    }

    private static List<AgentCli> parallel(java.util.concurrent.Callable<AgentCli> command) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<AgentCli>> futures = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                futures.add(pool.submit(command));
            }
            List<AgentCli> results = new ArrayList<>();
            for (Future<AgentCli> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.loomscope.agent.it;

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
 * Runs the agent jar's command line ({@code java -jar loomscope-agent.jar dump|attach ...}) as a user would, in a
 * separate JVM, and keeps what it printed.
 *
 * @param exitCode     the command's exit status
 * @param stdout       everything it printed to stdout
 * @param stderr       everything it printed to stderr
 * @param elapsedNanos wall time from start to exit
 */
public record AgentCli(int exitCode, String stdout, String stderr, long elapsedNanos) {
    private static final long WAIT_SECONDS = 120;

    /** Runs the command with {@code args}; its output goes to files in {@code dir}. */
    public static AgentCli run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(AgentJvm.tool("java").toString(), "-jar",
                AgentJvm.AGENT_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli-", ".out");
        Path err = Files.createTempFile(dir, "cli-", ".err");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("CLI did not finish within " + WAIT_SECONDS + " s: " + command);
        }
        return new AgentCli(process.exitValue(), Files.readString(out), Files.readString(err),
                System.nanoTime() - start);
    }

    public AgentCli expect(int expectedExitCode) {
        assertEquals(expectedExitCode, exitCode, toString());
        return this;
    }

    /** Exactly one line on stderr, starting {@code loomscope: } and containing {@code text}, and no stack trace. */
    public void assertOneLineError(String text) {
        List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + this);
        assertTrue(lines.get(0).startsWith("loomscope: ") && lines.get(0).contains(text), toString());
        assertFalse(stderr.contains("\tat "), toString());
    }

    public List<String> stdoutLines() {
        return stdout.lines().filter(l -> !l.isBlank()).toList();
    }

    public String lastStdoutLine() {
        List<String> lines = stdoutLines();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + " after " + elapsedNanos / 1_000_000 + " ms\nstdout:\n" + stdout
                + "stderr:\n" + stderr;
    }
}

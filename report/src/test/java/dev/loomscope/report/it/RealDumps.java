package dev.loomscope.report.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Dumps written by the real agent jar into real JVMs running the agent module's test workloads
 * ({@code ../agent/target}, paths passed by failsafe from report/pom.xml). Each recording is made once per test JVM
 * and shared by the integration tests that need it, since every one costs a JVM start and a few seconds of workload.
 */
final class RealDumps {
    static final Path AGENT_JAR = Path.of(System.getProperty("loomscope.agentJar",
            "../agent/target/loomscope-agent.jar"));
    static final Path WORKLOADS = Path.of(System.getProperty("loomscope.workloadClasses",
            "../agent/target/test-classes"));
    static final Path DIR = Path.of(System.getProperty("loomscope.itDumps", "target/it-dumps"));
    private static final String PACKAGE = "dev.loomscope.agent.it.workloads.";
    private static final Map<String, Path> RECORDED = new HashMap<>();

    private RealDumps() {
    }

    /** 50 virtual threads on 10 ms sleeps for 1.5 s, on one carrier: the baseline. */
    static Path sleepers() throws IOException, InterruptedException {
        return record("sleepers", List.of("-Djdk.virtualThreadScheduler.parallelism=1"), "", "Scheduling", "sleepers");
    }

    /** The same with a virtual thread that keeps the only carrier for 100 ms three times: wakeToRun p99 ~ 100 ms. */
    static Path sleepersWithHog() throws IOException, InterruptedException {
        return record("sleepersWithHog", List.of("-Djdk.virtualThreadScheduler.parallelism=1"), "", "Scheduling",
                "sleepersWithHog");
    }

    /** Three virtual threads that park while pinned (in a class initialiser). */
    static Path pinned() throws IOException, InterruptedException {
        return record("pinned", List.of(), "", "Lifecycle", "pinnedInClassInit");
    }

    /** {@code n} notifier threads left parked for good, every stack sampled, leak threshold 300 ms. */
    static Path leak(int n) throws IOException, InterruptedException {
        return record("leak" + n, List.of(), "sampleEvery=1,leakThreshold=300ms", "Leak", Integer.toString(n), "500");
    }

    /** {@code n} virtual threads that each sleep 20 ms once, every stack sampled (same options as {@link #leak}). */
    static Path sleep20(int n) throws IOException, InterruptedException {
        return record("sleep20-" + n, List.of(), "sampleEvery=1,leakThreshold=300ms", "Scheduling", "sleep20",
                Integer.toString(n));
    }

    /** Runs the workload (once per name) and returns its exit dump. */
    static synchronized Path record(String name, List<String> jvmOptions, String agentOptions, String main,
                                    String... args) throws IOException, InterruptedException {
        Path done = RECORDED.get(name);
        if (done != null) {
            return done;
        }
        if (!Files.isRegularFile(AGENT_JAR) || !Files.isDirectory(WORKLOADS)) {
            throw new IllegalStateException("build the agent module first: no " + AGENT_JAR + " or " + WORKLOADS);
        }
        Files.createDirectories(DIR);
        Path dump = DIR.resolve(name + ".json");
        Files.deleteIfExists(dump);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=out=" + dump.toAbsolutePath() + ",quiet=true"
                + (agentOptions.isEmpty() ? "" : "," + agentOptions));
        command.add("-cp");
        command.add(WORKLOADS.toAbsolutePath().toString());
        command.add(PACKAGE + main);
        command.addAll(List.of(args));
        Path log = DIR.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(name + ": workload JVM did not finish in 120 s; see " + log);
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(dump)) {
            throw new AssertionError(name + ": workload JVM exited " + process.exitValue() + " without a dump:\n"
                    + Files.readString(log));
        }
        RECORDED.put(name, dump);
        return dump;
    }

    /** A path for a file a test writes next to the dumps. */
    static Path file(String name) throws IOException {
        Files.createDirectories(DIR);
        return DIR.resolve(name);
    }
}

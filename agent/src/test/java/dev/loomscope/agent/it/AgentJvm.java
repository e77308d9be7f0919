package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.format.LoomscopeDump;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real JVM with the real agent jar on a workload main class from the test classes, and collects what it
 * printed and the JSON it dumped. The JVM is the workload JDK's ({@link #WORKLOAD_JDK}): by default the JDK running
 * the tests, or the one the system property {@code loomscope.testJdk} names ({@code scripts/test} with
 * {@code LOOMSCOPE_TEST_JDKS}, README.md), so that the same tests run the agent on every JDK from 21 on. Tests whose
 * expectations depend on the release ask {@link #workloadFeature()}, never the test JVM's own version.
 */
public final class AgentJvm {
    public static final Path AGENT_JAR = Path.of(System.getProperty("loomscope.agentJar", "target/loomscope-agent.jar"));
    public static final Path TEST_CLASSES = Path.of(System.getProperty("loomscope.testClasses", "target/test-classes"));
    /** The JDK the workloads, the agent and its command line run on. */
    public static final Path WORKLOAD_JDK = workloadJdk();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> classPath = new ArrayList<>(List.of(TEST_CLASSES.toString()));
    private Path java = WORKLOAD_JDK.resolve("bin").resolve("java");
    private String agentOptions;
    private boolean withAgent = true;
    private long timeoutSeconds = 120;
    private Path directory;
    private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    public static AgentJvm withAgent(String agentOptions) {
        AgentJvm jvm = new AgentJvm();
        jvm.agentOptions = agentOptions;
        return jvm;
    }

    public static AgentJvm withoutAgent() {
        AgentJvm jvm = new AgentJvm();
        jvm.withAgent = false;
        return jvm;
    }

    public AgentJvm java(Path javaExecutable) {
        this.java = javaExecutable;
        return this;
    }

    public AgentJvm jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public AgentJvm classPath(Path entry) {
        classPath.add(entry.toString());
        return this;
    }

    /** The JVM's working directory (default: the test's), where relative dump paths end up. */
    public AgentJvm directory(Path workingDirectory) {
        this.directory = workingDirectory;
        return this;
    }

    /** Sets a variable in the JVM's environment (e.g. {@code LC_ALL}). */
    public AgentJvm environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public AgentJvm timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    public List<String> command(Class<?> mainClass, String... args) {
        return command(mainClass.getName(), args);
    }

    /** For a main class the test JVM cannot load (compiled elsewhere, e.g. for an older JDK). */
    public List<String> command(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        if (withAgent) {
            command.add("-javaagent:" + AGENT_JAR.toAbsolutePath()
                    + (agentOptions == null || agentOptions.isEmpty() ? "" : "=" + agentOptions));
        }
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Runs to completion (or kills at the timeout) and returns what happened. */
    public Result run(Class<?> mainClass, String... args) throws IOException, InterruptedException {
        return run(mainClass.getName(), args);
    }

    /** Runs to completion (or kills at the timeout) and returns what happened. */
    public Result run(String mainClass, String... args) throws IOException, InterruptedException {
        return start(mainClass, args).waitFor(timeoutSeconds);
    }

    /** Starts the JVM; its stdout and stderr go to temporary files. */
    public Running start(Class<?> mainClass, String... args) throws IOException {
        return start(mainClass.getName(), args);
    }

    /** Starts the JVM; its stdout and stderr go to temporary files. */
    public Running start(String mainClass, String... args) throws IOException {
        Path stdout = Files.createTempFile("loomscope-it-", ".out");
        Path stderr = Files.createTempFile("loomscope-it-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command(mainClass, args));
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        Process process = builder
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        return new Running(process, stdout, stderr);
    }

    /** A JVM started by {@link #start}. */
    public record Running(Process process, Path stdoutFile, Path stderrFile) {
        public long pid() {
            return process.pid();
        }

        public String stdoutSoFar() throws IOException {
            return Files.readString(stdoutFile);
        }

        public String stderrSoFar() throws IOException {
            return Files.readString(stderrFile);
        }

        /** Waits until the JVM's stdout contains {@code text} {@code times} times; fails if it exits first. */
        public void awaitStdout(String text, int times, long timeoutSeconds) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (occurrences(stdoutSoFar(), text) < times) {
                if (!process.isAlive()) {
                    throw new AssertionError("JVM exited (" + process.exitValue() + ") before printing '" + text
                            + "' " + times + " times; stderr:\n" + stderrSoFar());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' " + times + " times within " + timeoutSeconds
                            + " s; stderr:\n" + stderrSoFar());
                }
                Thread.sleep(20);
            }
        }

        private static int occurrences(String haystack, String needle) {
            int count = 0;
            for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
                count++;
            }
            return count;
        }

        public Result waitFor(long timeoutSeconds) throws IOException, InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("JVM did not finish within " + timeoutSeconds + " s; stderr:\n"
                        + Files.readString(stderrFile));
            }
            return new Result(process.exitValue(), Files.readString(stdoutFile), Files.readString(stderrFile));
        }
    }

    /** What a finished JVM printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** stderr lines, without the JVM's own CDS note about the appended boot class path (docs/options.md). */
        public List<String> stderrLines() {
            List<String> lines = new ArrayList<>();
            for (String line : stderr.split("\\R")) {
                if (!line.isBlank() && !line.contains("bootstrap classpath has been appended")) {
                    lines.add(line);
                }
            }
            return lines;
        }

        /** The agent's own lines on stderr ("loomscope: ..."). */
        public List<String> agentLines() {
            return stderrLines().stream().filter(l -> l.startsWith("loomscope:")).toList();
        }
    }

    /** An executable of the workload JDK ({@code java}, {@code jcmd}, ...). */
    public static Path tool(String name) {
        return WORKLOAD_JDK.resolve("bin").resolve(name);
    }

    /** The workload JDK's feature release (21, 25, ...): what release-dependent expectations follow. */
    public static int workloadFeature() {
        String version = workloadJavaVersion();
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return Integer.parseInt(version.substring(0, end));
    }

    /** The workload JDK's {@code java.version}, from its {@code release} file ({@code JAVA_VERSION}). */
    public static String workloadJavaVersion() {
        if (System.getProperty("loomscope.testJdk", "").isBlank()) {
            return System.getProperty("java.version");
        }
        try {
            for (String line : Files.readAllLines(WORKLOAD_JDK.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("loomscope.testJdk=" + WORKLOAD_JDK + " has no readable release file", e);
        }
        throw new IllegalStateException("no JAVA_VERSION in " + WORKLOAD_JDK.resolve("release"));
    }

    private static Path workloadJdk() {
        String named = System.getProperty("loomscope.testJdk", "");
        Path home = named.isBlank() ? Path.of(System.getProperty("java.home")) : Path.of(named);
        if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
            throw new IllegalStateException("loomscope.testJdk=" + named + ": no bin/java there");
        }
        return home.toAbsolutePath();
    }

    public static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    /**
     * The dump as the format's records, read the way the report and the JUnit extension read it, but strictly: a
     * field the records do not know fails the test.
     */
    public static LoomscopeDump records(JsonNode dump) {
        try {
            return JSON.treeToValue(dump, LoomscopeDump.class);
        } catch (IOException e) {
            throw new AssertionError("the dump does not read into the format's records", e);
        }
    }
}

package dev.loomscope.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a JVM without virtual threads the agent must say so in one line and stay out of the way: the application starts,
 * prints and exits exactly as it would without the agent.
 */
class UnsupportedJvmIT {
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    private static final String APP_CLASS = "HelloFromJava17";
    private static final String APP_SOURCE = """
            public class HelloFromJava17 {
                public static void main(String[] args) {
                    System.out.println("hello, " + args[0]);
                    System.out.println("java.specification.version=" + System.getProperty("java.specification.version"));
                    System.err.println("app: a stderr line of its own");
                    if (args.length > 1) { // stay up until the file named there exists
                        System.out.println("ready");
                        System.out.flush();
                        while (!new java.io.File(args[1]).exists()) {
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }
            }
            """;

    @Test
    void java17RunsTheApplicationAndTheAgentSaysOnceThatItIsDisabled(@TempDir Path dir) throws Exception {
        Path java = JDK17.resolve("bin/java");
        Path javac = JDK17.resolve("bin/javac");
        assumeTrue(Files.isExecutable(java) && Files.isExecutable(javac), "no JDK 17 at " + JDK17);
        String javaVersion = releaseJavaVersion();
        Path classes = compileWithJdk17(javac, dir);
        Path dump = dir.resolve("never-written.json");

        AgentJvm.Result result = AgentJvm.withAgent("out=" + dump)
                .java(java)
                .classPath(classes)
                .run(APP_CLASS, "loom");

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of("hello, loom", "java.specification.version=17"), result.stdout().lines().toList());
        List<String> agentLines = result.agentLines();
        assertEquals(1, agentLines.size(), result::toString);
        String line = agentLines.get(0);
        assertTrue(line.startsWith("loomscope: Java " + javaVersion + " "), line);
        assertTrue(line.contains("no virtual threads"), line);
        assertTrue(line.endsWith("agent disabled"), line);
        List<String> otherStderr = result.stderrLines().stream().filter(l -> !agentLines.contains(l)).toList();
        assertEquals(List.of("app: a stderr line of its own"), otherStderr, "the application's stderr, untouched");
        assertFalse(Files.exists(dump), "a disabled agent writes no dump");
    }

    @Test
    void dumpAndAttachAgainstARunningJava17JvmSayItHasNoVirtualThreads(@TempDir Path dir) throws Exception {
        Path java = JDK17.resolve("bin/java");
        Path javac = JDK17.resolve("bin/javac");
        assumeTrue(Files.isExecutable(java) && Files.isExecutable(javac), "no JDK 17 at " + JDK17);
        Path classes = compileWithJdk17(javac, dir);
        AgentJvm.Running jvm = AgentJvm.withoutAgent().java(java).classPath(classes)
                .start(APP_CLASS, "loom", dir.resolve("stop").toString());
        jvm.awaitStdout("ready", 1, 60);

        for (String command : List.of("dump", "attach")) {
            AgentCli cli = AgentCli.run(dir, command, Long.toString(jvm.pid()));
            assertEquals(1, cli.exitCode(), cli.toString());
            cli.assertOneLineError(jvm.pid() + " runs Java " + releaseJavaVersion() + ", which has no virtual threads");
        }
        Files.createFile(dir.resolve("stop"));
        assertEquals(0, jvm.waitFor(60).exitCode());
    }

    @Test
    void theAgentJarTellsItsVersionOnJava17() throws Exception {
        Path java = JDK17.resolve("bin/java");
        assumeTrue(Files.isExecutable(java), "no JDK 17 at " + JDK17);
        Process process = new ProcessBuilder(java.toString(), "-jar", AgentJvm.AGENT_JAR.toString(), "--version")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "java -jar did not finish");
        assertEquals(0, process.exitValue(), output);
        assertEquals("loomscope-agent " + System.getProperty("loomscope.version"), output.trim());
    }

    /** {@code JAVA_VERSION} of the JDK's {@code release} file: what its {@code java.version} reports. */
    private static String releaseJavaVersion() throws IOException {
        for (String line : Files.readAllLines(JDK17.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                return line.substring("JAVA_VERSION=".length()).replace("\"", "");
            }
        }
        throw new AssertionError("no JAVA_VERSION in " + JDK17.resolve("release"));
    }

    private static Path compileWithJdk17(Path javac, Path dir) throws IOException, InterruptedException {
        Path source = dir.resolve(APP_CLASS + ".java");
        Files.writeString(source, APP_SOURCE);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Process process = new ProcessBuilder(javac.toString(), "-d", classes.toString(), source.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "javac did not finish");
        assertEquals(0, process.exitValue(), output);
        return classes;
    }
}

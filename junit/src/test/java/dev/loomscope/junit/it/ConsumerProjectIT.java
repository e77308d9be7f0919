package dev.loomscope.junit.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a team does: {@code mvn install} of Loomscope, then its own project resolving the agent and the extension from
 * the local repository as docs/junit.md shows ({@code src/test/resources/consumer-project}).
 * <p>
 * Both builds run with a local repository of their own: the user's repository seen through symbolic links (plugins
 * and libraries, whatever is there already), except {@code dev/loomscope}, which only the install fills. So nothing of
 * Loomscope in the user's repository can stand in for what this checkout installs, and the user's repository gets
 * no Loomscope artifact from this test.
 */
class ConsumerProjectIT {
    private static final Path PROJECT_ROOT = Path.of(System.getProperty("loomscope.projectRoot", ".."));
    private static final String VERSION = System.getProperty("loomscope.version");
    private static final Path USER_REPOSITORY = Path.of(System.getProperty("loomscope.localRepository",
            System.getProperty("user.home") + "/.m2/repository"));
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>.*?</dependency>", Pattern.DOTALL);
    /** Top-level entries not copied into the throwaway checkout. */
    private static final Set<String> NOT_COPIED = Set.of("target", ".git", "out", ".idea");

    @TempDir
    static Path work;
    private static Path repository;
    private static Path consumer;

    @BeforeAll
    static void installLoomscopeThenCopyTheConsumerProject() throws Exception {
        assertNotNull(VERSION, "loomscope.version not set: run through failsafe (mvn verify)");
        repository = repositoryWithoutLoomscope(work.resolve("repository"));
        Path checkout = work.resolve("loomscope");
        copyTree(PROJECT_ROOT, checkout);
        Build install = maven(checkout, "install", "-DskipTests", "-pl", "agent,report,junit", "-am");
        assertEquals(0, install.exitCode, () -> "mvn install failed:\n" + install.tail());
        consumer = work.resolve("checkout");
        copyTree(resource("consumer-project"), consumer);
        Path pom = consumer.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom)
                .replace("@LOOMSCOPE_VERSION@", VERSION)
                .replace("@JUNIT_VERSION@", System.getProperty("loomscope.junitVersion"))
                .replace("@RESOURCES_VERSION@", System.getProperty("loomscope.resourcesPluginVersion"))
                .replace("@COMPILER_VERSION@", System.getProperty("loomscope.compilerPluginVersion"))
                .replace("@DEPENDENCY_VERSION@", System.getProperty("loomscope.dependencyPluginVersion"))
                .replace("@SUREFIRE_VERSION@", System.getProperty("loomscope.surefireVersion")));
    }

    @Test
    void theInstalledAgentAndReportJarsAreTheRunnableOnes() throws Exception {
        Path agent = installed("loomscope-agent");
        Path report = installed("loomscope-report");
        try (JarFile jar = new JarFile(agent.toFile())) {
            assertEquals("dev.loomscope.agent.AgentLauncher",
                    jar.getManifest().getMainAttributes().getValue("Premain-Class"));
        }
        assertEquals("loomscope-agent " + VERSION, java(agent, "--version").trim());
        assertEquals("loomscope-report " + VERSION, java(report, "--version").trim());
        String pom = Files.readString(agent.resolveSibling("loomscope-agent-" + VERSION + ".pom"));
        for (String dependency : DEPENDENCY.matcher(pom).results().map(MatchResult::group).toList()) {
            assertTrue(dependency.contains("<scope>provided</scope>") || dependency.contains("<scope>test</scope>"),
                    "a team resolving the agent must get nothing on its class path but the agent: " + dependency);
        }
    }

    @Test
    void aTeamsTestWithinItsBudgetPassesWithTheAgentFromTheRepository() throws Exception {
        Build test = maven(consumer, "test");
        assertEquals(0, test.exitCode, () -> "consumer build failed:\n" + test.tail());
        String report = Files.readString(consumer.resolve("target/surefire-reports/TEST-com.example.CheckoutTest.xml"));
        assertTrue(report.contains("tests=\"1\"") && report.contains("failures=\"0\"") && report.contains("errors=\"0\""),
                report);
        assertTrue(Files.size(consumer.resolve("target/loomscope-tests.json")) > 0, "the agent's exit dump");
    }

    @Test
    void aTeamsTestOverItsBudgetFailsTheBuildNamingTheBudget() throws Exception {
        Build test = maven(consumer, "test", "-Dtest=OverBudgetTest");
        assertEquals(1, test.exitCode, () -> "expected the budget to fail the build:\n" + test.tail());
        String report = Files.readString(consumer.resolve(
                "target/surefire-reports/TEST-com.example.OverBudgetTest.xml"));
        assertTrue(report.contains("Loomscope budget exceeded in sleepsTwoThousandTimes()"), report);
        assertTrue(report.contains("wakeToRun p99 ") && report.contains("&gt; 1ns"), report);
    }

    private static Path installed(String artifactId) {
        Path jar = repository.resolve("dev/loomscope/" + artifactId + "/" + VERSION + "/" + artifactId + "-" + VERSION
                + ".jar");
        assertTrue(Files.isRegularFile(jar), "not installed: " + jar);
        return jar;
    }

    /** A local repository whose every entry links to the user's, except {@code dev/loomscope}. */
    private static Path repositoryWithoutLoomscope(Path repository) throws IOException {
        Files.createDirectories(repository.resolve("dev"));
        if (!Files.isDirectory(USER_REPOSITORY)) {
            return repository;
        }
        try (Stream<Path> entries = Files.list(USER_REPOSITORY)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("dev")) {
                    Files.createSymbolicLink(repository.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        Path dev = USER_REPOSITORY.resolve("dev");
        if (Files.isDirectory(dev)) {
            try (Stream<Path> entries = Files.list(dev)) {
                for (Path entry : entries.toList()) {
                    if (!entry.getFileName().toString().equals("loomscope")) {
                        Files.createSymbolicLink(repository.resolve("dev").resolve(entry.getFileName().toString()),
                                entry);
                    }
                }
            }
        }
        return repository;
    }

    private record Build(int exitCode, String output) {
        String tail() {
            List<String> lines = output.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
    }

    private static Build maven(Path dir, String... goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString());
        command.add("-B");
        command.add("-ntp");
        if ("offline:true".equals(System.getProperty("loomscope.offline"))) { // the outer build's -o
            command.add("-o");
        }
        command.add("-Dmaven.repo.local=" + repository);
        command.addAll(List.of(goals));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_OPTS");
        Path log = Files.createTempFile(work, "mvn-", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("mvn " + String.join(" ", goals) + " did not finish in 10 minutes");
        }
        return new Build(process.exitValue(), Files.readString(log));
    }

    private static String java(Path jar, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        assertEquals(0, process.waitFor(), () -> new String(output, StandardCharsets.UTF_8));
        return new String(output, StandardCharsets.UTF_8);
    }

    private static Path resource(String name) {
        URL url = ConsumerProjectIT.class.getClassLoader().getResource(name);
        assertNotNull(url, name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Path relative = from.relativize(dir);
                if (relative.getNameCount() > 0 && NOT_COPIED.contains(relative.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(relative.toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

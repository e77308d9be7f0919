package dev.loomscope.report.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What a user types first: {@code --version}, {@code --help} of each command, and the jar on an older Java. */
class CommandLineIT {
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    @Test
    void versionNamesTheJarsVersion() throws Exception {
        ReportJar.Result r = ReportJar.run("--version");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("loomscope-report " + System.getProperty("loomscope.version"), r.stdout().trim());
    }

    @Test
    void everyCommandHasHelpOnStdout() throws Exception {
        for (String command : new String[]{"report", "check", "diff", "merge", "alerts"}) {
            ReportJar.Result r = ReportJar.run(command, "--help");
            assertEquals(0, r.exitCode(), command + ": " + r.stderr());
            assertTrue(r.stdout().startsWith("usage: java -jar loomscope-report.jar " + command), r.stdout());
            assertEquals("", r.stderr(), command);
        }
    }

    @Test
    void onJava17TheJarSaysInOneLineWhichJavaItNeeds() throws Exception {
        Path java = JDK17.resolve("bin/java");
        assumeTrue(Files.isExecutable(java), "no JDK 17 at " + JDK17);
        Process process = new ProcessBuilder(java.toString(), "-jar", ReportJar.JAR.toAbsolutePath().toString(),
                "check", "--help").start();
        String stdout = new String(process.getInputStream().readAllBytes());
        String stderr = new String(process.getErrorStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "java -jar did not finish");
        assertEquals(2, process.exitValue(), stderr);
        assertEquals("", stdout);
        assertTrue(stderr.trim().matches("loomscope-report: needs Java 21 or later; this is Java 17[.0-9]*"), stderr);
    }
}

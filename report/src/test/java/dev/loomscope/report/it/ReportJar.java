package dev.loomscope.report.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real report jar ({@code java -jar loomscope-report.jar ...}): the exit code is what CI sees. */
final class ReportJar {
    static final Path JAR = Path.of(System.getProperty("loomscope.reportJar", "target/loomscope-report.jar"));

    private ReportJar() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        /** stderr without blank lines. */
        List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static Result run(Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Each run lasts a second or so: C1 alone starts it in about half the time of tiered compilation on a
        // machine with two cores, and the suites run the jar a few hundred times.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        for (Object arg : args) {
            command.add(arg.toString());
        }
        Path out = Files.createTempFile("loomscope-report-it-", ".out");
        Path err = Files.createTempFile("loomscope-report-it-", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("report jar did not finish in 60 s: " + command);
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

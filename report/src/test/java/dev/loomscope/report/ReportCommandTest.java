package dev.loomscope.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ReportMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path dump(String name) throws Exception {
        return TestDumps.writeCompleted(dir.resolve(name), HtmlReportTest.HOSTILE);
    }

    @Test
    void writesNextToTheInputWithTheHtmlExtensionAndPrintsThePath() throws Exception {
        Path in = dump("service.json");
        assertEquals(0, run("report", in.toString()), err());
        Path html = dir.resolve("service.html");
        assertEquals(html + System.lineSeparator(), out());
        assertEquals("", err());
        assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void defaultOutputNames() {
        assertEquals(Path.of("a/b.html"), ReportCommand.defaultOutput(Path.of("a/b.json")));
        assertEquals(Path.of("a/b.json.html"), ReportCommand.defaultOutput(Path.of("a/b.json.json")));
        assertEquals(Path.of("dump.html"), ReportCommand.defaultOutput(Path.of("dump.JSON")));
        assertEquals(Path.of("dump.txt.html"), ReportCommand.defaultOutput(Path.of("dump.txt")));
        assertEquals(Path.of(".json.html"), ReportCommand.defaultOutput(Path.of(".json")));
    }

    @Test
    void outputOptionChoosesTheFile() throws Exception {
        Path in = dump("in.json");
        Path target = dir.resolve("elsewhere.html");
        assertEquals(0, run("report", "-o", target.toString(), in.toString()), err());
        assertEquals(target + System.lineSeparator(), out());
        assertTrue(Files.size(target) > 1000);
        assertFalse(Files.exists(dir.resolve("in.html")));
    }

    @Test
    void helpIsPrintedWithExitZero() {
        assertEquals(0, run("report", "--help"));
        assertTrue(out().startsWith("usage: java -jar loomscope-report.jar report IN.json [-o OUT.html]"), out());
    }

    @Test
    void appPrefixesNameTheDiagnosisSitesInThePageAndInTheText() throws Exception {
        Path in = dump("in.json");
        Path html = dir.resolve("in.html");
        assertEquals(0, run("report", in.toString(), "--app", "app."), err());
        assertTrue(Files.readString(html).contains("<section id=\"diagnosis\">"));
        assertEquals(0, run("report", in.toString(), "--app=app.Leak"), err());

        out.reset();
        assertEquals(0, run("diagnose", in.toString(), "--app", "app."), err());
        assertTrue(out().startsWith("Loomscope diagnosis of " + in + "\n"), out());
        assertTrue(out().contains("40 threads at Leak.awaitNotification(Leak.java:35)  park 40"), out());
        assertEquals("", err());
    }

    @Test
    void unusableInputIsOneLineAndExitTwo() throws Exception {
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"schema\": \"loomscope/1\", ");
        assertEquals(2, run("report", notJson.toString()));
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().startsWith("loomscope-report: " + notJson + ": not JSON"), err());
        assertFalse(Files.exists(dir.resolve("broken.html")));
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() throws Exception {
        Path in = dump("in.json");
        String[][] cases = {
                {"report"},
                {"report", in.toString(), "-o"},
                {"report", in.toString(), "--colour"},
                {"report", in.toString(), in.toString()},
                {"report", in.toString(), "-o", in.toString()},
                {"report", in.toString(), "-o", dir.resolve("no/such/dir/x.html").toString()},
                {"report", dir.resolve("missing.json").toString()},
                {"report", in.toString(), "--app"},
                {"report", in.toString(), "--app", " , "},
                {"diagnose"},
                {"diagnose", in.toString(), in.toString()},
                {"diagnose", in.toString(), "--app="},
                {"diagnose", dir.resolve("missing.json").toString()},
        };
        for (String[] args : cases) {
            err.reset();
            assertEquals(2, run(args), String.join(" ", args));
            assertEquals(1, err().lines().count(), String.join(" ", args) + ": " + err());
            assertTrue(err().startsWith("loomscope-report: "), err());
        }
        assertEquals("", out());
        assertEquals(TestDumps.complete(HtmlReportTest.HOSTILE), TestDumps.JSON.readTree(in.toFile()),
                "the input is never overwritten");
    }
}

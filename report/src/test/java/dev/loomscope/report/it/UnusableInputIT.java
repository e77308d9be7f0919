package dev.loomscope.report.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unusable input gives exit 2 and one line on stderr naming the file, never a stack trace, in every command and in
 * either position. The bad files are made from a real dump.
 */
class UnusableInputIT {
    private static final Map<String, Path> BAD = new LinkedHashMap<>();
    private static Path good;

    @BeforeAll
    static void makeBadFiles() throws Exception {
        good = RealDumps.sleepers();
        byte[] bytes = Files.readAllBytes(good);
        BAD.put("truncated", write("truncated.json", Arrays.copyOf(bytes, bytes.length / 2)));
        byte[] corrupt = bytes.clone();
        for (int i = bytes.length / 3; i < bytes.length / 3 + 16; i++) {
            corrupt[i] = (byte) (i * 37); // binary garbage in the middle of the JSON
        }
        BAD.put("corrupt", write("corrupt.json", corrupt));
        BAD.put("empty", write("empty.json", new byte[0]));
        BAD.put("foreign", write("foreign.json", """
                {"name": "some-service", "version": "1.2.3", "traceEvents": [{"ph": "X", "ts": 1}]}
                """.getBytes(StandardCharsets.UTF_8)));
        BAD.put("future schema", write("future.json", new String(bytes, StandardCharsets.UTF_8)
                .replace("\"loomscope/1\"", "\"loomscope/2\"").getBytes(StandardCharsets.UTF_8)));
        ObjectMapper json = new ObjectMapper();
        ObjectNode badHdr = (ObjectNode) json.readTree(bytes);
        ((ObjectNode) badHdr.at("/latencies/wakeToRun")).put("hdr", "SElTVEZBQUFBQ1h4bkpOcFlR");
        BAD.put("corrupt histogram", write("bad-hdr.json", json.writeValueAsBytes(badHdr)));
        BAD.put("missing", RealDumps.file("does-not-exist.json"));
    }

    private static Path write(String name, byte[] bytes) throws Exception {
        Path file = RealDumps.file(name);
        Files.write(file, bytes);
        return file;
    }

    @Test
    void checkRefusesEachBadFileAsBaselineAndAsCurrent() throws Exception {
        for (Map.Entry<String, Path> bad : BAD.entrySet()) {
            assertOneLineExit2(bad, "check", "--baseline", bad.getValue(), "--current", good);
            assertOneLineExit2(bad, "check", "--baseline", good, "--current", bad.getValue());
        }
    }

    @Test
    void diffAndMergeRefuseEachBadFile() throws Exception {
        Path out = RealDumps.file("never-written.json");
        Files.deleteIfExists(out);
        for (Map.Entry<String, Path> bad : BAD.entrySet()) {
            assertOneLineExit2(bad, "diff", good, bad.getValue());
            assertOneLineExit2(bad, "merge", good, bad.getValue(), "-o", out);
            assertFalse(Files.exists(out), "no output from a merge with a bad input");
        }
    }

    @Test
    void badUsageIsExit2InOneLineToo() throws Exception {
        List<Object[]> usages = List.of(
                new Object[]{"check", "--baseline", good},
                new Object[]{"check", "--baseline", good, "--current", good, "--max-regression", "p99=lots"},
                new Object[]{"check", "--baseline", good, "--current", good, "--budget", "wakeToRun.p99=5 parsecs"},
                new Object[]{"check", "--baseline", good, "--current", good, "--metrics", "wakeToRn"},
                new Object[]{"check", "--baseline", good, "--current", good, "--no-such-option"},
                new Object[]{"diff", good},
                new Object[]{"merge", good, good});
        for (Object[] args : usages) {
            ReportJar.Result r = ReportJar.run(args);
            String what = Arrays.toString(args);
            assertEquals(2, r.exitCode(), what + "\n" + r.stdout() + r.stderr());
            assertEquals(1, r.stderrLines().size(), what + "\n" + r.stderr());
            assertTrue(r.stderr().startsWith("loomscope-report: "), what + "\n" + r.stderr());
        }
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String command : new String[]{"check", "diff", "merge"}) {
            ReportJar.Result r = ReportJar.run(command, "--help");
            assertEquals(0, r.exitCode(), command + ": " + r.stderr());
            assertTrue(r.stdout().startsWith("usage: java -jar loomscope-report.jar " + command), r.stdout());
            assertTrue(r.stdout().contains("Exit codes"), r.stdout());
        }
    }

    private static void assertOneLineExit2(Map.Entry<String, Path> bad, Object... args) throws Exception {
        ReportJar.Result r = ReportJar.run(args);
        String what = bad.getKey() + " " + Arrays.toString(args);
        assertEquals(2, r.exitCode(), what + "\n" + r.stdout() + r.stderr());
        List<String> lines = r.stderrLines();
        assertEquals(1, lines.size(), what + ": one line on stderr\n" + r.stderr());
        String line = lines.get(0);
        assertTrue(line.startsWith("loomscope-report: " + bad.getValue()), what + ": names the file: " + line);
        assertFalse(line.contains("Exception"), what + ": no exception names: " + line);
        assertFalse(r.stderr().contains("\tat "), what + ": no stack trace");
        assertEquals("", r.stdout(), what + ": nothing on stdout");
    }
}

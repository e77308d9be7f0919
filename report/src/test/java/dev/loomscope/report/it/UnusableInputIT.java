package dev.loomscope.report.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
 * either position; a malformed field is named by its JSON pointer. The bad files are made from a real dump.
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

    /**
     * One field of a real, valid dump changed: {@code raw} is the JSON text put there ({@code null}: the field
     * removed), {@code named} the JSON pointer the one line must name.
     */
    record Malformed(String name, String pointer, String raw, String named) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Malformed> malformed() {
        return List.of(
                new Malformed("counts.created a string", "/counts/created", "\"many\"", "/counts/created"),
                new Malformed("counts.created missing", "/counts/created", null, "/counts/created"),
                new Malformed("counts.created negative", "/counts/created", "-1", "/counts/created"),
                new Malformed("counts.created 1e400", "/counts/created", "1e400", "/counts/created"),
                new Malformed("counts.created beyond 64 bits", "/counts/created", "99999999999999999999",
                        "/counts/created"),
                new Malformed("counts.created a fraction", "/counts/created", "2.5", "/counts/created"),
                new Malformed("jvm.pid a string", "/jvm/pid", "\"4242\"", "/jvm/pid"),
                new Malformed("jvm missing", "/jvm", null, "/jvm"),
                new Malformed("recording null", "/recording", "null", "/recording"),
                new Malformed("recording.trigger unknown", "/recording/trigger", "\"cron\"", "/recording/trigger"),
                new Malformed("sites.block an object", "/sites/block", "{}", "/sites/block"),
                new Malformed("leaks.clusters a string", "/leaks/clusters", "\"none\"", "/leaks/clusters"),
                new Malformed("carriers.perCarrier null", "/carriers/perCarrier", "null", "/carriers/perCarrier"),
                new Malformed("longSlices.longest a number", "/longSlices/longest", "3", "/longSlices/longest"),
                new Malformed("context null", "/context", "null", "/context"),
                new Malformed("heatmap cells a string", "/heatmaps/activity/mount/0/cells", "\"1:3740\"",
                        "/heatmaps/activity/mount/0/cells"),
                new Malformed("heatmap cell of one number", "/heatmaps/activity/mount/0/cells/0", "[1]",
                        "/heatmaps/activity/mount/0/cells/0"),
                new Malformed("heatmap cell count a string", "/heatmaps/activity/mount/0/cells/0", "[1, \"3740\"]",
                        "/heatmaps/activity/mount/0/cells/0/1"),
                new Malformed("heatmap tier unknown", "/heatmaps/activity/mount/0/tier", "7",
                        "/heatmaps/activity/mount/0/tier"),
                new Malformed("windowMs a string", "/heatmaps/windowMs", "\"1000\"", "/heatmaps/windowMs"),
                new Malformed("windowMs 0", "/heatmaps/windowMs", "0", "/heatmaps/windowMs"),
                new Malformed("hdr a number", "/latencies/wakeToRun/hdr", "42", "/latencies/wakeToRun/hdr"),
                new Malformed("hdr not base64", "/latencies/wakeToRun/hdr", "\"not base64!\"",
                        "/latencies/wakeToRun/hdr"),
                new Malformed("hdr base64 but no histogram", "/latencies/wakeToRun/hdr",
                        "\"SElTVEZBQUFBQ1h4bkpOcFlR\"", "/latencies/wakeToRun/hdr"),
                new Malformed("hdr truncated", "/latencies/blockedByKind/sleep/hdr", TRUNCATED_HDR,
                        "/latencies/blockedByKind/sleep/hdr"),
                new Malformed("summary count a string", "/latencies/blocked/count", "\"12\"",
                        "/latencies/blocked/count"),
                new Malformed("agent option window a number", "/agent/options/window", "1000",
                        "/agent/options/window"));
    }

    /** Marks the hdr to be replaced by the first half of the real one (a histogram cut short). */
    private static final String TRUNCATED_HDR = "TRUNCATED_HDR";

    /** The real dump with one field changed, written as JSON text (so that {@code 1e400} stays as written). */
    static Path mutate(Malformed m) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode dump = (ObjectNode) json.readTree(good.toFile());
        String raw = m.raw();
        if (TRUNCATED_HDR.equals(raw)) {
            String hdr = dump.at(m.pointer()).asText();
            raw = "\"" + hdr.substring(0, hdr.length() / 2 / 4 * 4) + "\"";
        }
        int slash = m.pointer().lastIndexOf('/');
        JsonNode parent = dump.at(m.pointer().substring(0, slash));
        String last = m.pointer().substring(slash + 1);
        String marker = "@@malformed@@";
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), TextNode.valueOf(marker));
        } else if (raw == null) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ObjectNode) parent).put(last, marker);
        }
        String text = json.writeValueAsString(dump);
        if (raw != null) {
            text = text.replace("\"" + marker + "\"", raw);
        }
        return write("malformed-" + m.name().replaceAll("[^A-Za-z0-9]+", "-") + ".json",
                text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theRealDumpRewrittenUnchangedIsAcceptedByEveryCommand() throws Exception {
        Path same = write("unchanged.json", new ObjectMapper().writeValueAsBytes(new ObjectMapper().readTree(
                good.toFile())));
        Path html = RealDumps.file("unchanged.html");
        Path merged = RealDumps.file("unchanged-merged.json");
        for (Object[] args : List.of(new Object[]{"report", same, "-o", html},
                new Object[]{"check", "--baseline", good, "--current", same},
                new Object[]{"diff", good, same},
                new Object[]{"merge", good, same, "-o", merged})) {
            ReportJar.Result r = ReportJar.run(args);
            assertEquals(0, r.exitCode(), Arrays.toString(args) + "\n" + r.stderr());
        }
    }

    /**
     * Every reader refuses a dump with one field malformed the same way: exit 2, one line on stderr naming the file
     * and the field's JSON pointer, nothing on stdout, no stack trace, and nothing written.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void everyCommandRefusesAMalformedFieldNamingIt(Malformed m) throws Exception {
        Path bad = mutate(m);
        Path html = RealDumps.file("never-written.html");
        Path merged = RealDumps.file("never-written.json");
        Files.deleteIfExists(html);
        Files.deleteIfExists(merged);
        for (Object[] args : List.of(new Object[]{"report", bad, "-o", html},
                new Object[]{"check", "--baseline", good, "--current", bad},
                new Object[]{"diff", good, bad},
                new Object[]{"merge", good, bad, "-o", merged})) {
            ReportJar.Result r = ReportJar.run(args);
            String what = m + " " + args[0] + ": ";
            assertEquals(2, r.exitCode(), what + r.stdout() + r.stderr());
            assertEquals(1, r.stderrLines().size(), what + "one line on stderr\n" + r.stderr());
            String line = r.stderrLines().get(0);
            assertTrue(line.startsWith("loomscope-report: " + bad + ": " + m.named() + ": "),
                    what + "names the file and " + m.named() + ": " + line);
            assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), what + r.stderr());
            assertEquals("", r.stdout(), what + "nothing on stdout");
        }
        assertFalse(Files.exists(html), m + ": no report written");
        assertFalse(Files.exists(merged), m + ": no merged dump written");
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

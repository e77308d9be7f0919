package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.CountingApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad options and an unusable dump path never change what the application does: each problem is one line on stderr,
 * the defaults stand in for bad values, and the application's output and exit status are those of a run without the
 * agent.
 */
class BadOptionsIT {
    private static final int VIRTUAL_THREADS = 10;
    /** Not 0, so that a changed exit status would show. */
    private static final int EXIT_STATUS = 3;
    private static final String[] APP_ARGS = {String.valueOf(VIRTUAL_THREADS), String.valueOf(EXIT_STATUS)};
    /** The documented defaults of the options given bad values below. */
    private static final int DEFAULT_RINGS = 16;
    private static final int DEFAULT_RING_CAPACITY = 32768;
    private static final boolean DEFAULT_RECORDING = true;

    @Test
    void eachBadOptionIsOneLineNamingItsKeyAndTheDefaultsApply(@TempDir Path dir) throws Exception {
        AgentJvm.Result baseline = AgentJvm.withoutAgent().run(CountingApp.class, APP_ARGS);
        Path dump = dir.resolve("bad-options.json");

        AgentJvm.Result result = AgentJvm
                .withAgent("frobnicate=1,rings=3,ringCapacity=abc,recording=maybe,out=" + dump + ",quiet=true")
                .run(CountingApp.class, APP_ARGS);

        assertEquals(EXIT_STATUS, baseline.exitCode(), baseline::toString);
        assertEquals(baseline.exitCode(), result.exitCode(), result::toString);
        assertEquals(baseline.stdout(), result.stdout());
        assertEquals(List.of("virtualThreads=" + VIRTUAL_THREADS,
                "sum=" + VIRTUAL_THREADS * (VIRTUAL_THREADS - 1) / 2), result.stdout().lines().toList());

        List<String> lines = result.agentLines();
        assertEquals(4, lines.size(), result::toString);
        assertEquals(lines, result.stderrLines(), "nothing but the four option lines on stderr");
        assertNamesOption(lines.get(0), "frobnicate", null);
        assertTrue(lines.get(0).contains("unknown option"), lines.get(0));
        assertNamesOption(lines.get(1), "rings", "3");
        assertTrue(lines.get(1).endsWith("using " + DEFAULT_RINGS), lines.get(1));
        assertNamesOption(lines.get(2), "ringCapacity", "abc");
        assertTrue(lines.get(2).endsWith("using " + DEFAULT_RING_CAPACITY), lines.get(2));
        assertNamesOption(lines.get(3), "recording", "maybe");
        assertTrue(lines.get(3).endsWith("using " + DEFAULT_RECORDING), lines.get(3));

        JsonNode json = AgentJvm.readJson(dump);
        JsonNode options = json.path("agent").path("options");
        assertEquals(dump.toString(), options.path("out").asText(), options::toString);
        assertEquals(DEFAULT_RINGS, options.path("rings").asInt(), options::toString);
        assertEquals(DEFAULT_RING_CAPACITY, options.path("ringCapacity").asInt(), options::toString);
        assertTrue(options.path("recording").isBoolean(), options::toString);
        assertEquals(DEFAULT_RECORDING, options.path("recording").asBoolean(), options::toString);
        assertEquals(true, options.path("quiet").asBoolean(), options::toString);
        assertFalse(options.has("frobnicate"), options::toString);
        // recording fell back to on: the application's threads were recorded.
        JsonNode counts = json.path("counts");
        assertEquals(VIRTUAL_THREADS, counts.path("created").asLong(), counts::toString);
        assertEquals(VIRTUAL_THREADS, counts.path("ended").asLong(), counts::toString);
        assertEquals(0, counts.path("live").asLong(), counts::toString);
        assertEquals(0, counts.path("agentErrors").asLong(), counts::toString);
    }

    @Test
    void dumpPathUnderARegularFileIsOneLineAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "not a directory");
        assertUnwritableDumpIsOneLine(notADirectory.resolve("x.json"));
    }

    @Test
    void dumpPathInAMissingProcDirectoryIsOneLineAndNoStackTrace() throws Exception {
        // /proc accepts no new entries, not even from root.
        assertUnwritableDumpIsOneLine(Path.of("/proc/nonexistent/x.json"));
    }

    private static void assertUnwritableDumpIsOneLine(Path dump) throws Exception {
        String[] args = {String.valueOf(VIRTUAL_THREADS), "0"};
        AgentJvm.Result baseline = AgentJvm.withoutAgent().run(CountingApp.class, args);

        AgentJvm.Result result = AgentJvm.withAgent("out=" + dump).run(CountingApp.class, args);

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(baseline.stdout(), result.stdout());
        List<String> stderr = result.stderrLines();
        assertEquals(1, stderr.size(), "one line and no stack trace on stderr:\n" + result.stderr());
        assertTrue(stderr.get(0).startsWith("loomscope: cannot write dump to " + dump), stderr.get(0));
        assertFalse(Files.exists(dump));
    }

    private static void assertNamesOption(String line, String key, String value) {
        assertTrue(line.startsWith("loomscope: "), line);
        assertTrue(line.contains("'" + key + "'"), () -> "does not name '" + key + "': " + line);
        if (value != null) {
            assertTrue(line.contains("'" + value + "'"), () -> "does not quote the value '" + value + "': " + line);
        }
    }
}

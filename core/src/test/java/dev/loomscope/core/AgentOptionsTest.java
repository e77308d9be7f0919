package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest {
    private final List<String> warnings = new ArrayList<>();

    @Test
    void noOptionsMeansDefaultsAndNoWarning() {
        assertEquals(AgentOptions.DEFAULTS, AgentOptions.parse(null, warnings::add));
        assertEquals(AgentOptions.DEFAULTS, AgentOptions.parse("", warnings::add));
        assertEquals(List.of(), warnings);
    }

    @Test
    void everyKeyIsRead() {
        AgentOptions options = AgentOptions.parse("out=/tmp/x-%p.json,rings=4,ringCapacity=2048,recording=off,quiet=true,"
                + "window=500ms,retention=1h,longSlice=5ms", warnings::add);
        assertEquals(new AgentOptions("/tmp/x-%p.json", 4, 2048, false, true, 500_000_000L, 3_600_000_000_000L,
                5_000_000L, 100, List.of(), 32, 20, 60_000_000_000L), options);
        AgentOptions sites = AgentOptions.parse("sampleEvery=1,critical=pay-|ledger-,stackDepth=8,topSites=5,"
                + "leakThreshold=2s", warnings::add);
        assertEquals(1, sites.sampleEvery());
        assertEquals(List.of("pay-", "ledger-"), sites.critical());
        assertEquals(8, sites.stackDepth());
        assertEquals(5, sites.topSites());
        assertEquals(2_000_000_000L, sites.leakThresholdNanos());
        assertEquals(7200, options.fineWindows());
        assertEquals(List.of(), warnings);
    }

    @Test
    void unknownKeyIsOneLineNamingItAndTheRestStillApplies() {
        AgentOptions options = AgentOptions.parse("frobnicate=1,rings=8", warnings::add);
        assertEquals(8, options.rings());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("loomscope: unknown option 'frobnicate'"), warnings.get(0));
    }

    @Test
    void badValuesFallBackToDefaultsWithOneLineEach() {
        AgentOptions options = AgentOptions.parse("rings=3,ringCapacity=abc,recording=maybe,out=", warnings::add);
        assertEquals(AgentOptions.DEFAULTS, options);
        assertEquals(4, warnings.size());
        assertTrue(warnings.get(0).contains("'rings'") && warnings.get(0).contains("using 16"), warnings.get(0));
        assertTrue(warnings.get(1).contains("'ringCapacity'"), warnings.get(1));
        assertTrue(warnings.get(2).contains("'recording'"), warnings.get(2));
        assertTrue(warnings.get(3).contains("'out'"), warnings.get(3));
        assertFalse(warnings.stream().anyMatch(w -> w.contains("\n")));
    }

    @Test
    void durationsReadBackAsWritten() {
        for (String text : new String[]{"250ns", "3us", "20ms", "1s", "10m", "2h", "7d"}) {
            assertEquals(text, AgentOptions.formatDuration(AgentOptions.parseDuration(text)));
        }
        assertEquals(1_500_000_000L, AgentOptions.parseDuration("1500ms"));
        assertEquals("1500ms", AgentOptions.formatDuration(1_500_000_000L));
        assertEquals(-1, AgentOptions.parseDuration("1.5s"));
        assertEquals(-1, AgentOptions.parseDuration("ms"));
        assertEquals(-1, AgentOptions.parseDuration("10 s"));
    }

    @Test
    void badDurationFallsBackWithOneLine() {
        AgentOptions options = AgentOptions.parse("window=fast,longSlice=0ms", warnings::add);
        assertEquals(AgentOptions.DEFAULTS.windowNanos(), options.windowNanos());
        assertEquals(AgentOptions.DEFAULTS.longSliceNanos(), options.longSliceNanos());
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).contains("'window'") && warnings.get(0).contains("using 1s"), warnings.get(0));
    }

    @Test
    void dumpPathPatternExpandsPidAndTime() {
        String expanded = RecordingSession.expand("dir/loomscope-%p-%t.json");
        assertTrue(expanded.startsWith("dir/loomscope-" + ProcessHandle.current().pid() + "-"), expanded);
        assertTrue(expanded.matches("dir/loomscope-\\d+-\\d{8}-\\d{6}\\.json"), expanded);
    }
}

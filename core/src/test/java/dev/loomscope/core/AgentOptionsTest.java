package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
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
                5_000_000L, 100, List.of(), 1000, 32, 20, 60_000_000_000L, "/tmp/x-%p-%t.json", Duration.ZERO, true, 1,
                AgentOptions.CLOCK_AUTO),
                options);
        assertEquals(7200, options.fineWindows());
        AgentOptions sites = AgentOptions.parse("sampleEvery=1,critical=pay-|ledger-,stackDepth=8,topSites=5,"
                + "leakThreshold=2s,samplesPerSecond=50,threadSample=100", warnings::add);
        assertEquals(100, sites.threadSample());
        assertEquals(50, sites.samplesPerSecond());
        assertEquals(1, sites.sampleEvery());
        assertEquals(List.of("pay-", "ledger-"), sites.critical());
        assertEquals(8, sites.stackDepth());
        assertEquals(5, sites.topSites());
        assertEquals(2_000_000_000L, sites.leakThresholdNanos());
        assertEquals(List.of(), warnings);
    }

    @Test
    void clockIsAutoOrNanoTimeInAnyCase() {
        assertEquals(AgentOptions.CLOCK_NANO_TIME, AgentOptions.parse("clock=NANOTIME", warnings::add).clock());
        assertEquals(AgentOptions.CLOCK_AUTO, AgentOptions.parse("clock=Auto", warnings::add).clock());
        assertEquals(List.of(), warnings);
        assertEquals(AgentOptions.CLOCK_AUTO, AgentOptions.parse("clock=rdtsc", warnings::add).clock());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("clock") && warnings.get(0).contains("rdtsc"), warnings::toString);
    }

    @Test
    void dumpIntervalAndSigquitAreRead() {
        AgentOptions options = AgentOptions.parse("dump=/d/l-%p-%t.json,interval=500ms,sigquit=off", warnings::add);
        assertEquals("/d/l-%p-%t.json", options.dump());
        assertEquals(Duration.ofMillis(500), options.interval());
        assertFalse(options.sigquit());
        assertEquals("500ms", options.asMap().get("interval"));
        assertEquals(List.of(), warnings);
        assertEquals(Duration.ofSeconds(30), AgentOptions.parse("interval=30s", warnings::add).interval());
        assertEquals(Duration.ofMinutes(5), AgentOptions.parse("interval=5m", warnings::add).interval());
        assertEquals(Duration.ZERO, AgentOptions.parse("interval=off", warnings::add).interval());
        assertEquals("off", AgentOptions.DEFAULTS.asMap().get("interval"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void dumpDefaultsToTheOutPathWithATimestamp() {
        assertEquals("loomscope-%p-%t.json", AgentOptions.DEFAULTS.dump());
        assertEquals("/var/tmp/ls-%p-%t.json", AgentOptions.parse("out=/var/tmp/ls-%p.json", warnings::add).dump());
        assertEquals("/var/tmp/ls-%t-%p.json", AgentOptions.parse("out=/var/tmp/ls-%t-%p.json", warnings::add).dump());
        assertEquals("/var/tmp.d/dump-%t", AgentOptions.parse("out=/var/tmp.d/dump", warnings::add).dump());
        assertEquals(List.of(), warnings);
    }

    @Test
    void badIntervalsAreOneLineAndMeanOff() {
        for (String bad : new String[] {"10", "50ms", "2d", "-1s", "fast", "25h"}) {
            warnings.clear();
            assertEquals(Duration.ZERO, AgentOptions.parse("interval=" + bad, warnings::add).interval(), bad);
            assertEquals(1, warnings.size(), bad);
            assertTrue(warnings.get(0).contains("'interval'") && warnings.get(0).endsWith("using off"),
                    warnings.get(0));
        }
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

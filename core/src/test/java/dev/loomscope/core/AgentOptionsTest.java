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
                + "window=500ms,retention=1h,longSlice=5ms,jfrPinned=off", warnings::add);
        assertEquals(new AgentOptions("/tmp/x-%p.json", 4, 2048, false, true, 500_000_000L, 3_600_000_000_000L,
                5_000_000L, 100, List.of(), 1000, 32, 20, 60_000_000_000L, "/tmp/x-%p-%t.json", Duration.ZERO, true, 1,
                AgentOptions.CLOCK_AUTO, null, null, Duration.ZERO, 0, false),
                options);
        assertTrue(AgentOptions.DEFAULTS.jfrPinned());
        assertEquals(7200, options.fineWindows());
        AgentOptions bounded = AgentOptions.parse("duration=30s,keep=24,interval=1h", warnings::add);
        assertEquals(Duration.ofSeconds(30), bounded.duration());
        assertEquals(24, bounded.keep());
        assertEquals("30s", bounded.asMap().get("duration"));
        assertEquals(24, bounded.asMap().get("keep"));
        assertEquals("off", AgentOptions.DEFAULTS.asMap().get("duration"));
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
    void ringsAreKeptWhenTheyFitASixteenthOfTheHeap() {
        long heap = 256L << 20; // the default rings, 16 MiB, are exactly 1/16 of it
        assertEquals(AgentOptions.DEFAULTS, AgentOptions.DEFAULTS.ringsFittedTo(heap, heap, warnings::add));
        assertEquals(List.of(), warnings);
    }

    @Test
    void ringsShrinkToASixteenthOfASmallHeapCapacityFirstWithOneLine() {
        long heap = 32L << 20;
        AgentOptions fitted = AgentOptions.DEFAULTS.ringsFittedTo(heap, heap, warnings::add);
        assertEquals(16, fitted.rings(), "the number of rings (contention between carriers) is kept");
        assertEquals(4096, fitted.ringCapacity(), "16 x 4096 x 32 B = 2 MiB = 32 MiB / 16");
        assertTrue(AgentOptions.ringBytes(fitted.rings(), fitted.ringCapacity()) <= heap / 16);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("loomscope: rings=16 x ringCapacity=32768 take 16 MiB")
                && warnings.get(0).endsWith("using rings=16,ringCapacity=4096 (2 MiB)"), warnings::toString);
    }

    @Test
    void oversizedRingsWithinTheirDocumentedRangesShrinkToFitAndThenTheRingCount() {
        AgentOptions huge = AgentOptions.parse("rings=1024,ringCapacity=4194304", warnings::add);
        assertEquals(List.of(), warnings, "each value is in its own range");
        long heap = 1L << 30;
        AgentOptions fitted = huge.ringsFittedTo(heap, heap, warnings::add);
        assertEquals(1024, fitted.rings(), "the capacity goes first");
        assertEquals(2048, fitted.ringCapacity(), "1024 rings of 2048 records of 32 B: 64 MiB, 1/16 of 1 GiB");
        AgentOptions tiny = huge.ringsFittedTo(8L << 20, 8L << 20, warnings::add);
        assertEquals(1024, tiny.ringCapacity(), "the capacity at its minimum, then the number of rings halves");
        assertEquals(16, tiny.rings(), "512 KiB, 1/16 of 8 MiB, hold 16 rings of 1024 records");
        assertEquals(2, warnings.size(), warnings::toString);
    }

    @Test
    void aLateAttachIntoAFullHeapTakesAtMostAQuarterOfWhatIsFree() {
        long heap = 4L << 30;
        AgentOptions fitted = AgentOptions.DEFAULTS.ringsFittedTo(heap, 8L << 20, warnings::add);
        assertTrue(AgentOptions.ringBytes(fitted.rings(), fitted.ringCapacity()) <= (2L << 20), fitted.toString());
        assertEquals(1, warnings.size(), warnings::toString);
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
        assertEquals(1_500_000_000L, AgentOptions.parseDuration("1.5s"), "the grammar the report and budgets read");
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
    void metricsIsOffByDefaultAndABarePortListensOnLoopbackOnly() {
        assertEquals(null, AgentOptions.DEFAULTS.metrics());
        assertEquals("off", AgentOptions.DEFAULTS.asMap().get("metrics"));
        AgentOptions.MetricsAddress bare = AgentOptions.parse("metrics=9404", warnings::add).metrics();
        assertEquals(new AgentOptions.MetricsAddress("127.0.0.1", 9404, false), bare);
        assertEquals("127.0.0.1:9404", bare.toString());
        assertEquals(List.of(), warnings);
    }

    @Test
    void metricsTakesAnAddressSpelledOut() {
        assertEquals(new AgentOptions.MetricsAddress("0.0.0.0", 9404, true),
                AgentOptions.parse("metrics=0.0.0.0:9404", warnings::add).metrics());
        assertEquals(new AgentOptions.MetricsAddress("payments-7.internal", 1, true),
                AgentOptions.parse("metrics=payments-7.internal:1", warnings::add).metrics());
        AgentOptions.MetricsAddress ipv6 = AgentOptions.parse("metrics=[::1]:65535", warnings::add).metrics();
        assertEquals(new AgentOptions.MetricsAddress("::1", 65535, true), ipv6);
        assertEquals("[::1]:65535", ipv6.toString());
        assertEquals("[::1]:65535", AgentOptions.parse("metrics=[::1]:65535", warnings::add).asMap().get("metrics"));
        assertEquals(null, AgentOptions.parse("metrics=off", warnings::add).metrics());
        assertEquals(List.of(), warnings);
    }

    @Test
    void badMetricsAddressesAreOneLineAndMeanNoEndpoint() {
        for (String bad : new String[] {"", "0", "65536", "-1", "+80", "http", "::1:9404", ":9404", "host:",
                "[::1]", "a/b:80", "9404x"}) {
            warnings.clear();
            assertEquals(null, AgentOptions.parse("metrics=" + bad, warnings::add).metrics(), bad);
            assertEquals(1, warnings.size(), bad);
            assertTrue(warnings.get(0).contains("'metrics'") && warnings.get(0).endsWith("using off"),
                    warnings.get(0));
        }
    }

    @Test
    void serviceDefaultsToTheMainClassOrJarAndCanBeNamed() {
        assertEquals(null, AgentOptions.DEFAULTS.service());
        assertEquals(ServiceName.ofThisJvm(), AgentOptions.DEFAULTS.serviceName());
        assertEquals(ServiceName.ofThisJvm(), AgentOptions.DEFAULTS.asMap().get("service"));
        assertEquals("payments-api", AgentOptions.parse("service=payments-api", warnings::add).serviceName());
        assertEquals(List.of(), warnings);
        AgentOptions spaced = AgentOptions.parse("service=pay ments", warnings::add);
        assertEquals(ServiceName.ofThisJvm(), spaced.serviceName());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("'service'"), warnings.get(0));
    }

    @Test
    void serviceNameIsTheJarOrTheMainClass() {
        assertEquals("payments-api", ServiceName.fromCommand("/srv/app/payments-api.jar --port 8080"));
        assertEquals("com.example.Payments", ServiceName.fromCommand("com.example.Payments a b"));
        assertEquals("com.example.Main", ServiceName.fromCommand("com.example.app/com.example.Main"));
        assertEquals("java", ServiceName.fromCommand(null));
        assertEquals("java", ServiceName.fromCommand("  "));
    }

    @Test
    void dumpPathPatternExpandsPidAndTime() {
        String expanded = RecordingSession.expand("dir/loomscope-%p-%t.json");
        assertTrue(expanded.startsWith("dir/loomscope-" + ProcessHandle.current().pid() + "-"), expanded);
        assertTrue(expanded.matches("dir/loomscope-\\d+-\\d{8}-\\d{6}\\.json"), expanded);
    }
}

package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoadGeneratorTest {
    @Test
    void durations() {
        assertEquals(TimeUnit.SECONDS.toNanos(30), LoadGenerator.parseDuration("30"));
        assertEquals(TimeUnit.SECONDS.toNanos(30), LoadGenerator.parseDuration("30s"));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), LoadGenerator.parseDuration("500ms"));
        assertEquals(TimeUnit.MINUTES.toNanos(2), LoadGenerator.parseDuration("2m"));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.parseDuration("soon"));
    }

    @Test
    void onlyLoopbackTargets() throws Exception {
        assertEquals(URI.create("http://127.0.0.1:8080"), LoadGenerator.requireLoopback(URI.create("http://127.0.0.1:8080")));
        LoadGenerator.requireLoopback(URI.create("http://localhost:8080"));
        assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.requireLoopback(URI.create("http://192.0.2.1:8080")));
        assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.requireLoopback(URI.create("https://127.0.0.1:8443")));
    }

    @Test
    void boundedRateAndDuration() {
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(new String[] {"--rate=20000"}));
        assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.Options.parse(new String[] {"--duration=2h"}));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(new String[] {"--nope"}));
    }

    @Test
    void summaryHasExactCountsThroughputAndPercentiles() throws Exception {
        LoadGenerator.Options options = LoadGenerator.Options.parse(
                new String[] {"--rate=100", "--duration=10s", "--summary=/tmp/summary.json"});
        assertEquals(Path.of("/tmp/summary.json"), options.summary());
        Histogram latency = new Histogram(1_000, 3_600_000_000_000L, 3);
        for (long ms = 1; ms <= 100; ms++) {
            latency.recordValue(TimeUnit.MILLISECONDS.toNanos(ms));
        }
        // 998 answered in 10.05 s: the last response one latency after the timeline's end
        LoadGenerator.Result result = new LoadGenerator.Result(1000, 998, 2, 0, Map.of("timeout", 2L), latency,
                latency, TimeUnit.MILLISECONDS.toNanos(10_050));

        JsonNode json = new ObjectMapper().readTree(LoadGenerator.summaryJson(options, result));
        assertEquals(998, json.path("ok").asLong());
        assertEquals(2, json.path("failures").path("timeout").asLong());
        assertEquals(998 / 10.05, json.path("throughputPerSecond").asDouble(), 1e-9);
        assertEquals(100, json.path("latencyNanos").path("count").asLong());
        assertEquals(latency.getValueAtPercentile(99), json.path("latencyNanos").path("p99").asLong());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), json.path("latencyNanos").path("p50").asLong(),
                TimeUnit.MILLISECONDS.toNanos(50) / 1000.0); // HdrHistogram: 3 significant digits
    }
}

package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void theClosedLoopKeepsAtMostItsClientsInFlightAndCountsEveryAnswer() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        LongAdder answered = new LongAdder();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try (exchange) {
                try {
                    exchange.getRequestBody().readAllBytes();
                    Thread.sleep(2); // long enough that the clients overlap
                } finally {
                    // out of flight before the answer leaves: its client may send its next request as soon as it
                    // has the answer, while this handler is still closing the exchange
                    inFlight.decrementAndGet();
                }
                byte[] body = "{\"id\":\"p-1\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                answered.increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        Path summary = Files.createTempFile("closed-loop", ".json");
        try {
            LoadGenerator.Options options = LoadGenerator.Options.parse(new String[] {
                    "--port=" + server.getAddress().getPort(), "--clients=3", "--duration=1s", "--warmup=0",
                    "--summary=" + summary});
            LoadGenerator.Result result = new LoadGenerator(options).run(
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null);

            assertEquals(answered.sum(), result.ok(), "every answer counted, each once");
            assertEquals(result.scheduled(), result.ok() + result.failed(), "every request sent was answered");
            assertTrue(mostInFlight.get() >= 1 && mostInFlight.get() <= 3, "in flight at once: " + mostInFlight);
            JsonNode json = new ObjectMapper().readTree(summary.toFile());
            assertEquals(3, json.path("clients").asInt());
            assertEquals(result.ok(), json.path("ok").asLong());
            assertEquals(result.ok() * 1e9 / result.elapsedNanos(), json.path("throughputPerSecond").asDouble(), 1e-9);
        } finally {
            server.stop(0);
            Files.deleteIfExists(summary);
        }
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(new String[] {"--clients=1001"}));
    }
}

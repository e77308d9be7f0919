package dev.loomscope.examples.payments;

import org.junit.jupiter.api.Test;

import java.net.URI;
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
}

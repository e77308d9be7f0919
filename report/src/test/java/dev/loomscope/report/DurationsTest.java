package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {

    @Test
    void parsesDurationsWithUnits() {
        assertEquals(5_000_000, Durations.parse("5ms"));
        assertEquals(1_500_000, Durations.parse("1.5ms"));
        assertEquals(200_000, Durations.parse("200us"));
        assertEquals(250_000, Durations.parse("250µs"));
        assertEquals(10, Durations.parse("10ns"));
        assertEquals(2_000_000_000, Durations.parse("2s"));
        assertEquals(0, Durations.parse("0"));
        assertEquals(1_000_000, Durations.parse(" 1ms "));
        assertEquals(120_000_000_000L, Durations.parse("2m"), "the agent's units, one grammar (DurationText)");
        for (String bad : new String[]{"5", "5 parsecs", "-1ms", "ms", "1e3ms", "", "1 ms"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
    }

    @Test
    void formatsToThreeSignificantDigits() {
        assertEquals("999 ns", Durations.format(999));
        assertEquals("394 us", Durations.format(393_983));
        assertEquals("17.7 ms", Durations.format(17_661_951));
        assertEquals("10 ms", Durations.format(10_002_431));
        assertEquals("5 ms", Durations.format(5_000_000));
        assertEquals("1.5 s", Durations.format(1_500_000_000));
        assertEquals("5.84 ms", Durations.format(5_836_799));
        assertEquals("+80.1 ms", Durations.formatDelta(80_117_760));
        assertEquals("-1 ms", Durations.formatDelta(-1_000_000));
    }
}

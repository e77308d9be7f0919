package dev.loomscope.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationTextTest {
    @Test
    void everyUnitFromNanosecondsToDays() {
        assertEquals(7, DurationText.parseNanos("7ns"));
        assertEquals(500_000, DurationText.parseNanos("500us"));
        assertEquals(500_000, DurationText.parseNanos("500µs"));
        assertEquals(5_000_000, DurationText.parseNanos("5ms"));
        assertEquals(10_000_000_000L, DurationText.parseNanos("10s"));
        assertEquals(120_000_000_000L, DurationText.parseNanos("2m"));
        assertEquals(7_200_000_000_000L, DurationText.parseNanos("2h"));
        assertEquals(86_400_000_000_000L, DurationText.parseNanos("1d"));
        assertEquals(0, DurationText.parseNanos("0"));
    }

    @Test
    void decimalsAreRoundedToWholeNanoseconds() {
        assertEquals(1_500_000, DurationText.parseNanos("1.5ms"));
        assertEquals(1_500_000, DurationText.parseNanos(" 1.5ms "));
        assertEquals(2, DurationText.parseNanos("1.5ns"), "rounded half up to whole nanoseconds");
        assertEquals(250_000_000, DurationText.parseNanos("0.25s"));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[]{"", "5", "ms", "-5ms", "5 minutes", "1e3ms", "5MS", "1.ms", "1.5 ms", "106752d"}) {
            assertThrows(IllegalArgumentException.class, () -> DurationText.parseNanos(bad), bad);
        }
    }
}

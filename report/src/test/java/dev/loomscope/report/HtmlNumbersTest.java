package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HtmlNumbersTest {
    @Test
    void countsHaveThousandsSeparators() {
        assertEquals("0", HtmlNumbers.count(0));
        assertEquals("999", HtmlNumbers.count(999));
        assertEquals("5,218", HtmlNumbers.count(5218));
        assertEquals("1,234,567", HtmlNumbers.count(1_234_567));
        assertEquals("-1,234", HtmlNumbers.count(-1234));
    }

    @Test
    void shortDurationsHaveThreeSignificantDigitsAndAUnit() {
        assertEquals("0 ns", HtmlNumbers.duration(0));
        assertEquals("999 ns", HtmlNumbers.duration(999));
        assertEquals("1 µs", HtmlNumbers.duration(1_000));
        assertEquals("1.23 µs", HtmlNumbers.duration(1_234));
        assertEquals("384 µs", HtmlNumbers.duration(383_743));
        assertEquals("96.4 ms", HtmlNumbers.duration(96_403_455));
        assertEquals("104 ms", HtmlNumbers.duration(104_398_847));
        assertEquals("10 ms", HtmlNumbers.duration(10_000_000));
        assertEquals("1.5 s", HtmlNumbers.duration(1_500_000_000));
        assertEquals("59.9 s", HtmlNumbers.duration(59_949_999_999L));
        assertEquals("-2.5 ms", HtmlNumbers.duration(-2_500_000));
    }

    @Test
    void roundingUpToTheNextUnitUsesTheNextUnit() {
        assertEquals("1 ms", HtmlNumbers.duration(999_999));
        assertEquals("1 ms", HtmlNumbers.duration(999_950));
        assertEquals("1 s", HtmlNumbers.duration(999_999_999));
        assertEquals("1 min", HtmlNumbers.duration(59_950_000_000L));
    }

    @Test
    void longDurationsAreTwoUnits() {
        assertEquals("2 min 5 s", HtmlNumbers.duration(125_000_000_000L));
        assertEquals("1 h", HtmlNumbers.duration(3_600_000_000_000L));
        assertEquals("1 h 2 min", HtmlNumbers.duration(3_720_000_000_000L));
        assertEquals("1 d 1 h", HtmlNumbers.duration(90_000_000_000_000L));
        assertEquals("18 min 20 s", HtmlNumbers.duration((double) (1L << 40)));
    }

    @Test
    void fractionalNanosecondsForBucketBounds() {
        assertEquals("1.19 ns", HtmlNumbers.duration(Math.pow(2, 0.25)));
        assertEquals("1.02 µs", HtmlNumbers.duration(1024.0));
        assertEquals("1 s", HtmlNumbers.millis(1000));
        assertEquals("100 ms", HtmlNumbers.millis(100));
    }

    @Test
    void percentagesAndTimes() {
        assertEquals("25.5%", HtmlNumbers.percent(255, 1000));
        assertEquals("100.0%", HtmlNumbers.percent(3, 3));
        assertEquals(HtmlNumbers.NONE, HtmlNumbers.percent(0, 0));
        assertEquals("1970-01-01 00:00:01 UTC", HtmlNumbers.dateTime(1_000));
        assertEquals("00:00:01.250", HtmlNumbers.timeOfDay(1_250));
    }
}

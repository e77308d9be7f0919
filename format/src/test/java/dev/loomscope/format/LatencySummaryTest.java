package dev.loomscope.format;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencySummaryTest {

    private static Histogram histogram() {
        return new Histogram(1, TimeUnit.DAYS.toNanos(7), 3);
    }

    @Test
    void headlineValuesAreTheHistogramsOwn() {
        Histogram h = histogram();
        h.recordValueWithCount(50_000, 900);
        h.recordValueWithCount(2_000_000, 99);
        h.recordValue(40_000_000);
        LatencySummary s = LatencySummary.of(h, 3);
        assertEquals("ns", s.unit());
        assertEquals(1000, s.count());
        assertEquals(h.getMinValue(), s.min());
        assertEquals(Math.round(h.getMean()), s.mean());
        assertEquals(h.getValueAtPercentile(50), s.p50());
        assertEquals(h.getValueAtPercentile(90), s.p90());
        assertEquals(h.getValueAtPercentile(99), s.p99());
        assertEquals(h.getValueAtPercentile(99.9), s.p999());
        assertEquals(h.getMaxValue(), s.max());
        assertEquals(3, s.clamped());
        assertEquals(h, s.histogram(), "hdr decodes to the same histogram");
    }

    @Test
    void anEmptyHistogramIsAllZerosWithItsEncoding() {
        LatencySummary s = LatencySummary.of(histogram(), 0);
        assertEquals(new LatencySummary("ns", 0, 0, 0, 0, 0, 0, 0, 0, 0, s.hdr()), s);
        assertEquals(0, s.histogram().getTotalCount());
    }

    @Test
    void aCorruptOrAbsentHistogramIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> HistogramCodec.decode("SElTVEZBQUFBQ1h4bkpOcFlR"));
        assertThrows(IllegalArgumentException.class, () -> HistogramCodec.decode("not base64!"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LatencySummary("ns", 1, 1, 1, 1, 1, 1, 1, 1, 0, null).histogram());
        assertTrue(e.getMessage().contains("no \"hdr\""), e.getMessage());
    }
}

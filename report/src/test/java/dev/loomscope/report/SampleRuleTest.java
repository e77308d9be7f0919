package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleRuleTest {

    @Test
    void percentileNamesAreTheDumpsNames() {
        assertEquals(new BigDecimal("50"), Percentile.parse("p50").value());
        assertEquals(new BigDecimal("99"), Percentile.parse("p99").value());
        assertEquals(new BigDecimal("99.9"), Percentile.parse("p999").value());
        assertEquals(new BigDecimal("99.99"), Percentile.parse("p9999").value());
        assertEquals(new BigDecimal("95"), Percentile.parse("p95").value());
        assertEquals("p999", Percentile.parse(" p999 ").name());
        for (String bad : new String[]{"p", "p5", "99", "p00", "px9", "P99", "p99.9", "max"}) {
            assertThrows(IllegalArgumentException.class, () -> Percentile.parse(bad), bad);
        }
    }

    @Test
    void aPercentileNeedsTenSamplesBeyondIt() {
        assertEquals(20, SampleRule.minimumCount(Percentile.parse("p50"), 10));
        assertEquals(100, SampleRule.minimumCount(Percentile.parse("p90"), 10));
        assertEquals(200, SampleRule.minimumCount(Percentile.parse("p95"), 10));
        assertEquals(1_000, SampleRule.minimumCount(Percentile.parse("p99"), 10));
        assertEquals(10_000, SampleRule.minimumCount(Percentile.parse("p999"), 10), "exact, not 10001");
        assertEquals(100_000, SampleRule.minimumCount(Percentile.parse("p9999"), 10));
        assertEquals(500, SampleRule.minimumCount(Percentile.parse("p99"), 5));
        assertEquals(4, SampleRule.minimumCount(Percentile.parse("p75"), 1));
        assertEquals(4, SampleRule.minimumCount(Percentile.parse("p70"), 1), "3.33 samples, rounded up");
    }

    @Test
    void enoughIsInclusive() {
        Percentile p99 = Percentile.parse("p99");
        assertFalse(SampleRule.enough(999, p99, 10));
        assertTrue(SampleRule.enough(1_000, p99, 10));
        assertFalse(SampleRule.enough(0, Percentile.parse("p50"), 10));
    }
}

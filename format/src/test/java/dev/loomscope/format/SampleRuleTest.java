package dev.loomscope.format;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleRuleTest {

    @Test
    void aPercentileNeedsTenSamplesBeyondIt() {
        assertEquals(20, SampleRule.minimumCount(new BigDecimal("50"), 10));
        assertEquals(1_000, SampleRule.minimumCount(new BigDecimal("99"), 10));
        assertEquals(10_000, SampleRule.minimumCount(new BigDecimal("99.9"), 10), "exact, not 10001");
        assertEquals(4, SampleRule.minimumCount(new BigDecimal("70"), 1), "3.33 samples, rounded up");
    }

    @Test
    void enoughIsInclusive() {
        assertFalse(SampleRule.enough(999, new BigDecimal("99"), SampleRule.DEFAULT_TAIL));
        assertTrue(SampleRule.enough(1_000, new BigDecimal("99"), SampleRule.DEFAULT_TAIL));
    }
}

package dev.loomscope.format;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * When a percentile is backed by enough samples to be judged: the rule of {@code report check} (docs/report.md, "Too
 * few samples") and of the JUnit budgets (docs/junit.md), stated once.
 * <p>
 * A percentile p of n samples is decided by the n × (1 − p) samples above it. When those are few, the percentile is
 * really one of the largest few values: one outlier (a GC pause, a noisy CI neighbour) moves it arbitrarily, and a
 * gate on it fails on noise. So a percentile is judged only when at least {@code tail} samples lie beyond it:
 * {@code n × (1 − p/100) ≥ tail}. With the default tail of 10: p50 needs 20 samples, p90 100, p99 1,000, p999 10,000.
 */
public final class SampleRule {
    /** Default number of samples that must lie beyond a percentile. */
    public static final int DEFAULT_TAIL = 10;

    private SampleRule() {
    }

    /**
     * The smallest sample count for which {@code percentile} has at least {@code tail} samples beyond it.
     *
     * @param percentile exactly, 0 < percentile < 100 ({@code 99.9}, not a double's {@code 99.900000000000006})
     */
    public static long minimumCount(BigDecimal percentile, int tail) {
        // Exact decimal arithmetic: 10 / (1 - 0.999) must be 10000, not 10000.000000000002 rounded up to 10001.
        BigDecimal beyond = BigDecimal.valueOf(100).subtract(percentile);
        return BigDecimal.valueOf(tail).multiply(BigDecimal.valueOf(100))
                .divide(beyond, 0, RoundingMode.CEILING).longValueExact();
    }

    /** {@code count} samples are enough to judge {@code percentile} ({@link #minimumCount}, inclusive). */
    public static boolean enough(long count, BigDecimal percentile, int tail) {
        return count >= minimumCount(percentile, tail);
    }
}

package dev.loomscope.core;

import dev.loomscope.format.LatencyBuckets;

/**
 * The latency axis of Loomscope's latency heatmaps: base-2 exponential buckets with {@value #SUB_BUCKETS} buckets per
 * doubling, the layout of an OpenTelemetry exponential histogram at scale 2 and of a Prometheus native histogram with
 * schema 2, so cells can be re-exported to either without re-bucketing.
 * <p>
 * Bucket {@code i} holds values {@code v} (nanoseconds) with {@code 2^(i/4) < v <= 2^((i+1)/4)}: upper bounds are
 * inclusive, as in both of those formats. Bucket 0 also holds every value {@code <= 1 ns} (including 0), and the last
 * bucket, {@link #BUCKETS}{@code  - 1}, every value above {@code 2^(}{@value #MAX_EXPONENT}{@code )} ns (about 18 min).
 * The layout is the dump format's ({@link LatencyBuckets}); this class is the drain's fast indexing into it.
 */
public final class LogLatencyBuckets {
    /** Buckets per doubling: boundaries at 2^(k/4), i.e. a factor of about 1.19 between neighbours. */
    public static final int SUB_BUCKETS = LatencyBuckets.SUB_BUCKETS;
    /** Values above 2^40 ns all fall into the last bucket. */
    public static final int MAX_EXPONENT = LatencyBuckets.MAX_EXPONENT;
    /** Number of buckets. */
    public static final int BUCKETS = LatencyBuckets.COUNT;

    private LogLatencyBuckets() {
    }

    /**
     * {@code QUARTER_POINTS[3 * e + k - 1] = floor(2^(e + k/4))} for {@code k = 1, 2, 3}: the boundaries inside the
     * doubling {@code [2^e, 2^(e+1))}. The real boundaries are irrational, so for an integer {@code v},
     * {@code v > 2^(e + k/4)} exactly when {@code v > floor(2^(e + k/4))}: integer comparisons decide the bucket
     * without a division or a logarithm. Computed exactly (BigDecimal square roots), not from doubles, whose rounding
     * could move a floor across an integer for large exponents.
     */
    private static final long[] QUARTER_POINTS = quarterPoints();

    /**
     * Index of the bucket holding {@code nanos}. On the drain's path for every latency: the bit length and three
     * integer comparisons against precomputed boundaries.
     */
    public static int index(long nanos) {
        if (nanos <= 1) {
            return 0;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(nanos); // 2^exponent <= nanos < 2^(exponent+1)
        if (exponent >= MAX_EXPONENT) {
            return nanos == 1L << MAX_EXPONENT ? BUCKETS - 2 : BUCKETS - 1;
        }
        if (nanos == 1L << exponent) {
            return exponent * SUB_BUCKETS - 1; // a power of two is the inclusive upper bound of the bucket below
        }
        int q = 3 * exponent;
        int sub = (nanos > QUARTER_POINTS[q] ? 1 : 0) + (nanos > QUARTER_POINTS[q + 1] ? 1 : 0)
                + (nanos > QUARTER_POINTS[q + 2] ? 1 : 0);
        return exponent * SUB_BUCKETS + sub;
    }

    private static long[] quarterPoints() {
        java.math.MathContext precision = new java.math.MathContext(40);
        java.math.BigDecimal sqrt2 = java.math.BigDecimal.valueOf(2).sqrt(precision);
        java.math.BigDecimal fourthRoot2 = sqrt2.sqrt(precision);
        java.math.BigDecimal[] factors = {fourthRoot2, sqrt2, sqrt2.multiply(fourthRoot2, precision)};
        long[] points = new long[3 * MAX_EXPONENT];
        for (int e = 0; e < MAX_EXPONENT; e++) {
            java.math.BigDecimal power = new java.math.BigDecimal(java.math.BigInteger.ONE.shiftLeft(e));
            for (int k = 0; k < 3; k++) {
                points[3 * e + k] = power.multiply(factors[k], precision).longValue(); // truncates: floor, positive
            }
        }
        return points;
    }

    /** Exclusive lower bound of bucket {@code index} in nanoseconds, {@code 2^(index/4)} (0 for bucket 0). */
    public static double lowerBoundNanos(int index) {
        return index == 0 ? 0 : Math.pow(2, (double) index / SUB_BUCKETS);
    }

    /** Inclusive upper bound of bucket {@code index} in nanoseconds, {@code 2^((index+1)/4)}; infinite for the last. */
    public static double upperBoundNanos(int index) {
        return LatencyBuckets.upperBoundNanos(index);
    }
}

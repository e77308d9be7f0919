package dev.loomscope.core;

/**
 * The latency axis of Loomscope's latency heatmaps: base-2 exponential buckets with {@value #SUB_BUCKETS} buckets per
 * doubling, the layout of an OpenTelemetry exponential histogram at scale 2 and of a Prometheus native histogram with
 * schema 2, so cells can be re-exported to either without re-bucketing.
 * <p>
 * Bucket {@code i} holds values {@code v} (nanoseconds) with {@code 2^(i/4) < v <= 2^((i+1)/4)}: upper bounds are
 * inclusive, as in both of those formats. Bucket 0 also holds every value {@code <= 1 ns} (including 0), and the last
 * bucket, {@link #BUCKETS}{@code  - 1}, every value above {@code 2^(}{@value #MAX_EXPONENT}{@code )} ns (about 18 min).
 */
public final class LogLatencyBuckets {
    /** Buckets per doubling: boundaries at 2^(k/4), i.e. a factor of about 1.19 between neighbours. */
    public static final int SUB_BUCKETS = 4;
    /** Values above 2^40 ns all fall into the last bucket. */
    public static final int MAX_EXPONENT = 40;
    /** Number of buckets. */
    public static final int BUCKETS = MAX_EXPONENT * SUB_BUCKETS + 1;

    private LogLatencyBuckets() {
    }

    /** 2^(1/4), 2^(2/4), 2^(3/4): where a doubling splits into its four buckets. */
    private static final double Q1 = Math.pow(2, 0.25);
    private static final double Q2 = Math.sqrt(2);
    private static final double Q3 = Math.pow(2, 0.75);

    /**
     * Index of the bucket holding {@code nanos}. On the drain's path for every latency: no logarithm, only the bit
     * length and three comparisons of the mantissa (exact: a long below 2^41 is exact in a double, and no integer
     * other than a power of two lies on a boundary, the others being irrational).
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
        double mantissa = (double) nanos / (1L << exponent); // in (1, 2)
        int sub = (mantissa > Q1 ? 1 : 0) + (mantissa > Q2 ? 1 : 0) + (mantissa > Q3 ? 1 : 0);
        return exponent * SUB_BUCKETS + sub;
    }

    /** Exclusive lower bound of bucket {@code index} in nanoseconds, {@code 2^(index/4)} (0 for bucket 0). */
    public static double lowerBoundNanos(int index) {
        return index == 0 ? 0 : Math.pow(2, (double) index / SUB_BUCKETS);
    }

    /** Inclusive upper bound of bucket {@code index} in nanoseconds, {@code 2^((index+1)/4)}; infinite for the last. */
    public static double upperBoundNanos(int index) {
        return index >= BUCKETS - 1 ? Double.POSITIVE_INFINITY : Math.pow(2, (double) (index + 1) / SUB_BUCKETS);
    }
}

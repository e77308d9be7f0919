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

    /** Index of the bucket holding {@code nanos}. */
    public static int index(long nanos) {
        if (nanos <= 1) {
            return 0;
        }
        // Exact integer part from the bit length; the fraction only needs to tell four sub-buckets apart, for which
        // a double log of the mantissa is precise enough away from the boundaries, and boundaries are fixed below.
        int exponent = 63 - Long.numberOfLeadingZeros(nanos); // 2^exponent <= nanos < 2^(exponent+1)
        if (exponent >= MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        double fraction = Math.log((double) nanos / (1L << exponent)) / Math.log(2); // in [0, 1)
        int index = exponent * SUB_BUCKETS + (int) Math.ceil(fraction * SUB_BUCKETS) - 1;
        // upper bounds inclusive: move down/up if floating point put us on the wrong side of a boundary
        while (index > 0 && nanos <= upperBoundNanos(index - 1)) {
            index--;
        }
        while (index < BUCKETS - 1 && nanos > upperBoundNanos(index)) {
            index++;
        }
        return index;
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

package dev.loomscope.format;

/**
 * The latency buckets of the dump (docs/schema.md, "Latency buckets"): base-2 exponential, {@value #SUB_BUCKETS}
 * buckets per doubling. Bucket {@code i} holds latencies {@code v} (ns) with {@code 2^(i/4) < v <= 2^((i+1)/4)};
 * bucket 0 also every {@code v <= 1}, the last every {@code v > 2^}{@value #MAX_EXPONENT}. The latency heatmaps' columns
 * and the sites' {@code buckets} use them; the agent's drain-side indexing is {@code core.LogLatencyBuckets}.
 */
public final class LatencyBuckets {
    /** Buckets per doubling: boundaries at 2^(k/4), a factor of about 1.19 between neighbours. */
    public static final int SUB_BUCKETS = 4;
    /** Values above 2^40 ns all fall into the last bucket. */
    public static final int MAX_EXPONENT = 40;
    /** Number of buckets. */
    public static final int COUNT = MAX_EXPONENT * SUB_BUCKETS + 1;

    private LatencyBuckets() {
    }

    /** Inclusive upper bound of bucket {@code index} in nanoseconds, {@code 2^((index+1)/4)}; infinite for the last. */
    public static double upperBoundNanos(int index) {
        return index >= COUNT - 1 ? Double.POSITIVE_INFINITY : Math.pow(2, (double) (index + 1) / SUB_BUCKETS);
    }

    /**
     * The {@code percentile}th latency of non-zero bucket counts, as the upper bound of the bucket that holds it,
     * rounded up to whole nanoseconds (up to 19 % high: one bucket's width); 0 when there are none.
     *
     * @param cells {@code [bucket, count]} pairs in bucket order, as the dump writes them
     */
    public static long percentileNanos(long[][] cells, double percentile) {
        long total = 0;
        for (long[] cell : cells) {
            total += cell[1];
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (long[] cell : cells) {
            seen += cell[1];
            if (seen >= rank && seen > 0) {
                double upper = upperBoundNanos((int) cell[0]);
                return Double.isInfinite(upper) ? Long.MAX_VALUE : (long) Math.ceil(upper);
            }
        }
        return 0;
    }
}

package dev.loomscope.core;

import org.HdrHistogram.Histogram;

/**
 * A latency histogram with the buckets of {@link LatencyHistogram} (HdrHistogram, 1 ns – 7 days, 3 significant
 * digits), whose memory grows with the range of the values it holds instead of the whole range: one row of counts per
 * power of two of values (HdrHistogram's bucket), allocated at the row's first value. For the many histograms of
 * which each sees a few decades at most (three per operation): a full one takes 336 KiB whatever it holds, this one
 * 4 KiB per doubling its values span (about 50 KiB for 1 µs to 10 ms).
 * <p>
 * Recording is HdrHistogram's own index arithmetic and one increment (a few ns, like a full histogram's; its
 * {@code PackedHistogram}, as small, took 70–100 ns a value on the drain's path:
 * docs/design.md, "Operations' histograms are rows of counts"). Summarising builds the HdrHistogram the same values
 * would have made ({@link #toHistogram}): same layout, same counts, so its encoding merges exactly with every other.
 * <p>
 * Drain thread only; not thread-safe. A snapshot copies the rows ({@link #snapshot}), the histogram is built later.
 */
final class SparseLatencyHistogram {
    /** 3 significant digits: 2048 sub-buckets, the upper 1024 of which are new in every bucket above the first. */
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = 10;
    private static final int SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    private static final long SUB_BUCKET_MASK = 2L * SUB_BUCKET_HALF_COUNT - 1;
    /** HdrHistogram's {@code leadingZeroCountBase} with a unit magnitude of 0 (lowest discernible value 1). */
    private static final int LEADING_ZERO_COUNT_BASE = 64 - SUB_BUCKET_HALF_COUNT_MAGNITUDE - 1;
    private static final int ROWS = bucketOf(LatencyHistogram.HIGHEST_TRACKABLE_NANOS) + 1;

    /** By bucket: the first holds sub-buckets 0..2047, every other its sub-buckets 1024..2047; null until used. */
    private final int[][] rows = new int[ROWS][];
    private long count;
    private long clamped;

    void record(long nanos) {
        if (nanos < 0) {
            nanos = 0;
        }
        if (nanos > LatencyHistogram.HIGHEST_TRACKABLE_NANOS) {
            nanos = LatencyHistogram.HIGHEST_TRACKABLE_NANOS;
            clamped++;
        }
        int bucket = bucketOf(nanos);
        int subBucket = (int) (nanos >>> bucket);
        int[] row = rows[bucket];
        if (row == null) {
            row = new int[bucket == 0 ? 2 * SUB_BUCKET_HALF_COUNT : SUB_BUCKET_HALF_COUNT];
            rows[bucket] = row;
        }
        row[bucket == 0 ? subBucket : subBucket - SUB_BUCKET_HALF_COUNT]++;
        count++;
    }

    long count() {
        return count;
    }

    /** A copy of the counts, for a snapshot: the rows only (a few KiB each); summarised later, off the drain's lock. */
    LatencyDistribution snapshot() {
        int[][] copy = new int[ROWS][];
        for (int bucket = 0; bucket < ROWS; bucket++) {
            if (rows[bucket] != null) {
                copy[bucket] = rows[bucket].clone();
            }
        }
        return new LatencyDistribution(() -> toHistogram(copy), count, clamped);
    }

    /** The HdrHistogram these counts are: each count recorded at its sub-bucket's lowest value. */
    static Histogram toHistogram(int[][] rows) {
        Histogram histogram = new Histogram(1, LatencyHistogram.HIGHEST_TRACKABLE_NANOS,
                LatencyHistogram.SIGNIFICANT_DIGITS);
        for (int bucket = 0; bucket < rows.length; bucket++) {
            int[] row = rows[bucket];
            if (row == null) {
                continue;
            }
            int first = bucket == 0 ? 0 : SUB_BUCKET_HALF_COUNT;
            for (int i = 0; i < row.length; i++) {
                if (row[i] != 0) {
                    histogram.recordValueWithCount((long) (first + i) << bucket, row[i]);
                }
            }
        }
        return histogram;
    }

    /** Bytes of counts held (the rows allocated), for memory estimates. */
    long footprintBytes() {
        long bytes = 0;
        for (int[] row : rows) {
            if (row != null) {
                bytes += 4L * row.length + 16;
            }
        }
        return bytes;
    }

    /** HdrHistogram's bucket of {@code value}: the power of two its sub-bucket scales by. */
    private static int bucketOf(long value) {
        return LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
    }
}

package dev.loomscope.agent.metrics;

import dev.loomscope.core.MetricsReading;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;

import java.util.Arrays;

/**
 * One latency distribution of the recording as a Prometheus histogram in seconds, with both kinds of buckets:
 * <ul>
 *   <li><b>classic</b> buckets ({@code _bucket{le}} series, every Prometheus-compatible store reads them) at the
 *   JSON's base-2 boundaries, one per doubling: {@code le} = 2^k ns for k = {@value #FIRST_CLASSIC_EXPONENT} …
 *   {@value #LAST_CLASSIC_EXPONENT} (1.024 µs … 68.7 s), and {@code +Inf}: {@value #CLASSIC_BUCKETS} buckets, a
 *   fixed number of series per histogram whatever the latencies;</li>
 *   <li><b>native</b> buckets (one series per histogram, sent in the protobuf format to a Prometheus with native
 *   histograms enabled) with schema {@value #NATIVE_SCHEMA}: bucket key k holds (2^((k−1)/4), 2^(k/4)] seconds,
 *   a factor of 2^(1/4) ≈ 1.19, the resolution of the JSON's latency heatmaps.</li>
 * </ul>
 * The heatmaps' buckets have the same width but are aligned on nanoseconds (2^(i/4) ns): a Prometheus native
 * histogram in seconds has its boundaries elsewhere, so the buckets are filled from the HdrHistogram, whose value
 * ranges (at most 1/1024 of their value wide) are each counted in the bucket of their highest value, the value the
 * JSON's percentiles report. The sum is that of the ranges' middles, as the JSON's mean.
 */
final class LatencyHistogram {
    static final int FIRST_CLASSIC_EXPONENT = 10;
    static final int LAST_CLASSIC_EXPONENT = 36;
    /** Finite bounds plus {@code +Inf}. */
    static final int CLASSIC_BUCKETS = LAST_CLASSIC_EXPONENT - FIRST_CLASSIC_EXPONENT + 2;
    static final int NATIVE_SCHEMA = 2;
    /** Values at most this (in seconds) go to the zero bucket: the client library's default, 2^-128. */
    static final double NATIVE_ZERO_THRESHOLD = Math.pow(2, -128);
    /** Keys of the native buckets that can hold a recorded value: 1 ns is key −119, 7 days (the maximum) key 78. */
    private static final int FIRST_NATIVE_KEY = -120;
    private static final int LAST_NATIVE_KEY = 80;
    /** {@code NATIVE_UPPER_NANOS[k - FIRST_NATIVE_KEY]}: the inclusive upper bound of key k, in ns. */
    private static final double[] NATIVE_UPPER_NANOS = nativeUpperBounds();
    private static final double[] CLASSIC_UPPER_SECONDS = classicUpperBounds();
    private static final double NANOS_PER_SECOND = 1e9;

    private LatencyHistogram() {
    }

    /** A distribution's recorded value ranges, in increasing order ({@link MetricsReading.Latency}). */
    @FunctionalInterface
    interface RecordedValueRanges {
        void forEachRecordedValue(MetricsReading.RecordedValues values);
    }

    /** The data point of {@code latency} with {@code labels}. */
    static HistogramSnapshot.HistogramDataPointSnapshot dataPoint(RecordedValueRanges latency, Labels labels) {
        return dataPoint(latency, labels, Exemplars.EMPTY);
    }

    /** The data point of {@code latency} with {@code labels} and {@code exemplars} (values in seconds). */
    static HistogramSnapshot.HistogramDataPointSnapshot dataPoint(RecordedValueRanges latency, Labels labels,
                                                                  Exemplars exemplars) {
        Buckets buckets = new Buckets();
        latency.forEachRecordedValue(buckets::add);
        return new HistogramSnapshot.HistogramDataPointSnapshot(
                ClassicHistogramBuckets.of(CLASSIC_UPPER_SECONDS, buckets.classicCounts),
                NATIVE_SCHEMA, buckets.zeroCount, NATIVE_ZERO_THRESHOLD,
                NativeHistogramBuckets.of(Arrays.copyOf(buckets.nativeKeys, buckets.nativeBuckets),
                        Arrays.copyOf(buckets.nativeCounts, buckets.nativeBuckets)),
                NativeHistogramBuckets.EMPTY, buckets.sumNanos / NANOS_PER_SECOND, labels, exemplars, 0L);
    }

    /** The classic buckets' upper bounds in seconds, {@code +Inf} last. */
    static double[] classicUpperBoundsSeconds() {
        return CLASSIC_UPPER_SECONDS.clone();
    }

    /** The inclusive upper bound of native bucket {@code key}, in seconds: 2^(key/4). */
    static double nativeUpperBoundSeconds(int key) {
        return Math.pow(2, (double) key / 4);
    }

    /**
     * Counts of one distribution per bucket, filled from its value ranges in increasing order (so each kind of bucket
     * is found by walking forward, not searched).
     */
    private static final class Buckets {
        /** Not cumulative: the client library adds them up. */
        final long[] classicCounts = new long[CLASSIC_BUCKETS];
        int classicIndex;
        final int[] nativeKeys = new int[NATIVE_UPPER_NANOS.length];
        final long[] nativeCounts = new long[NATIVE_UPPER_NANOS.length];
        int nativeBuckets;
        int nativeIndex;
        long zeroCount;
        double sumNanos;

        void add(long highestNanos, long medianNanos, long count) {
            sumNanos += (double) medianNanos * count;
            while (classicIndex < CLASSIC_BUCKETS - 1
                    && highestNanos > 1L << (FIRST_CLASSIC_EXPONENT + classicIndex)) {
                classicIndex++;
            }
            classicCounts[classicIndex] += count;
            if (highestNanos == 0) {
                zeroCount += count;
                return;
            }
            while (nativeIndex < NATIVE_UPPER_NANOS.length - 1 && highestNanos > NATIVE_UPPER_NANOS[nativeIndex]) {
                nativeIndex++;
            }
            int key = FIRST_NATIVE_KEY + nativeIndex;
            if (nativeBuckets > 0 && nativeKeys[nativeBuckets - 1] == key) {
                nativeCounts[nativeBuckets - 1] += count;
            } else {
                nativeKeys[nativeBuckets] = key;
                nativeCounts[nativeBuckets] = count;
                nativeBuckets++;
            }
        }
    }

    private static double[] nativeUpperBounds() {
        double[] bounds = new double[LAST_NATIVE_KEY - FIRST_NATIVE_KEY + 1];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = nativeUpperBoundSeconds(FIRST_NATIVE_KEY + i) * NANOS_PER_SECOND;
        }
        return bounds;
    }

    private static double[] classicUpperBounds() {
        double[] bounds = new double[CLASSIC_BUCKETS];
        for (int i = 0; i < CLASSIC_BUCKETS - 1; i++) {
            bounds[i] = (1L << (FIRST_CLASSIC_EXPONENT + i)) / NANOS_PER_SECOND;
        }
        bounds[CLASSIC_BUCKETS - 1] = Double.POSITIVE_INFINITY;
        return bounds;
    }
}

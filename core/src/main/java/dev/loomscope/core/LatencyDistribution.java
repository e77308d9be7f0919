package dev.loomscope.core;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * One latency distribution in nanoseconds: an HdrHistogram with 3 significant digits over a fixed range
 * (auto-resize off, so memory is bounded), plus a count of values that were above the range and recorded at its top.
 */
final class LatencyDistribution {
    /** Longest trackable latency: 7 days. Longer values are recorded as this and counted in {@link #clamped}. */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.DAYS.toNanos(7);
    static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram histogram = new Histogram(1, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    private long clamped;

    void record(long nanos) {
        if (nanos < 0) {
            nanos = 0; // clocks of different carriers are the same nanoTime, but late-attach sequences can be partial
        }
        if (nanos > HIGHEST_TRACKABLE_NANOS) {
            nanos = HIGHEST_TRACKABLE_NANOS;
            clamped++;
        }
        histogram.recordValue(nanos);
    }

    /** An independent copy, for a snapshot: the drain goes on recording into this one. */
    LatencyDistribution copy() {
        LatencyDistribution copy = new LatencyDistribution();
        copy.add(this);
        return copy;
    }

    /** Adds every value of {@code other} (exact: same layout). For distributions derived at snapshot time. */
    void add(LatencyDistribution other) {
        histogram.add(other.histogram);
        clamped += other.clamped;
    }

    long count() {
        return histogram.getTotalCount();
    }

    /**
     * Calls {@code values} once per distinct recorded value range, in increasing order, for exports that bucket the
     * distribution their own way (the metrics endpoint). Each range is reported by its highest value (what
     * HdrHistogram's percentiles report) and its middle (what its mean adds up).
     */
    void forEachRecordedValue(RecordedValues values) {
        for (org.HdrHistogram.HistogramIterationValue value : histogram.recordedValues()) {
            long highest = value.getValueIteratedTo();
            values.accept(highest, histogram.medianEquivalentValue(highest), value.getCountAtValueIteratedTo());
        }
    }

    /** See {@link #forEachRecordedValue}. */
    @FunctionalInterface
    interface RecordedValues {
        void accept(long highestEquivalentNanos, long medianEquivalentNanos, long count);
    }

    Summary summary() {
        Histogram h = histogram;
        if (h.getTotalCount() == 0) {
            return new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0, encode(h));
        }
        return new Summary(h.getTotalCount(), h.getMinValue(), h.getMean(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(),
                clamped, encode(h));
    }

    /** HdrHistogram's compressed encoding, base64: what {@code Histogram.decodeFromCompressedByteBuffer} reads. */
    private static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * A distribution's headline values, in nanoseconds (HdrHistogram's values: equivalent within 3 significant
     * digits), with the whole histogram as {@code hdr}.
     */
    record Summary(long count, long min, double mean, long p50, long p90, long p99, long p999, long max,
                   long clamped, String hdr) {
    }
}

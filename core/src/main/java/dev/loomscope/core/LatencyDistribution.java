package dev.loomscope.core;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A latency distribution in nanoseconds at one instant: the immutable copy of a {@link LatencyHistogram} that a
 * snapshot holds. Summarised only when asked ({@link #summary}), after the drain's lock is released: percentiles and
 * the compressed histogram are the slow part of a dump.
 */
final class LatencyDistribution {
    /** Written only by the constructor's caller, before this object is handed out. */
    private final Histogram histogram;
    private final long clamped;

    /** Takes {@code histogram} over: the caller must not keep it. */
    LatencyDistribution(Histogram histogram, long clamped) {
        this.histogram = histogram;
        this.clamped = clamped;
    }

    long count() {
        return histogram.getTotalCount();
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

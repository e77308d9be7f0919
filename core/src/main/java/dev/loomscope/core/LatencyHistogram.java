package dev.loomscope.core;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * One latency histogram in nanoseconds, recorded into on the drain thread: an HdrHistogram with 3 significant digits
 * over a fixed range (auto-resize off, so memory is bounded), plus a count of values that were above the range and
 * recorded at its top. A dump takes an immutable copy of it ({@link #snapshot}), a {@link LatencyDistribution}.
 * <p>
 * Drain thread only; not thread-safe.
 */
final class LatencyHistogram {
    /** Longest trackable latency: 7 days. Longer values are recorded as this and counted in {@link #clamped}. */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.DAYS.toNanos(7);
    static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram histogram = newHistogram();
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

    /** An immutable copy, for a snapshot: the drain goes on recording into this one. */
    LatencyDistribution snapshot() {
        return sumOf(new LatencyHistogram[] {this});
    }

    /**
     * The sum of {@code parts} (nulls skipped), exact since all have the same layout: for distributions derived when a
     * snapshot is taken instead of being recorded twice on the drain's path.
     */
    static LatencyDistribution sumOf(LatencyHistogram[] parts) {
        Histogram sum = newHistogram();
        long clamped = 0;
        for (LatencyHistogram part : parts) {
            if (part != null) {
                sum.add(part.histogram);
                clamped += part.clamped;
            }
        }
        return new LatencyDistribution(sum, clamped);
    }

    private static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    }
}

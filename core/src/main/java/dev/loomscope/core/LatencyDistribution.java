package dev.loomscope.core;

import dev.loomscope.format.LatencySummary;
import org.HdrHistogram.Histogram;

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

    /** The headline values and the encoded histogram, as the dump writes them. */
    LatencySummary summary() {
        return LatencySummary.of(histogram, clamped);
    }
}

package dev.loomscope.core;

import dev.loomscope.format.LatencySummary;
import org.HdrHistogram.Histogram;

import java.util.function.Supplier;


/**
 * A latency distribution in nanoseconds at one instant: the immutable copy of a {@link LatencyHistogram} that a
 * snapshot holds. Summarised only when asked ({@link #summary}), after the drain's lock is released: percentiles and
 * the compressed histogram are the slow part of a dump.
 */
final class LatencyDistribution {
    /** Written only by the constructor's caller, before this object is handed out; or built on first use. */
    private Histogram histogram;
    /** Builds {@link #histogram} on first use; null once built (or when given). */
    private Supplier<Histogram> build;
    private final long count;
    private final long clamped;

    /** Takes {@code histogram} over: the caller must not keep it. */
    LatencyDistribution(Histogram histogram, long clamped) {
        this.histogram = histogram;
        this.count = histogram.getTotalCount();
        this.clamped = clamped;
    }

    /**
     * A distribution whose histogram is built when first asked for ({@link SparseLatencyHistogram}: off the drain's
     * lock, and not at all if nothing asks).
     *
     * @param count values the histogram will hold
     */
    LatencyDistribution(Supplier<Histogram> build, long count, long clamped) {
        this.build = build;
        this.count = count;
        this.clamped = clamped;
    }

    long count() {
        return count;
    }

    private synchronized Histogram histogram() {
        if (histogram == null) {
            histogram = build.get();
            build = null;
        }
        return histogram;
    }

    /**
     * Calls {@code values} once per distinct recorded value range, in increasing order, for exports that bucket the
     * distribution their own way (the metrics endpoint). Each range is reported by its highest value (what
     * HdrHistogram's percentiles report) and its middle (what its mean adds up).
     */
    void forEachRecordedValue(RecordedValues values) {
        Histogram histogram = histogram();
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

    /** The headline values and the encoded histogram, as the dump writes them. */
    LatencySummary summary() {
        return LatencySummary.of(histogram(), clamped);
    }
}

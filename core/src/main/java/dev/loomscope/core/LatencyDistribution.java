package dev.loomscope.core;

import dev.loomscope.format.LatencySummary;
import org.HdrHistogram.Histogram;


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

    /** The headline values and the encoded histogram, as the dump writes them. */
    LatencySummary summary() {
        return LatencySummary.of(histogram, clamped);
    }
}

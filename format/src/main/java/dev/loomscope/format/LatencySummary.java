package dev.loomscope.format;

import org.HdrHistogram.Histogram;

/**
 * One latency distribution ({@code latencies.wakeToRun}, ...): its headline values, in nanoseconds, with the whole
 * histogram as {@code hdr}. Built from a histogram only by {@link #of}, by the agent and by {@code merge} alike.
 *
 * @param unit    always {@link #NANOSECONDS}
 * @param count   values recorded; every value below is 0 when it is 0
 * @param mean    rounded to whole nanoseconds
 * @param p999    the 99.9th percentile
 * @param clamped values above the histogram's range, recorded at its top
 * @param hdr     the histogram, {@link HistogramCodec}
 */
public record LatencySummary(String unit, long count, long min, long mean, long p50, long p90, long p99, long p999,
                             long max, long clamped, String hdr) {
    public static final String NANOSECONDS = "ns";

    /** HdrHistogram's own values (equivalent within its significant digits), and the histogram encoded. */
    public static LatencySummary of(Histogram histogram, long clamped) {
        String hdr = HistogramCodec.encode(histogram);
        long count = histogram.getTotalCount();
        if (count == 0) {
            return new LatencySummary(NANOSECONDS, 0, 0, 0, 0, 0, 0, 0, 0, clamped, hdr);
        }
        return new LatencySummary(NANOSECONDS, count, histogram.getMinValue(), Math.round(histogram.getMean()),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue(),
                clamped, hdr);
    }

    /** The histogram decoded; @throws IllegalArgumentException if {@code hdr} is absent or corrupt */
    public Histogram histogram() {
        if (hdr == null) {
            throw new IllegalArgumentException("no \"hdr\" histogram");
        }
        return HistogramCodec.decode(hdr);
    }
}

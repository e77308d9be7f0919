package dev.loomscope.examples.payments;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load generator's latency histograms (HdrHistogram, 1 µs to 1 h, 3 significant digits), safe to record into from
 * many threads: latency from each request's intended start (the one reported), and service time from the moment it was
 * actually sent (only for comparison: it leaves out the time a request spent waiting to be sent).
 */
public final class Latencies {
    private static final long HIGHEST_NANOS = 3_600_000_000_000L;
    private final Recorder fromIntended = new Recorder(1_000, HIGHEST_NANOS, 3);
    private final Recorder fromSend = new Recorder(1_000, HIGHEST_NANOS, 3);
    private final Histogram totalFromIntended = new Histogram(1_000, HIGHEST_NANOS, 3);
    private final Histogram totalFromSend = new Histogram(1_000, HIGHEST_NANOS, 3);
    private Histogram interval;

    /** One completed request. */
    public void record(long intendedStartNanos, long sentNanos, long doneNanos) {
        fromIntended.recordValue(clamp(doneNanos - intendedStartNanos));
        fromSend.recordValue(clamp(doneNanos - sentNanos));
    }

    private static long clamp(long nanos) {
        return Math.min(Math.max(nanos, 1_000), HIGHEST_NANOS);
    }

    /**
     * The latencies (from the intended start) recorded since the previous call, also added to the totals. One caller
     * at a time (the progress thread, then the final report).
     */
    public synchronized Histogram sinceLast() {
        interval = fromIntended.getIntervalHistogram(interval);
        totalFromIntended.add(interval);
        Histogram send = fromSend.getIntervalHistogram();
        totalFromSend.add(send);
        return interval;
    }

    /** Everything so far, from the intended start. */
    public synchronized Histogram total() {
        sinceLast();
        return totalFromIntended.copy();
    }

    /** Everything so far, from the actual send. */
    public synchronized Histogram totalFromSend() {
        sinceLast();
        return totalFromSend.copy();
    }
}

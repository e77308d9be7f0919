package dev.loomscope.examples.payments;

/**
 * The load generator's timeline: request {@code i} is due {@code i / rate} seconds after the start, whatever happened
 * to the requests before it. Latency is measured from that intended start, so a stall (of the service, or of the
 * generator itself) is charged to every request that should have been sent during it, not only to the one that was
 * waiting when it began: the open-loop measurement that avoids coordinated omission.
 *
 * @param ratePerSecond requests per second, at least 1
 * @param durationNanos length of the run
 */
public record Schedule(long ratePerSecond, long durationNanos) {
    public static final long MAX_RATE = 10_000;
    public static final long MAX_DURATION_NANOS = 3_600_000_000_000L;

    public Schedule {
        if (ratePerSecond < 1 || ratePerSecond > MAX_RATE) {
            throw new IllegalArgumentException("rate must be 1.." + MAX_RATE + " requests per second");
        }
        if (durationNanos <= 0 || durationNanos > MAX_DURATION_NANOS) {
            throw new IllegalArgumentException("duration must be more than 0 and at most an hour");
        }
    }

    /** Requests in the run: those due strictly before its end. */
    public long count() {
        // ceil(duration * rate / 1e9): request i is due at i/rate s, inside the run while i/rate < duration.
        return Math.ceilDiv(durationNanos * ratePerSecond, 1_000_000_000L);
    }

    /** When request {@code index} is due, in nanoseconds after the start (exact, no accumulated rounding). */
    public long offsetNanos(long index) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException(index);
        }
        return index * 1_000_000_000L / ratePerSecond;
    }
}

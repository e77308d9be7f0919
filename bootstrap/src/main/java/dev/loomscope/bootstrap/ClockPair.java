package dev.loomscope.bootstrap;

/**
 * An {@link EventClock} reading and the {@code System.nanoTime()} at which it was taken: what core's
 * {@code ClockConversion} maps the records' timestamps with.
 *
 * @param reading  the event clock's reading
 * @param nanoTime the midpoint of the two {@code nanoTime} readings that bracket it
 */
public record ClockPair(long reading, long nanoTime) {
    /**
     * Widest bracket of a pair worth using: two {@code nanoTime} readings around a reading normally take 60 ns, so a
     * wider one means the thread was preempted in between, and the pair could be skewed by as much.
     */
    public static final long MAX_SPREAD_NANOS = 20_000;
    private static final int TRIES = 16;

    /** The tightest of a few bracketed pairs, taken until one is within {@link #MAX_SPREAD_NANOS}. */
    public static ClockPair tightest() {
        long reading = 0;
        long nanoTime = 0;
        long spread = Long.MAX_VALUE;
        for (int i = 0; i < TRIES && spread > MAX_SPREAD_NANOS; i++) {
            long before = System.nanoTime();
            long r = EventClock.read();
            long after = System.nanoTime();
            if (after - before < spread) {
                spread = after - before;
                reading = r;
                nanoTime = before + spread / 2;
            }
        }
        return new ClockPair(reading, nanoTime);
    }
}

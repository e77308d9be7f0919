package dev.loomscope.core;

import dev.loomscope.bootstrap.ClockPair;

/**
 * Turns the recorder's clock readings into nanoseconds on {@link System#nanoTime()}'s scale, which the aggregator
 * works in: the identity when the recorder reads {@code nanoTime} itself, a calibrated linear map when it reads the
 * CPU's time-stamp counter ({@code EventClock}).
 * <p>
 * <b>Calibration.</b> The map starts from two (reading, {@code nanoTime}) pairs taken far apart (at the recorder's
 * install and when the drain starts, after the weaving: hundreds of milliseconds) and is refined by a new pair before
 * every drain pass. Each refinement re-anchors the map at the current reading, where the old map puts it, so the map
 * is continuous: a latency spanning a refinement is measured with the rates on either side, never with a jump. The
 * new rate is the average rate since the first pair (its error shrinks as the run goes on), nudged so that the map
 * converges on {@code nanoTime} within about a second ({@link #CONVERGENCE_NANOS}, at most {@link #MAX_NUDGE} of the
 * rate) should the two clocks drift apart (NTP slews {@code nanoTime}, not the counter): timestamps then stay
 * comparable with the drain's own {@code nanoTime} readings (long slices, leak ages).
 * <p>
 * <b>Pairs.</b> Every pair is a reading bracketed by two {@code nanoTime} readings, paired with their midpoint, and
 * used only if the bracket is at most {@link #MAX_PAIR_SPREAD_NANOS} wide: a thread preempted between the reading and
 * {@code nanoTime} (milliseconds on a loaded machine) would put the rate off by that much over the time since the
 * first pair, and the map, continuous and nudged back by at most {@link #MAX_NUDGE}, would carry the offset for
 * minutes: a long slice would be looked at a hundred milliseconds late.
 * <p>
 * Error: a pair is taken within about 60 ns, so after the first second the rate is known to about 10⁻⁷; a latency
 * carries that relative error plus the nudge (at most 10⁻⁴ while the clocks disagree).
 * <p>
 * Drain thread only (and dumps, under the drain's lock).
 */
final class ClockConversion {
    /** Time over which a disagreement with {@code nanoTime} is worked off. */
    static final double CONVERGENCE_NANOS = 1e9;
    /** Largest relative change of the rate used to work off a disagreement. */
    static final double MAX_NUDGE = 1e-4;
    /** Widest bracket of a calibration pair ({@link ClockPair#MAX_SPREAD_NANOS}). */
    static final long MAX_PAIR_SPREAD_NANOS = ClockPair.MAX_SPREAD_NANOS;

    private final boolean ticks;
    private final long firstReading;
    private final long firstNanoTime;
    private long anchorReading;
    private long anchorNanos;
    private double nanosPerTick;

    private ClockConversion(boolean ticks, long firstReading, long firstNanoTime, double nanosPerTick) {
        this.ticks = ticks;
        this.firstReading = firstReading;
        this.firstNanoTime = firstNanoTime;
        this.anchorReading = firstReading;
        this.anchorNanos = firstNanoTime;
        this.nanosPerTick = nanosPerTick;
    }

    /** Readings are {@code nanoTime} already. */
    static ClockConversion identity() {
        return new ClockConversion(false, 0, 0, 1);
    }

    /**
     * Readings are ticks. The pairs must be apart (the later reading greater); the rate is theirs.
     *
     * @throws IllegalArgumentException if the pairs give no positive finite rate
     */
    static ClockConversion ticks(long firstReading, long firstNanoTime, long reading, long nanoTime) {
        double rate = (double) (nanoTime - firstNanoTime) / (double) (reading - firstReading);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("no clock rate from (" + firstReading + ", " + firstNanoTime + ") and ("
                    + reading + ", " + nanoTime + ")");
        }
        return new ClockConversion(true, firstReading, firstNanoTime, rate);
    }

    boolean ticks() {
        return ticks;
    }

    /** Nanoseconds per tick now (1 for the identity). */
    double nanosPerTick() {
        return nanosPerTick;
    }

    long toNanos(long reading) {
        return ticks ? anchorNanos + (long) ((reading - anchorReading) * nanosPerTick) : reading;
    }

    /**
     * Refines the map with a reading taken between two {@code nanoTime} readings, unless they are more than
     * {@link #MAX_PAIR_SPREAD_NANOS} apart (the thread was preempted in between: the next pass tries again).
     */
    void calibrate(long nanoTimeBefore, long reading, long nanoTimeAfter) {
        long spread = nanoTimeAfter - nanoTimeBefore;
        if (spread >= 0 && spread <= MAX_PAIR_SPREAD_NANOS) {
            calibrate(reading, nanoTimeBefore + spread / 2);
        }
    }

    /** Refines the map with a reading and the {@code nanoTime} at which it was taken. */
    void calibrate(long reading, long nanoTime) {
        if (!ticks || reading <= anchorReading) {
            return;
        }
        long mapped = toNanos(reading);
        double average = (double) (nanoTime - firstNanoTime) / (double) (reading - firstReading);
        double nudge = Math.max(-MAX_NUDGE, Math.min(MAX_NUDGE, (nanoTime - mapped) / CONVERGENCE_NANOS));
        double rate = average * (1 + nudge);
        if (rate > 0 && !Double.isInfinite(rate)) {
            anchorReading = reading;
            anchorNanos = mapped;
            nanosPerTick = rate;
        }
    }
}

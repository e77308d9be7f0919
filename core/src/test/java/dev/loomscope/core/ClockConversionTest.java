package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tick-to-nanosecond map against synthetic clocks whose true relation is known. */
class ClockConversionTest {
    /** 2.5 ticks per nanosecond (a 2.5 GHz counter), counter at 7e12 when nanoTime is 1e9. */
    private static final double TICKS_PER_NANO = 2.5;
    private static final long TICKS_AT_ZERO = 7_000_000_000_000L - (long) (1e9 * TICKS_PER_NANO);
    private static final long MS = 1_000_000;

    private static long ticksAt(long nanoTime) {
        return TICKS_AT_ZERO + Math.round(nanoTime * TICKS_PER_NANO);
    }

    @Test
    void identityLeavesNanoTimeAlone() {
        ClockConversion identity = ClockConversion.identity();
        assertFalse(identity.ticks());
        assertEquals(-5, identity.toNanos(-5));
        assertEquals(Long.MAX_VALUE, identity.toNanos(Long.MAX_VALUE));
        identity.calibrate(123, 456);
        assertEquals(123, identity.toNanos(123));
    }

    @Test
    void twoExactPairsGiveTheExactMapEvenHoursLater() {
        long n0 = 1_000_000_000L;
        long n1 = n0 + 300 * MS;
        ClockConversion clock = ClockConversion.ticks(ticksAt(n0), n0, ticksAt(n1), n1);
        assertTrue(clock.ticks());
        assertEquals(1 / TICKS_PER_NANO, clock.nanosPerTick(), 1e-12);
        long tenHoursLater = n0 + 36_000_000 * MS;
        for (long t : new long[]{n0 - 500 * MS, n0, n1, n1 + 7, tenHoursLater}) {
            assertEquals(t, clock.toNanos(ticksAt(t)), 1.0, "at " + t);
        }
        // a 350 ns latency ten hours in is 350 ns
        assertEquals(350, clock.toNanos(ticksAt(tenHoursLater + 350)) - clock.toNanos(ticksAt(tenHoursLater)), 1);
    }

    @Test
    void aRoughFirstRateIsCorrectedWithoutJumps() {
        long n0 = 1_000_000_000L;
        long n1 = n0 + 10 * MS;
        // the second pair's nanoTime read 3 us late: a rate 3e-4 too high
        ClockConversion clock = ClockConversion.ticks(ticksAt(n0), n0, ticksAt(n1), n1 + 3_000);
        long worstStep = 0;
        long previous = clock.toNanos(ticksAt(n1));
        for (long t = n1 + MS; t <= n1 + 5_000 * MS; t += MS) {
            long before = clock.toNanos(ticksAt(t));
            clock.calibrate(ticksAt(t), t); // exact pairs from here on
            long after = clock.toNanos(ticksAt(t));
            assertEquals(before, after, "a refinement never moves the reading it is anchored at");
            worstStep = Math.max(worstStep, Math.abs((after - previous) - MS));
            previous = after;
        }
        long end = n1 + 5_000 * MS;
        assertEquals(end, clock.toNanos(ticksAt(end)), 100, "converged on nanoTime");
        assertTrue(worstStep <= MS * 4 / 10_000 + 1, "a 1 ms interval is off by at most 4e-4: " + worstStep + " ns");
        // once converged, a 1 ms latency is 1 ms within 10 ns
        assertEquals(MS, clock.toNanos(ticksAt(end + MS)) - clock.toNanos(ticksAt(end)), 10);
    }

    @Test
    void nanoTimeSlewedAgainstTheCounterIsFollowed() {
        long n0 = 1_000_000_000L;
        long n1 = n0 + 200 * MS;
        ClockConversion clock = ClockConversion.ticks(ticksAt(n0), n0, ticksAt(n1), n1);
        // from n1 on, nanoTime runs 50 ppm fast against the counter (an NTP slew)
        long nano = n1;
        long ticks = ticksAt(n1);
        for (int pass = 0; pass < 60_000; pass++) { // a minute of 1 ms drain passes
            ticks += Math.round(MS * TICKS_PER_NANO);
            nano += MS + 50;
            clock.calibrate(ticks, nano);
        }
        assertEquals(nano, clock.toNanos(ticks), 20_000, "within 20 us of nanoTime after a minute of a 50 ppm slew");
    }

    /**
     * A drain thread preempted between its clock reading and {@code nanoTime} (30 ms on a loaded machine) must not
     * move the map: calibrated with that pair as if it were exact, the map would be some 30 ms ahead for minutes,
     * since a disagreement is worked off at 0.1 ms per second.
     */
    @Test
    void aPairSplitByAPreemptionIsNotUsed() {
        long n0 = 1_000_000_000L;
        long n1 = n0 + 300 * MS;
        ClockConversion clock = ClockConversion.ticks(ticksAt(n0), n0, ticksAt(n1), n1);
        long t = n1 + 1_000 * MS;
        clock.calibrate(t, ticksAt(t), t + 30 * MS);
        long later = t + 60_000 * MS;
        assertEquals(later, clock.toNanos(ticksAt(later)), 1.0);

        ClockConversion trusting = ClockConversion.ticks(ticksAt(n0), n0, ticksAt(n1), n1);
        trusting.calibrate(ticksAt(t), t + 30 * MS);
        assertTrue(trusting.toNanos(ticksAt(later)) - later > 25 * MS, "a split pair used as exact skews the map");
    }

    /** A reading bracketed by two nanoTimes stands for their midpoint: exact pairs keep an exact map exact. */
    @Test
    void aTightPairIsUsedAtItsMidpoint() {
        long n0 = 1_000_000_000L;
        long n1 = n0 + 300 * MS;
        ClockConversion clock = ClockConversion.ticks(ticksAt(n0), n0, ticksAt(n1), n1);
        long now = n1;
        for (int pass = 0; pass < 60; pass++) {
            now += 1_000 * MS;
            clock.calibrate(now - 40, ticksAt(now), now + 40);
            assertEquals(now, clock.toNanos(ticksAt(now)), 1.0);
        }
    }

    @Test
    void pairsWithoutAPositiveRateAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClockConversion.ticks(100, 1_000, 100, 2_000));
        assertThrows(IllegalArgumentException.class, () -> ClockConversion.ticks(100, 1_000, 200, 900));
    }
}

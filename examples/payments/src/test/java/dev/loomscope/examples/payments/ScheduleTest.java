package dev.loomscope.examples.payments;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScheduleTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void requestsAreDueEveryOneOverRateSecondsFromTheStart() {
        Schedule s = new Schedule(100, SECOND);
        assertEquals(100, s.count());
        assertEquals(0, s.offsetNanos(0));
        assertEquals(10 * MS, s.offsetNanos(1));
        assertEquals(500 * MS, s.offsetNanos(50));
        assertEquals(990 * MS, s.offsetNanos(99));
    }

    @Test
    void offsetsAreExactWithoutAccumulatedRounding() {
        // 1/3 s is not a whole number of nanoseconds: each offset is computed from the start, never added up.
        Schedule s = new Schedule(3, 10 * SECOND);
        assertEquals(30, s.count());
        assertEquals(333_333_333, s.offsetNanos(1));
        assertEquals(666_666_666, s.offsetNanos(2));
        assertEquals(SECOND, s.offsetNanos(3));
        assertEquals(9 * SECOND, s.offsetNanos(27));
        assertEquals(9 * SECOND + 666_666_666, s.offsetNanos(29));
    }

    @Test
    void countIsTheRequestsDueBeforeTheEnd() {
        assertEquals(3, new Schedule(2, 1_500 * MS).count()); // 0, 0.5, 1.0 s
        assertEquals(4, new Schedule(2, 1_501 * MS).count()); // and 1.5 s
        assertEquals(1, new Schedule(1, 1).count());
        assertEquals(30_000, new Schedule(1_000, 30 * SECOND).count());
    }

    @Test
    void outOfRangeAndBadParametersAreRefused() {
        Schedule s = new Schedule(10, SECOND);
        assertThrows(IndexOutOfBoundsException.class, () -> s.offsetNanos(10));
        assertThrows(IndexOutOfBoundsException.class, () -> s.offsetNanos(-1));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(Schedule.MAX_RATE + 1, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(10, 0));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(10, Schedule.MAX_DURATION_NANOS + 1));
    }
}

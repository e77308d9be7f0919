package dev.loomscope.core;

import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.EventRing;
import dev.loomscope.bootstrap.ThreadShedding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drain's decisions: raise with the rings' fill, lower one level at a time once it has caught up. */
class SheddingControlTest {
    private static final long MS = 1_000_000L;

    private final ThreadShedding shedding = new ThreadShedding();
    private final SheddingHistory history = new SheddingHistory(shedding, 1000 * MS, 600, 0, 0);
    private final EventRing[] rings = {new EventRing(1024), new EventRing(1024)};
    private final SheddingControl control = new SheddingControl(history, rings);
    private long now = 1000 * MS;

    @Test
    void aRingPastHalfFullRaisesTheLevelAndKeepsTheDrainAwake() {
        fill(rings[1], 700);
        assertTrue(pass(0));
        assertEquals(1, level());
        fill(rings[1], 200); // 900 of 1024: past 7/8
        assertTrue(pass(1));
        assertEquals(3, level());
    }

    @Test
    void aRingPastItsLowWaterMarkKeepsTheDrainAwakeWithoutShedding() {
        fill(rings[0], 200);
        assertTrue(pass(0));
        assertEquals(0, level());
        drain(rings[0]);
        assertFalse(pass(1));
    }

    @Test
    void caughtUpTheLevelComesDownOneStepAtATimeSlowerAsItNearsFullCapture() {
        fill(rings[0], 1000);
        pass(0);
        assertEquals(ThreadShedding.MAX_LEVEL, level(), "24 free: fewer than two probes of 16");
        drain(rings[0]);
        long changed = now;
        long total = 0;
        for (int passes = 0; level() > 0 && passes < 10_000; passes++) {
            int before = level();
            assertFalse(pass(MS / 4));
            if (level() != before) {
                assertEquals(before - 1, level(), "one level at a time");
                long dwell = now - changed;
                assertTrue(dwell >= SheddingControl.stepDownAfterNanos(before), "level " + before + ": " + dwell);
                assertTrue(dwell <= SheddingControl.stepDownAfterNanos(before) + MS / 2, "level " + before);
                total += dwell;
                changed = now;
            }
        }
        assertEquals(0, level());
        assertTrue(total < 2 * SheddingControl.STEP_DOWN_AFTER_NANOS + 30 * MS, "back to full capture in " + total);
        assertEquals(SheddingControl.STEP_DOWN_AFTER_NANOS, SheddingControl.stepDownAfterNanos(1));
        assertEquals(SheddingControl.STEP_DOWN_AFTER_NANOS / 2, SheddingControl.stepDownAfterNanos(2));
        assertEquals(SheddingControl.STEP_DOWN_AFTER_NANOS / 64, SheddingControl.stepDownAfterNanos(20));
        assertEquals(0, history.levelNow());
        assertEquals(ThreadShedding.MAX_LEVEL, history.maxLevel(0, now));
        assertEquals(0, history.maxLevel(now + 1, now + 1), "dated at the clock read after its CAS");
    }

    @Test
    void aBacklogStopsTheStepsDown() {
        fill(rings[0], 600);
        pass(0);
        drain(rings[0]);
        pass(SheddingControl.STEP_DOWN_AFTER_NANOS);
        pass(SheddingControl.STEP_DOWN_AFTER_NANOS);
        pass(SheddingControl.STEP_DOWN_AFTER_NANOS);
        assertEquals(0, level());
        shedding.raiseTo(2); // a producer
        pass(SheddingControl.STEP_DOWN_AFTER_NANOS);
        fill(rings[0], 200); // above the low-water mark, below the high-water mark
        for (int i = 0; i < 10; i++) {
            assertTrue(pass(SheddingControl.STEP_DOWN_AFTER_NANOS));
        }
        assertEquals(2, level());
    }

    private boolean pass(long after) {
        now += after;
        long[] clock = {now};
        return control.beforePass(() -> clock[0]++);
    }

    private int level() {
        return ThreadShedding.level(shedding.word());
    }

    private static void fill(EventRing ring, int records) {
        for (int i = 0; i < records; i++) {
            ring.offer(i, EventKind.MOUNT, 1, 0);
        }
    }

    private static void drain(EventRing ring) {
        ring.drain((ts, kind, thread, arg) -> { }, Integer.MAX_VALUE);
    }
}

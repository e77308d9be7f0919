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
    void caughtUpForLongEnoughTheLevelComesDownOneStepAtATime() {
        fill(rings[0], 1000);
        pass(0);
        int top = level();
        assertEquals(ThreadShedding.levelFor(1000, 1024), top);
        drain(rings[0]);
        long step = SheddingControl.STEP_DOWN_AFTER_NANOS;
        assertFalse(pass(step / 2));
        assertEquals(top, level(), "not calm for long enough yet");
        int passes = 0;
        for (int expected = top - 1; expected >= 0; expected--) {
            for (int i = 0; i < 5 && level() > expected; i++) {
                pass(step / 4);
                passes++;
            }
            assertEquals(expected, level());
        }
        assertTrue(passes >= 4 * top, "a level lasts at least " + step + " ns; " + passes + " passes");
        assertEquals(0, history.levelNow());
        assertEquals(top, history.maxLevel(0, now));
        assertEquals(0, history.maxLevel(now + 1, now + 1), "dated at the clock read after its CAS");
    }

    @Test
    void aBacklogStopsTheStepsDown() {
        fill(rings[0], 600);
        pass(0);
        drain(rings[0]);
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

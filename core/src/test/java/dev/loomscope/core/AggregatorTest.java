package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The aggregator's state machine on hand-made streams, including the incomplete ones real runs produce. */
class AggregatorTest {
    private static final long CARRIER = 900;
    private final Aggregator aggregator = new Aggregator(100);
    private long clock;

    @Test
    void nestedSubmitsOfOneWakeCountOnce() {
        event(EventKind.CREATE, 101, 1);
        event(EventKind.MOUNT, 101, CARRIER);
        event(EventKind.BLOCK, 101, CARRIER << 8 | BlockKind.PARK);
        event(EventKind.SUBMIT, 101, 5); // lazySubmitRunContinuation ...
        event(EventKind.SUBMIT, 101, 5); // ... calling submitRunContinuation
        event(EventKind.MOUNT, 101, CARRIER);
        event(EventKind.END, 101, 0);
        Counts counts = snapshot();
        assertEquals(1, counts.started());
        assertEquals(1, counts.blocks());
        assertEquals(1, counts.wakes());
        assertEquals(2, counts.mounts());
        assertEquals(2, counts.unmounts());
        assertEquals(1, counts.ended());
        assertEquals(0, counts.live());
    }

    @Test
    void failedStartEndsWithoutMountOrUnmount() {
        event(EventKind.CREATE, 101, 1);
        event(EventKind.END, 101, 0);
        Counts counts = snapshot();
        assertEquals(0, counts.started());
        assertEquals(0, counts.unmounts());
        assertEquals(1, counts.ended());
    }

    @Test
    void timedParkBetweenSleepBracketsIsASleep() {
        event(EventKind.CREATE, 101, 1);
        event(EventKind.SLEEP_BEGIN, 101, 1_000_000);
        event(EventKind.BLOCK, 101, BlockKind.TIMED_PARK);
        event(EventKind.SUBMIT, 101, 0);
        event(EventKind.SLEEP_END, 101, 0);
        event(EventKind.BLOCK, 101, BlockKind.TIMED_PARK);
        Counts counts = snapshot();
        assertEquals(1, counts.blocksByKind()[BlockKind.SLEEP]);
        assertEquals(1, counts.blocksByKind()[BlockKind.TIMED_PARK]);
        assertEquals(2, counts.blocks());
    }

    @Test
    void yieldIsNotABlockAndItsResubmitIsNotAWake() {
        event(EventKind.CREATE, 101, 1);
        event(EventKind.BLOCK, 101, BlockKind.YIELD);
        event(EventKind.SUBMIT, 101, 0);
        Counts counts = snapshot();
        assertEquals(1, counts.yields());
        assertEquals(0, counts.blocks());
        assertEquals(0, counts.wakes());
    }

    @Test
    void pinnedParkIsABlockWithoutAWake() {
        event(EventKind.CREATE, 101, 1);
        event(EventKind.PINNED_BLOCK, 101, CARRIER);
        event(EventKind.PINNED_UNBLOCK, 101, CARRIER);
        Counts counts = snapshot();
        assertEquals(1, counts.pinnedBlocks());
        assertEquals(1, counts.blocks());
        assertEquals(1, counts.blocksByKind()[BlockKind.PINNED]);
        assertEquals(0, counts.wakes());
    }

    /** After a late attach a thread parked before it is first seen waking, then ending: no negative live count. */
    @Test
    void threadsThatPredateTheRecordingEndAsPreexisting() {
        event(EventKind.SUBMIT, 7, 0);
        event(EventKind.MOUNT, 7, CARRIER);
        event(EventKind.END, 7, 0);
        event(EventKind.END, 8, 0);
        Counts counts = snapshot();
        assertEquals(1, counts.wakes());
        assertEquals(0, counts.ended());
        assertEquals(2, counts.preexistingEnded());
        assertEquals(0, counts.live());
        assertEquals(0, counts.trackedThreads());
    }

    /** A thread created after recording began whose CREATE record was dropped still ends as one of ours. */
    @Test
    void threadWithLostCreateRecordStillEndsAsObserved() {
        event(EventKind.END, 150, 0);
        assertEquals(1, snapshot().ended());
    }

    private void event(int kind, long thread, long arg) {
        aggregator.accept(++clock, kind, thread, arg);
    }

    private Counts snapshot() {
        return aggregator.snapshot(new long[EventKind.COUNT], 0);
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.ThreadShedding;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator while the recorder sheds threads: the streams are what the recorder writes when a thread is set aside
 * (its transitions stop being recorded, its creation and end never do) and followed again, and the checks are that no
 * latency spans a stretch in which a transition went unrecorded, and that every count that is exact stays exact.
 */
class AggregatorSheddingTest {
    private static final long MS = 1_000_000L;
    private static final long CARRIER = 900;
    private static final long OTHER_CARRIER = 901;

    /** Records a little in the past, so that a snapshot's "now" (the real nanoTime) is minutes after them. */
    private final long base = System.nanoTime() - TimeUnit.MINUTES.toNanos(5);
    private final ThreadShedding shedding = new ThreadShedding();
    private final Aggregator aggregator = new Aggregator(100, base - TimeUnit.SECONDS.toNanos(10), 0, 1000 * MS, 600,
            20 * MS, null, 60_000 * MS, 32, ClockConversion.identity(), shedding);
    private final SheddingHistory history = aggregator.sheddingHistory();
    /** Followed at level 1, and a thread that level 1 sets aside. */
    private final long kept = threadFollowedAt(1, true);
    private final long shed = threadFollowedAt(1, false);

    @Test
    void aThreadShedInTheMiddleOfABlockGetsNoLatencyFromItsIncompleteHistory() {
        history.confirm(at(0), shedding.word());
        event(1_000, EventKind.CREATE, shed, 1);
        event(2_000, EventKind.MOUNT, shed, CARRIER);
        event(3_000, EventKind.BLOCK, shed, BlockKind.PARK);
        shedding.raiseTo(1); // a producer: from here the shed thread's wake, mount and next block go unrecorded
        lowerAt(10 * MS);
        event(20 * MS, EventKind.SUBMIT, shed, 5); // the wake of its second block: 20 ms after the first began
        event(21 * MS, EventKind.MOUNT, shed, CARRIER);

        Snapshot.Data data = snapshot();
        assertEquals(0, data.latencies().blocked().count(), "no 20 ms block made of two");
        assertEquals(0, data.latencies().wakeToRun().count(), "its wake's block was not seen");
        assertEquals(1, data.counts().blocks(), "the block that was recorded");
        assertEquals(0, data.counts().wakes(), "a wake or a yield's re-queue: only the block tells");
        assertEquals(1, data.shedding().forgotten());
    }

    @Test
    void aThreadFollowedAgainIsMeasuredFromItsNextMountOn() {
        history.confirm(at(0), shedding.word());
        event(1_000, EventKind.CREATE, shed, 1);
        event(2_000, EventKind.MOUNT, shed, CARRIER);
        event(3_000, EventKind.BLOCK, shed, BlockKind.PARK);
        shedding.raiseTo(1);
        lowerAt(10 * MS);
        event(20 * MS, EventKind.SUBMIT, shed, 5);
        event(21 * MS, EventKind.MOUNT, shed, CARRIER); // history restarts here
        event(24 * MS, EventKind.BLOCK, shed, BlockKind.PARK);
        event(26 * MS, EventKind.SUBMIT, shed, 5);
        event(27 * MS, EventKind.MOUNT, shed, CARRIER);
        event(28 * MS, EventKind.END, shed, 0);

        Snapshot.Data data = snapshot();
        assertEquals(3, data.latencies().runSlice().count(), "2-3 µs before the gap, 21-24 ms and 27-28 ms after");
        assertNear(3 * MS, data.latencies().runSlice().summary().max());
        assertEquals(1, data.latencies().blocked().count());
        assertNear(2 * MS, data.latencies().blocked().summary().max());
        assertEquals(1, data.latencies().wakeToRun().count());
        assertNear(MS, data.latencies().wakeToRun().summary().max());
        assertEquals(2, data.counts().blocks());
        assertEquals(1, data.counts().wakes());
    }

    @Test
    void aFollowedThreadKeepsItsLatencySpanningTheShedSpell() {
        history.confirm(at(0), shedding.word());
        event(1_000, EventKind.CREATE, kept, 1);
        event(2_000, EventKind.MOUNT, kept, CARRIER);
        event(3_000, EventKind.BLOCK, kept, BlockKind.PARK);
        shedding.raiseTo(1);
        lowerAt(10 * MS);
        event(15 * MS + 3_000, EventKind.SUBMIT, kept, 5);
        event(16 * MS + 3_000, EventKind.MOUNT, kept, CARRIER);

        Snapshot.Data data = snapshot();
        assertNear(15 * MS, data.latencies().blocked().summary().max());
        assertNear(MS, data.latencies().wakeToRun().summary().max());
        assertEquals(0, data.shedding().forgotten());
    }

    @Test
    void recordsFromBeforeTheRaiseDrainedAfterItAreKept() {
        history.confirm(at(5 * MS), shedding.word());
        shedding.raiseTo(1); // seen by the drain before it reaches the backlog below
        event(1_000, EventKind.CREATE, shed, 1);
        event(2_000, EventKind.MOUNT, shed, CARRIER);
        event(3_000, EventKind.BLOCK, shed, BlockKind.PARK);
        event(1 * MS, EventKind.SUBMIT, shed, 5);
        event(2 * MS, EventKind.MOUNT, shed, CARRIER);

        Snapshot.Data data = snapshot();
        assertEquals(1, data.latencies().blocked().count());
        assertEquals(1, data.latencies().wakeToRun().count());
        assertEquals(1, data.latencies().startDelay().count());
        assertEquals(1, data.shedding().levelNow());
    }

    @Test
    void aThreadShedBeforeItsFirstMountHasNoStartDelay() {
        history.confirm(at(0), shedding.word());
        shedding.raiseTo(1);
        event(1_000, EventKind.CREATE, shed, 1); // creations are always recorded; its first mount is not
        lowerAt(10 * MS);
        event(30 * MS, EventKind.BLOCK, shed, BlockKind.PARK);
        event(31 * MS, EventKind.SUBMIT, shed, 5);
        event(32 * MS, EventKind.MOUNT, shed, CARRIER);

        Snapshot.Data data = snapshot();
        assertEquals(0, data.counts().started());
        assertEquals(0, data.latencies().startDelay().count());
        assertEquals(0, data.latencies().runSlice().count(), "its mount was not seen");
        assertEquals(1, data.latencies().blocked().count(), "the block it was followed for, whole");
        assertEquals(1, data.latencies().wakeToRun().count());
    }

    @Test
    void createdEndedAndLiveStayExactWhateverIsShed() {
        history.confirm(at(0), shedding.word());
        int threads = 1000;
        for (int i = 0; i < threads; i++) {
            event(1_000 + i, EventKind.CREATE, 1000 + i, 1);
        }
        shedding.raiseTo(ThreadShedding.MAX_LEVEL); // no thread followed: creations and ends only
        for (int i = 0; i < threads / 2; i++) {
            event(2 * MS + i, EventKind.END, 1000 + i, 0);
        }
        lowerTo(0, 10 * MS);
        for (int i = threads / 2; i < threads; i++) {
            event(20 * MS + i, EventKind.MOUNT, 1000 + i, CARRIER);
            event(21 * MS + i, EventKind.END, 1000 + i, 0);
        }
        event(22 * MS, EventKind.CREATE, 5000, 1);

        Counts counts = snapshot().counts();
        assertEquals(threads + 1, counts.created());
        assertEquals(threads, counts.ended());
        assertEquals(1, counts.live());
        assertEquals(0, counts.started(), "every first mount after the shed spell is after a gap");
    }

    /**
     * Creations of threads shed as they were created are counted by the rings, not recorded: they count in created and
     * in the create heatmap, and such a thread's end, a record of a thread the aggregator never saw, counts in ended.
     */
    @Test
    void creationsCountedInsteadOfRecordedAreCreatedAndTheirEndsEnded() {
        history.confirm(at(0), shedding.word());
        event(1_000, EventKind.CREATE, kept, 1);
        aggregator.shedCreations(3, at(2_000));
        event(3_000, EventKind.END, shed, 0); // one of the three
        long followedLater = shed + 1_000;
        event(4_000, EventKind.MOUNT, followedLater, CARRIER); // another, seen once followed again
        event(5_000, EventKind.SLEEP_BEGIN, followedLater + 1, 1_000_000); // and a third
        event(6_000, EventKind.END, followedLater, 0);
        event(7_000, EventKind.END, followedLater + 1, 0);
        Snapshot.Data data = snapshot();
        assertEquals(4, data.counts().created());
        assertEquals(3, data.counts().ended(), "threads created during the recording, seen or not before their end");
        assertEquals(1, data.counts().live());
        assertEquals(0, data.counts().preexistingEnded());
        long heatmap = 0;
        for (WindowedHeatmap.Row row : data.heatmaps().create()) {
            heatmap += row.cells()[CarrierTable.OTHER];
        }
        assertEquals(4, heatmap, "the counted ones in column 'other', with the creation by thread 1");
        assertEquals(3, data.shedding().creationsCounted());
    }

    @Test
    void aShedThreadIsNeitherALeakNorARunningSlice() {
        history.confirm(at(0), shedding.word());
        event(1_000, EventKind.CREATE, shed, 1);
        event(2_000, EventKind.CREATE, kept, 1);
        event(3_000, EventKind.MOUNT, shed, CARRIER);
        event(4_000, EventKind.MOUNT, kept, OTHER_CARRIER);
        long blocked = threadFollowedAt(1, false, shed + 1);
        long blockedKept = threadFollowedAt(1, true, kept + 1);
        event(5_000, EventKind.CREATE, blocked, 1);
        event(6_000, EventKind.CREATE, blockedKept, 1);
        event(7_000, EventKind.BLOCK, blocked, BlockKind.PARK);
        event(8_000, EventKind.BLOCK, blockedKept, BlockKind.PARK);
        shedding.raiseTo(1); // the shed threads may leave their carrier or wake unseen from here on
        event(9_000, EventKind.CARRIER_IDLE, 0, CARRIER);

        Snapshot.Data data = snapshot(); // minutes later: longer than the leak threshold and the long-slice one
        assertEquals(1, data.leaks().size());
        assertEquals(1, data.leaks().get(0).threads, "only the thread followed all along is known to be blocked");
        assertEquals(1, data.longestSlices().size());
        assertEquals(kept, data.longestSlices().get(0).threadId());
        for (Snapshot.Carrier carrier : data.carriers()) {
            assertEquals(carrier.threadId() == OTHER_CARRIER, carrier.mountedNow(), "carrier " + carrier.threadId());
        }
    }

    @Test
    void theDumpSaysWhenAndHowMuchWasShed() {
        history.confirm(at(0), shedding.word());
        event(1_000, EventKind.CREATE, kept, 1);
        shedding.raiseTo(2);
        event(2_000, EventKind.MOUNT, kept, CARRIER); // the drain sees the raise: dated at its last look, 0
        lowerTo(1, 300 * MS);
        lowerTo(0, 1500 * MS);

        Snapshot.Shedding shed = snapshot().shedding();
        assertEquals(0, shed.levelNow());
        assertEquals(2, shed.maxLevel());
        assertEquals(1, shed.episodes());
        long micros = 0;
        long level2 = 0;
        for (WindowedHeatmap.Row row : shed.windows()) {
            int[] cells = row.cells();
            for (int level = 0; level < cells.length; level++) {
                micros += cells[level];
            }
            level2 += cells.length > 2 ? cells[2] : 0;
        }
        // lowered at 300 ms + 1 µs and 1500 ms + 1 µs: the clock is read after each CAS
        assertEquals(1500 * MS + 1_000, shed.shedNanos());
        assertEquals(shed.shedNanos() / 1000, micros, "cells in µs");
        assertEquals(300_001, level2);
        assertFalse(shed.windows().isEmpty());
    }

    @Test
    void neverShedNeverChecks() {
        assertEquals(Long.MIN_VALUE, history.uncheckedFromSinceOrigin);
        event(1_000, EventKind.CREATE, shed, 1);
        event(2_000, EventKind.MOUNT, shed, CARRIER);
        event(3_000, EventKind.BLOCK, shed, BlockKind.PARK);
        event(4_000, EventKind.SUBMIT, shed, 5);
        event(5_000, EventKind.MOUNT, shed, CARRIER);
        Snapshot.Data data = snapshot();
        assertEquals(1, data.latencies().wakeToRun().count());
        assertEquals(0, data.shedding().maxLevel());
        assertTrue(data.shedding().windows().isEmpty());
    }

    /** The drain lowers the level by one at {@code nanos} after {@code base}. */
    private void lowerAt(long nanos) {
        history.confirm(at(nanos), shedding.word());
        long lowered = shedding.lower(shedding.word());
        history.lowered(at(nanos), lowered, at(nanos) + 1_000, shedding.word());
    }

    /** Lowers one level at a time, 2 µs apart, from {@code nanos} after {@code base}. */
    private void lowerTo(int level, long nanos) {
        for (long t = nanos; ThreadShedding.level(shedding.word()) > level; t += 2_000) {
            lowerAt(t);
        }
    }

    /** Within HdrHistogram's three significant digits. */
    private static void assertNear(long expected, long actual) {
        assertEquals(expected, actual, expected / 500.0);
    }

    private long at(long nanos) {
        return base + nanos;
    }

    private void event(long nanos, int kind, long thread, long arg) {
        aggregator.accept(at(nanos), kind, thread, arg);
    }

    private Snapshot.Data snapshot() {
        return aggregator.snapshot(new long[EventKind.COUNT], 0);
    }

    private long threadFollowedAt(int level, boolean followed) {
        return threadFollowedAt(level, followed, 101);
    }

    private long threadFollowedAt(int level, boolean followed, long from) {
        for (long id = from; ; id++) {
            if (shedding.followsAt(id, level) == followed) {
                return id;
            }
        }
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.ThreadShedding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The aggregator's state machine on hand-made streams, including the incomplete ones real runs produce. */
class AggregatorTest {
    private static final long CARRIER = 900;
    private final Aggregator aggregator = new Aggregator(100, -7_000_000_000L, 0, 1_000_000_000L, 600, 20_000_000L, null, 60_000_000_000L, 32,
            ClockConversion.identity());
    private long clock;

    @Test
    void nestedSubmitsOfOneWakeCountOnce() {
        event(EventKind.CREATE, 101, 1);
        event(EventKind.MOUNT, 101, CARRIER);
        event(EventKind.BLOCK, 101, 0L << 8 | BlockKind.PARK);
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

    /** Each latency is measured between the two records that bound it, from the records' own timestamps. */
    @Test
    void latenciesAreMeasuredBetweenTheirTransitions() {
        at(1_000, EventKind.CREATE, 101, 1);
        at(4_000, EventKind.MOUNT, 101, CARRIER);                          // start delay 3 us
        at(54_000, EventKind.BLOCK, 101, 0L << 8 | BlockKind.PARK);   // run slice 50 us
        at(2_054_000, EventKind.SUBMIT, 101, 5);                          // blocked 2 ms
        at(2_055_000, EventKind.SUBMIT, 101, 5);                          // nested submit: ignored
        at(2_154_000, EventKind.MOUNT, 101, CARRIER);                      // wake-to-run 100 us
        at(2_164_000, EventKind.END, 101, 0);                              // run slice 10 us
        Snapshot.Data data = aggregator.snapshot(new long[EventKind.COUNT], 0);
        assertEquals(1, data.latencies().startDelay().count());
        assertEquals(3_000, data.latencies().startDelay().summary().max(), 3);
        assertEquals(100_000, data.latencies().wakeToRun().summary().max(), 100);
        assertEquals(2_000_000, data.latencies().blocked().summary().max(), 2_000);
        assertEquals(2_000_000, data.latencies().blockedByKind().get(BlockKind.PARK).summary().max(), 2_000);
        assertEquals(2, data.latencies().runSlice().count());
        assertEquals(50_000, data.latencies().runSlice().summary().max(), 50);
        assertEquals(60_000, data.carriers().get(0).busyNanos(), "busy time is the sum of the carrier's slices");
    }

    @Test
    void heatmapCellsSumToTheirCounts() {
        for (long thread = 101; thread < 131; thread++) {
            at(thread * 10_000_000L, EventKind.CREATE, thread, 1);
            at(thread * 10_000_000L + 1, EventKind.MOUNT, thread, CARRIER + thread % 3);
            at(thread * 10_000_000L + 2, EventKind.BLOCK, thread, BlockKind.PARK);
            at(thread * 10_000_000L + 3, EventKind.SUBMIT, thread, 1);
        }
        Snapshot.Data data = aggregator.snapshot(new long[EventKind.COUNT], 0);
        assertEquals(data.counts().created(), sum(data.heatmaps().create()));
        assertEquals(data.counts().mounts(), sum(data.heatmaps().mount()));
        assertEquals(data.counts().blocks(), sum(data.heatmaps().block()));
        assertEquals(data.counts().wakes(), sum(data.heatmaps().wake()));
        assertEquals(data.latencies().startDelay().count(), sum(data.heatmaps().startDelay()));
        assertEquals(data.latencies().blocked().count(), sum(data.heatmaps().blocked()));
        assertEquals(3, data.carriers().size());
    }

    /** The timer that wakes a sleeper ran 40 ms late (busy carriers): those 40 ms are wake-to-run, not blocked. */
    @Test
    void timedBlockEndsAtItsDeadlineWhenTheWakeComesLate() {
        at(0, EventKind.CREATE, 101, 1);
        at(1_000, EventKind.MOUNT, 101, CARRIER);
        at(2_000, EventKind.BLOCK, 101, 20_000_000L << 8 | BlockKind.TIMED_PARK);
        at(60_002_000, EventKind.SUBMIT, 101, 5);
        at(60_003_000, EventKind.MOUNT, 101, CARRIER);
        at(60_004_000, EventKind.BLOCK, 101, 20_000_000L << 8 | BlockKind.TIMED_PARK);
        at(70_004_000, EventKind.SUBMIT, 101, 5); // woken early, by an unpark: ends at the wake
        at(70_005_000, EventKind.MOUNT, 101, CARRIER);
        Snapshot.Data data = aggregator.snapshot(new long[EventKind.COUNT], 0);
        assertEquals(20_000_000, data.latencies().blockedByKind().get(BlockKind.TIMED_PARK).summary().max(), 20_000);
        assertEquals(10_000_000, data.latencies().blockedByKind().get(BlockKind.TIMED_PARK).summary().min(), 10_000);
        assertEquals(40_001_000, data.latencies().wakeToRun().summary().max(), 40_000);
        assertEquals(1_000, data.latencies().wakeToRun().summary().min(), 1);
    }

    @Test
    void sliceAtLeastTheThresholdIsALongSlice() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        at(30_000_001, EventKind.BLOCK, 101, 0L << 8 | BlockKind.PARK);
        Snapshot.Data data = aggregator.snapshot(new long[EventKind.COUNT], 0);
        assertEquals(1, data.longSlices());
        assertEquals(30_000_000, data.longestSlices().get(0).durationNanos());
        assertEquals(CARRIER, data.longestSlices().get(0).carrierThreadId());
    }

    private static long sum(java.util.List<WindowedHeatmap.Row> rows) {
        long total = 0;
        for (WindowedHeatmap.Row row : rows) {
            for (int c : row.cells()) {
                total += c;
            }
        }
        return total;
    }

    private void at(long nanoTime, int kind, long thread, long arg) {
        clock = nanoTime;
        aggregator.accept(nanoTime, kind, thread, arg);
    }

    /**
     * The warm-up's synthetic stream is a whole, consistent one: two threads created, run, blocked and ended, and a
     * third shed while it runs, forgotten, and followed again.
     */
    @Test
    void warmUpRunsEveryTransitionOnAConsistentStream() throws Exception {
        Thread walked = Thread.ofPlatform().start(() -> java.util.concurrent.locks.LockSupport.park());
        try {
            aggregator.warmUp(walked);
        } finally {
            java.util.concurrent.locks.LockSupport.unpark(walked);
            walked.join();
        }
        Snapshot.Data data = aggregator.snapshot(new long[EventKind.COUNT], 0);
        Counts counts = data.counts();
        assertEquals(3, counts.created());
        assertEquals(3, counts.started());
        assertEquals(3, counts.ended());
        assertEquals(0, counts.live());
        assertEquals(7, counts.blocks());
        assertEquals(2, counts.pinnedBlocks());
        assertEquals(4, counts.wakes(), "the shed thread's wake comes after it was forgotten: not counted");
        assertEquals(2, counts.yields());
        assertEquals(2, data.longSlices());
        assertEquals(4, data.latencies().wakeToRun().count());
        assertEquals(ThreadShedding.MAX_LEVEL, data.shedding().maxLevel());
        assertEquals(0, data.shedding().levelNow());
        assertEquals(1, data.shedding().episodes());
    }

    private void event(int kind, long thread, long arg) {
        aggregator.accept(++clock, kind, thread, arg);
    }

    private Counts snapshot() {
        return aggregator.snapshot(new long[EventKind.COUNT], 0).counts();
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.OperationScopes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Events charged to the operation their thread works for, on hand-made streams: the aggregator follows each thread's
 * OPERATION records (enter, exit, inherit) in order with its other records.
 */
class OperationMetricsTest {
    private static final long CARRIER = 900;
    private static final long MS = 1_000_000;
    private static final int PAYMENTS = 2;
    private static final int HEALTH = 3;
    private static final int DB = 4;
    private static final Map<Integer, String> NAMES = Map.of(PAYMENTS, "POST /payments", HEALTH, "GET /health",
            DB, "db");
    private static final Map<Long, String> TRACE_IDS = Map.of(1L, "trace-a", 2L, "trace-b", 3L, "trace-c");

    private final Aggregator aggregator = new Aggregator(100, 0, 0, 1_000_000_000L, 600, 20 * MS, null,
            60_000_000_000L, 32, ClockConversion.identity(),
            new OperationMetrics(NAMES::get, TRACE_IDS::get, null));

    private void at(long nanoTime, int kind, long thread, long arg) {
        aggregator.accept(nanoTime, kind, thread, arg);
    }

    private static long enter(int operation, long trace) {
        return OperationScopes.recordArg(operation, trace, OperationScopes.ENTER);
    }

    private static long exit(int operation, long trace) {
        return OperationScopes.recordArg(operation, trace, OperationScopes.EXIT);
    }

    private Map<String, Snapshot.Operation> operations() {
        Snapshot.Data data = aggregator.snapshot(new long[EventKind.COUNT], 0);
        Map<String, Snapshot.Operation> byName = new java.util.LinkedHashMap<>();
        for (Snapshot.Operation operation : data.operations().operations()) {
            byName.put(operation.name(), operation);
        }
        return byName;
    }

    /**
     * A thread parks, is woken and waits {@code wakeToRun} for a carrier, in one operation; the whole cycle starts
     * at {@code t}.
     */
    private void parkCycle(long t, long thread, long blocked, long wakeToRun) {
        at(t, EventKind.BLOCK, thread, BlockKind.PARK);
        at(t + blocked, EventKind.SUBMIT, thread, 5);
        at(t + blocked + wakeToRun, EventKind.MOUNT, thread, CARRIER);
    }

    /**
     * A thread shed while in an operation may have left it unrecorded: once forgotten it is charged to no operation
     * until its next OPERATION record, which carries the operation whole.
     */
    @Test
    void aForgottenThreadLeavesItsOperationUntilItsNextOperationRecord() {
        dev.loomscope.bootstrap.ThreadShedding shedding = new dev.loomscope.bootstrap.ThreadShedding();
        Aggregator shedAggregator = new Aggregator(100, 0, 0, 1_000_000_000L, 600, 20 * MS, null, 60_000_000_000L, 32,
                ClockConversion.identity(), new OperationMetrics(NAMES::get, TRACE_IDS::get, null), shedding);
        long thread = 101;
        while (shedding.followsAt(thread, 1)) {
            thread++; // one that level 1 sets aside
        }
        SheddingHistory history = shedAggregator.sheddingHistory();
        history.confirm(0, shedding.word());
        shedAggregator.accept(1, EventKind.CREATE, thread, 1);
        shedAggregator.accept(2, EventKind.MOUNT, thread, CARRIER);
        shedAggregator.accept(3, EventKind.OPERATION, thread, enter(PAYMENTS, 1));
        shedding.raiseTo(1); // its exit, and what it did next, go unrecorded
        history.confirm(10 * MS, shedding.word());
        history.lowered(10 * MS, shedding.lower(shedding.word()), 10 * MS + 1, shedding.word());
        shedAggregator.accept(20 * MS, EventKind.BLOCK, thread, BlockKind.PARK); // a gap: forgotten, no operation
        shedAggregator.accept(25 * MS, EventKind.SUBMIT, thread, 5);
        shedAggregator.accept(26 * MS, EventKind.MOUNT, thread, CARRIER);
        shedAggregator.accept(27 * MS, EventKind.OPERATION, thread, enter(HEALTH, 2));
        shedAggregator.accept(28 * MS, EventKind.BLOCK, thread, BlockKind.PARK);
        shedAggregator.accept(30 * MS, EventKind.SUBMIT, thread, 5);
        shedAggregator.accept(31 * MS, EventKind.MOUNT, thread, CARRIER);

        Snapshot.Data data = shedAggregator.snapshot(new long[EventKind.COUNT], 0);
        Map<String, Snapshot.Operation> byName = new java.util.LinkedHashMap<>();
        for (Snapshot.Operation operation : data.operations().operations()) {
            byName.put(operation.name(), operation);
        }
        assertEquals(0, byName.get("POST /payments").blocks(), "the block after the gap is not charged to it");
        assertEquals(1, byName.get("GET /health").blocks());
        assertEquals(2 * MS, byName.get("GET /health").blocked().summary().max(), 2 * MS / 1000);
        assertEquals(2, data.latencies().blocked().count(), "both measured: its history restarts at the first block");
    }

    @Test
    void eachOperationGetsTheLatenciesOfItsOwnThreads() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        at(2, EventKind.OPERATION, 101, enter(PAYMENTS, 1));
        at(10, EventKind.CREATE, 102, 1);
        at(11, EventKind.MOUNT, 102, CARRIER);
        at(12, EventKind.OPERATION, 102, enter(HEALTH, 2));
        parkCycle(1 * MS, 101, 5 * MS, 40 * MS);
        parkCycle(1 * MS, 102, 3 * MS, MS / 10);
        Map<String, Snapshot.Operation> operations = operations();
        assertEquals(List.of("POST /payments", "GET /health"), List.copyOf(operations.keySet()));
        Snapshot.Operation payments = operations.get("POST /payments");
        assertEquals(40 * MS, payments.wakeToRun().summary().max(), 40 * MS / 1000);
        assertEquals(5 * MS, payments.blocked().summary().max(), 5 * MS / 1000);
        assertEquals(1, payments.blocks());
        assertEquals(1, payments.blocksByKind()[BlockKind.PARK]);
        assertEquals(1, payments.wakes());
        assertEquals(1, payments.threads());
        Snapshot.Operation health = operations.get("GET /health");
        assertEquals(MS / 10, health.wakeToRun().summary().max(), MS / 10 / 1000);
        assertEquals(3 * MS, health.blocked().summary().max(), 3 * MS / 1000);
        assertEquals("trace-a", payments.worstWakeToRun().get(0).traceId());
        assertEquals(1 * MS + 5 * MS, payments.worstWakeToRun().get(0).startEpochNanos(), "when the wake came");
        assertEquals("trace-b", health.worstBlocked().get(0).traceId());
        assertEquals(1 * MS, health.worstBlocked().get(0).startEpochNanos(), "when the block began");
    }

    @Test
    void eventsOutsideAnyOperationAreChargedToNone() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        parkCycle(MS, 101, MS, MS);
        at(10 * MS, EventKind.OPERATION, 101, enter(PAYMENTS, 0));
        parkCycle(11 * MS, 101, 2 * MS, 3 * MS);
        at(30 * MS, EventKind.OPERATION, 101, exit(0, 0));
        parkCycle(31 * MS, 101, MS, MS);
        Snapshot.Operation payments = operations().get("POST /payments");
        assertEquals(1, payments.blocks());
        assertEquals(1, payments.wakeToRun().count());
        assertEquals(3 * MS, payments.wakeToRun().summary().max(), 3 * MS / 1000);
        assertNull(payments.worstWakeToRun().get(0).traceId(), "no trace id given");
        assertEquals(3, aggregator.snapshot(new long[EventKind.COUNT], 0).counts().blocks());
    }

    /** An inner scope takes the thread's events; leaving it gives them back to the outer one, trace id kept. */
    @Test
    void nestedScopeTakesTheEventsUntilItIsLeft() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        at(2, EventKind.OPERATION, 101, enter(PAYMENTS, 1));
        parkCycle(MS, 101, MS, 2 * MS);
        at(10 * MS, EventKind.OPERATION, 101, enter(DB, 1));
        parkCycle(11 * MS, 101, 7 * MS, 3 * MS);
        at(30 * MS, EventKind.OPERATION, 101, exit(PAYMENTS, 1));
        parkCycle(31 * MS, 101, MS, 4 * MS);
        Map<String, Snapshot.Operation> operations = operations();
        Snapshot.Operation payments = operations.get("POST /payments");
        Snapshot.Operation db = operations.get("db");
        assertEquals(2, payments.blocks());
        assertEquals(4 * MS, payments.wakeToRun().summary().max(), 4 * MS / 1000);
        assertEquals(2 * MS, payments.wakeToRun().summary().min(), 2 * MS / 1000);
        assertEquals(1, db.blocks());
        assertEquals(7 * MS, db.blocked().summary().max(), 7 * MS / 1000);
        assertEquals("trace-a", db.worstBlocked().get(0).traceId(), "the inner scope keeps the outer trace id");
        assertEquals("trace-a", payments.worstWakeToRun().get(0).traceId(), "and so does the outer one after it");
        assertEquals(1, payments.threads(), "returning to the outer scope is not a new thread");
        assertEquals(1, db.threads());
    }

    /** Virtual threads started inside an operation count under it from their first event, until they end. */
    @Test
    void childThreadsInheritTheOperationAndItsTraceId() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        at(2, EventKind.OPERATION, 101, enter(PAYMENTS, 3));
        for (long child = 200; child < 203; child++) {
            at(10 + child, EventKind.CREATE, child, 101);
            at(11 + child, EventKind.OPERATION, child, OperationScopes.recordArg(PAYMENTS, 3, OperationScopes.INHERIT));
        }
        at(MS, EventKind.OPERATION, 101, exit(0, 0)); // the parent leaves: its children still work for it
        for (long child = 200; child < 203; child++) {
            at(2 * MS, EventKind.MOUNT, child, CARRIER);
            parkCycle(3 * MS, child, MS, (child - 199) * MS);
            at(10 * MS, EventKind.END, child, 0);
        }
        at(11 * MS, EventKind.CREATE, 300, 101); // after the end: nothing inherited
        at(12 * MS, EventKind.MOUNT, 300, CARRIER);
        parkCycle(13 * MS, 300, MS, 9 * MS);
        Snapshot.Operation payments = operations().get("POST /payments");
        assertEquals(4, payments.threads());
        assertEquals(3, payments.inheritedThreads());
        assertEquals(3, payments.blocks());
        assertEquals(3, payments.wakeToRun().count());
        assertEquals(3 * MS, payments.wakeToRun().summary().max(), 3 * MS / 1000);
        assertEquals(List.of(202L, 201L, 200L), payments.worstWakeToRun().stream()
                .map(Exemplars.Exemplar::threadId).toList(), "the worst first");
        assertEquals("trace-c", payments.worstWakeToRun().get(2).traceId());
        assertEquals(6, payments.runSlice().count(), "two slices per child (ended by its block, by its end); none"
                + " of the parent's: it never unmounted inside the operation");
    }

    @Test
    void longSlicesAndPinnedBlocksOfAnOperation() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        at(2, EventKind.OPERATION, 101, enter(PAYMENTS, 2));
        at(10, EventKind.PINNED_BLOCK, 101, CARRIER);
        at(MS, EventKind.PINNED_UNBLOCK, 101, CARRIER);
        at(50 * MS, EventKind.BLOCK, 101, BlockKind.PARK); // a slice of 50 ms
        Snapshot.Operation payments = operations().get("POST /payments");
        assertEquals(1, payments.longSlices());
        assertEquals(50 * MS - 1, payments.worstLongSlices().get(0).durationNanos());
        assertEquals("trace-b", payments.worstLongSlices().get(0).traceId());
        assertEquals(1, payments.pinnedBlocks());
        assertEquals(2, payments.blocks(), "the pinned park and the park");
        assertEquals(1, payments.blocksByKind()[BlockKind.PINNED]);
    }

    /**
     * A request's last slice runs its last work, leaves the scope and ends the thread: it belongs to the operation it
     * left, not to none.
     */
    @Test
    void aSliceThatLeavesItsOperationIsChargedToIt() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        at(2, EventKind.OPERATION, 101, enter(PAYMENTS, 1));
        at(30 * MS, EventKind.OPERATION, 101, exit(0, 0));
        at(31 * MS, EventKind.END, 101, 0);
        at(40 * MS, EventKind.CREATE, 102, 1); // left while blocked (not from its own code): nothing pending
        at(41 * MS, EventKind.MOUNT, 102, CARRIER);
        at(42 * MS, EventKind.OPERATION, 102, enter(HEALTH, 0));
        at(43 * MS, EventKind.BLOCK, 102, BlockKind.PARK);
        at(44 * MS, EventKind.SUBMIT, 102, 5);
        at(45 * MS, EventKind.MOUNT, 102, CARRIER);
        at(46 * MS, EventKind.OPERATION, 102, exit(0, 0));
        at(47 * MS, EventKind.BLOCK, 102, BlockKind.PARK);
        at(48 * MS, EventKind.SUBMIT, 102, 5);
        at(49 * MS, EventKind.MOUNT, 102, CARRIER);
        at(90 * MS, EventKind.END, 102, 0);
        Map<String, Snapshot.Operation> operations = operations();
        Snapshot.Operation payments = operations.get("POST /payments");
        assertEquals(1, payments.runSlice().count());
        assertEquals(1, payments.longSlices());
        assertEquals("trace-a", payments.worstLongSlices().get(0).traceId());
        Snapshot.Operation health = operations.get("GET /health");
        assertEquals(2, health.runSlice().count(), "the slice it entered in, and the one it left in");
        assertEquals(0, health.longSlices(), "the 41 ms slice after it left is not its own");
    }

    /** Only the worst few of each kind are kept, longest first. */
    @Test
    void exemplarsAreTheWorstFew() {
        at(0, EventKind.CREATE, 101, 1);
        at(1, EventKind.MOUNT, 101, CARRIER);
        at(2, EventKind.OPERATION, 101, enter(PAYMENTS, 1));
        long[] waits = {3, 9, 1, 7, 5, 2, 8, 4, 6};
        long t = MS;
        for (long wait : waits) {
            parkCycle(t, 101, MS, wait * MS);
            t += 20 * MS;
        }
        List<Exemplars.Exemplar> worst = operations().get("POST /payments").worstWakeToRun();
        assertEquals(List.of(9 * MS, 8 * MS, 7 * MS, 6 * MS, 5 * MS),
                worst.stream().map(Exemplars.Exemplar::durationNanos).toList());
    }
}

package dev.loomscope.bootstrap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scopes as the woven API drives them, on real virtual threads, read back from the recorder's rings: the records the
 * drain sees. The recorder is installed once for this test JVM (no advice is woven in it).
 */
class OperationScopesTest {

    @BeforeAll
    static void install() {
        Recorder.install(1, 4096, new byte[0], -1, null, null);
        OperationScopes.install(100, 64, 16);
    }

    private record OperationRecord(long threadId, String operation, String traceId, int change) {
    }

    /** The OPERATION records in the ring, in order. */
    private static List<OperationRecord> drain() {
        List<OperationRecord> records = new ArrayList<>();
        Recorder.rings()[0].drain((ts, kind, thread, arg) -> {
            if (kind == EventKind.OPERATION) {
                records.add(new OperationRecord(thread,
                        OperationScopes.operationName(OperationScopes.recordOperation(arg)),
                        OperationScopes.traceId(OperationScopes.recordTrace(arg)), OperationScopes.recordChange(arg)));
            }
        }, Integer.MAX_VALUE);
        return records;
    }

    private static <T> T onVirtualThread(java.util.concurrent.Callable<T> body) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        Thread.ofVirtual().start(() -> {
            try {
                result[0] = body.call();
            } catch (Exception e) {
                failure[0] = e;
            }
        }).join();
        if (failure[0] != null) {
            throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    @Test
    void nestedScopesRestoreTheOuterOneAndKeepItsTraceId() throws Exception {
        drain();
        long id = onVirtualThread(() -> {
            long outer = OperationScopes.enter("POST /payments", "trace-1", OperationScopes.OPERATION);
            long inner = OperationScopes.enter("db", null, OperationScopes.OPERATION);
            OperationScopes.exit(inner);
            OperationScopes.exit(outer);
            return Thread.currentThread().threadId();
        });
        assertEquals(List.of(
                new OperationRecord(id, "POST /payments", "trace-1", OperationScopes.ENTER),
                new OperationRecord(id, "db", "trace-1", OperationScopes.ENTER),
                new OperationRecord(id, "POST /payments", "trace-1", OperationScopes.EXIT),
                new OperationRecord(id, null, null, OperationScopes.EXIT)), drain());
    }

    @Test
    void aVirtualThreadStartedInsideAScopeInheritsItUntilItEnds() throws Exception {
        drain();
        long[] ids = onVirtualThread(() -> {
            long token = OperationScopes.enter("GET /fanout", "trace-2", OperationScopes.OPERATION);
            Thread child = Thread.ofVirtual().unstarted(() -> { });
            OperationScopes.inherit(Thread.currentThread().threadId(), child); // what onCreate does
            OperationScopes.exit(token);
            long inheritedAfterParentLeft = OperationScopes.criticalSample(child.threadId()) ? 1 : 0;
            OperationScopes.ended(child.threadId());
            return new long[]{Thread.currentThread().threadId(), child.threadId(), inheritedAfterParentLeft};
        });
        assertEquals(List.of(
                new OperationRecord(ids[0], "GET /fanout", "trace-2", OperationScopes.ENTER),
                new OperationRecord(ids[1], "GET /fanout", "trace-2", OperationScopes.INHERIT),
                new OperationRecord(ids[0], null, null, OperationScopes.EXIT)), drain());
        assertEquals(0, ids[2], "not critical: no sample");
    }

    @Test
    void criticalScopesSampleTheirThreadWithinTheBudgetAndTheChildrenToo() throws Exception {
        drain();
        OperationScopes.allowCriticalSamplesUntil(OperationScopes.criticalSamplesAsked() + 3);
        long cappedBefore = OperationScopes.criticalSamplesCapped();
        boolean[] seen = onVirtualThread(() -> {
            long self = Thread.currentThread().threadId();
            boolean before = OperationScopes.criticalSample(self);
            long token = OperationScopes.enter(null, null, OperationScopes.CRITICAL);
            boolean inside = OperationScopes.criticalSample(self);
            Thread child = Thread.ofVirtual().unstarted(() -> { });
            OperationScopes.inherit(self, child);
            boolean child1 = OperationScopes.criticalSample(child.threadId());
            boolean inside2 = OperationScopes.criticalSample(self);
            boolean overBudget = OperationScopes.criticalSample(self);
            OperationScopes.ended(child.threadId());
            OperationScopes.exit(token);
            boolean after = OperationScopes.criticalSample(self);
            return new boolean[]{before, inside, child1, inside2, overBudget, after};
        });
        assertEquals(List.of(false, true, true, true, false, false), List.of(seen[0], seen[1], seen[2], seen[3],
                seen[4], seen[5]));
        assertEquals(cappedBefore + 1, OperationScopes.criticalSamplesCapped());
        assertEquals(List.of(), drain(), "a critical scope alone changes nothing the drain sees");
        OperationScopes.allowCriticalSamplesUntil(Long.MAX_VALUE);
    }

    @Test
    void badInputNeverThrowsAndIsCounted() throws Exception {
        drain();
        long ignored = OperationScopes.scopesIgnored();
        long tooLong = OperationScopes.traceIdsIgnored();
        onVirtualThread(() -> {
            assertEquals(0, OperationScopes.enter(null, null, OperationScopes.OPERATION));
            assertEquals(0, OperationScopes.enter("", "t", OperationScopes.OPERATION));
            assertEquals(0, OperationScopes.enter("x", null, 0));
            OperationScopes.exit(0);
            OperationScopes.exit(12345); // not a token
            long token = OperationScopes.enter("long trace id", "t".repeat(10_000), OperationScopes.OPERATION);
            assertNotEquals(0, token);
            OperationScopes.exit(token);
            return null;
        });
        assertEquals(ignored + 2, OperationScopes.scopesIgnored());
        assertEquals(tooLong + 1, OperationScopes.traceIdsIgnored());
        List<OperationRecord> records = drain();
        assertEquals(2, records.size(), records::toString);
        assertEquals(null, records.get(0).traceId(), "a trace id too long is left out");
    }

    /** A platform thread's scopes are kept for inheritance but record nothing: the drain follows virtual threads. */
    @Test
    void platformThreadsRecordNothingButTheirVirtualChildrenInherit() throws Exception {
        drain();
        long token = OperationScopes.enter("batch", null, OperationScopes.OPERATION);
        Thread child = Thread.ofVirtual().unstarted(() -> { });
        OperationScopes.inherit(Thread.currentThread().threadId(), child);
        OperationScopes.exit(token);
        OperationScopes.ended(child.threadId());
        List<OperationRecord> records = drain();
        assertEquals(List.of(new OperationRecord(child.threadId(), "batch", null, OperationScopes.INHERIT)), records);
        assertTrue(OperationScopes.operationsNamed() >= 1);
    }
}

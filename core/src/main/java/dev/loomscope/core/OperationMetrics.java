package dev.loomscope.core;

import dev.loomscope.bootstrap.OperationScopes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * The application's operations, as the drain sees them: which operation each virtual thread works for now (from its
 * {@code OPERATION} records, in order with its other records), and what the events of those threads add up to, per
 * operation ({@link OperationStats}).
 * <p>
 * The aggregator marks a thread that has an operation ({@link ThreadState#IN_OPERATION}) and only then calls the
 * methods that charge an event, so the events of threads outside any operation never probe this table.
 * <p>
 * Trace ids. A record carries a handle; the trace id itself is read from the recorder's mailbox
 * ({@link OperationScopes#traceId}) the first time a handle is seen, and kept here while some thread's scope may still
 * use it: each scope that brought a new trace id holds one reference, released when it is left (the record restoring
 * the outer scope says which) or when its thread ends. A thread that ends inside nested scopes leaves the outer
 * ones' references behind; when the kept trace ids outnumber the threads in operations by far, they are swept down to
 * the ones threads use now.
 * <p>
 * Drain thread only; {@link #snapshot} under the drain's lock.
 */
final class OperationMetrics {
    /** Block sites listed per operation. */
    static final int TOP_BLOCK_SITES = 5;
    private static final int OPERATION_BITS = 16;
    private static final long OPERATION_MASK = (1L << OPERATION_BITS) - 1;
    /** Trace ids kept beyond the ones live threads use, before a sweep. */
    private static final int SWEEP_SLACK = 1024;

    /** A trace id and the scopes that may still use it. */
    private static final class TraceRef {
        final String traceId;
        int references;

        TraceRef(String traceId) {
            this.traceId = traceId;
        }
    }

    private final IntFunction<String> names;
    private final LongFunction<String> traceIds;
    private final Function<List<Snapshot.Operation>, Snapshot.Operations> withScopeCounts;
    /** By operation id; null until the operation's first record. */
    private final List<OperationStats> byId = new ArrayList<>();
    /** The same, in the order of their first records. */
    private final List<OperationStats> inOrderSeen = new ArrayList<>();
    /** Per virtual thread in an operation: operation id | trace id handle {@code << 16}. */
    private final LiveThreadTable stateOfThread = new LiveThreadTable();
    /**
     * Per virtual thread that left an operation during the run slice it is in: that operation (and trace id), which
     * the slice is charged to. A request's last slice typically runs its last work, leaves the scope and ends the
     * thread: charged by the state at its end, it would belong to no operation.
     */
    private final LiveThreadTable sliceOperationOfThread = new LiveThreadTable();
    private final Map<Long, TraceRef> traces = new HashMap<>();
    /** Handles whose trace id was no longer in the recorder's mailbox when first seen. */
    private long traceIdsMissed;
    /**
     * The last thread looked up and its state: one record can charge two things (a BLOCK ends a slice and begins a
     * block), and the next record is often the same thread's. No thread has id 0.
     */
    private long cachedThreadId;
    private long cachedState;

    /** With the recorder's names, trace ids and counts. */
    OperationMetrics() {
        this(OperationScopes::operationName, OperationScopes::traceId, null);
    }

    /**
     * @param names           operation id to name
     * @param traceIds        trace id handle to trace id (null if lost)
     * @param withScopeCounts the operations with what the recorder counted of their scopes; null: the recorder's
     *                        ({@link OperationScopes})
     */
    OperationMetrics(IntFunction<String> names, LongFunction<String> traceIds,
                     Function<List<Snapshot.Operation>, Snapshot.Operations> withScopeCounts) {
        this.names = names;
        this.traceIds = traceIds;
        this.withScopeCounts = withScopeCounts != null ? withScopeCounts : this::withRecorderCounts;
    }

    /**
     * An {@code OPERATION} record of {@code threadId}.
     *
     * @param running the thread is mounted (its record comes from its own code): a slice is under way
     * @return whether the thread works for an operation now, or its slice is charged to one
     */
    boolean changed(long threadId, long arg, boolean running) {
        int operation = OperationScopes.recordOperation(arg);
        long handle = OperationScopes.recordTrace(arg);
        int change = OperationScopes.recordChange(arg);
        long before = stateOf(threadId);
        long handleBefore = before >>> OPERATION_BITS;
        if (change == OperationScopes.EXIT) {
            if (running && (before & OPERATION_MASK) != 0) {
                sliceOperationOfThread.put(threadId, before);
            }
            if (handleBefore != 0 && handleBefore != handle) {
                release(handleBefore); // the scope that brought it is left
            }
        } else if (handle != 0 && (handle != handleBefore || change == OperationScopes.INHERIT)) {
            acquire(handle);
        }
        if (operation != 0 && operation != (int) (before & OPERATION_MASK) && change != OperationScopes.EXIT) {
            OperationStats stats = stats(operation);
            stats.threads++;
            if (change == OperationScopes.INHERIT) {
                stats.inheritedThreads++;
            }
        }
        if (threadId == cachedThreadId) {
            cachedThreadId = 0;
        }
        if (operation == 0) {
            stateOfThread.remove(threadId, 0L);
            return sliceOperationOfThread.size() > 0 && sliceOperationOfThread.get(threadId, 0L) != 0;
        }
        stateOfThread.put(threadId, operation | handle << OPERATION_BITS);
        if (traces.size() > 2L * stateOfThread.size() + SWEEP_SLACK) {
            sweepTraces();
        }
        return true;
    }

    /** The thread ended (after its last slice): it leaves its operation. */
    void threadEnded(long threadId) {
        if (threadId == cachedThreadId) {
            cachedThreadId = 0;
        }
        sliceOperationOfThread.remove(threadId, 0L);
        long state = stateOfThread.remove(threadId, 0L);
        long handle = state >>> OPERATION_BITS;
        if (handle != 0) {
            release(handle);
        }
    }

    /** A woken thread of an operation was mounted {@code latencyNanos} after its wake at {@code wakeEpochNanos}. */
    void wokeToRun(long threadId, long latencyNanos, long wakeEpochNanos) {
        long state = stateOf(threadId);
        OperationStats stats = statsOf(state);
        if (stats != null) {
            stats.wakeToRun.record(latencyNanos);
            if (stats.worstWakeToRun.qualifies(latencyNanos)) {
                stats.worstWakeToRun.offer(new Exemplars.Exemplar(latencyNanos, wakeEpochNanos, threadId,
                        traceIdOf(state), SiteTable.NONE));
            }
        }
    }

    /** A thread of an operation blocks ({@code blockKind}, never a yield). */
    void blockBegan(long threadId, int blockKind) {
        OperationStats stats = statsOf(stateOf(threadId));
        if (stats != null) {
            stats.blocks++;
            stats.blocksByKind[blockKind]++;
        }
    }

    /**
     * An unpinned block of a thread of an operation ended with its wake.
     *
     * @param site its sampled site, {@link SiteTable#NONE} if not sampled
     */
    void blockEnded(long threadId, long durationNanos, long startEpochNanos, int site) {
        long state = stateOf(threadId);
        OperationStats stats = statsOf(state);
        if (stats != null) {
            stats.wakes++;
            stats.blocked.record(durationNanos);
            if (site != SiteTable.NONE) {
                stats.blockedAt(site, durationNanos);
            }
            if (stats.worstBlocked.qualifies(durationNanos)) {
                stats.worstBlocked.offer(new Exemplars.Exemplar(durationNanos, startEpochNanos, threadId,
                        traceIdOf(state), site));
            }
        }
    }

    /**
     * A run slice of a thread of an operation ended: charged to the operation the thread left during it, if it left
     * one, else to the one it works for.
     *
     * @param longSlice at least the long-slice threshold
     * @param site      the slice's walked site, {@link SiteTable#NONE} if not walked
     */
    void sliceEnded(long threadId, long durationNanos, long startEpochNanos, boolean longSlice, int site) {
        long left = sliceOperationOfThread.size() == 0 ? 0L : sliceOperationOfThread.remove(threadId, 0L);
        long state = left != 0 ? left : stateOf(threadId);
        OperationStats stats = statsOf(state);
        if (stats != null) {
            stats.runSlice.record(durationNanos);
            if (longSlice) {
                stats.longSlices++;
                if (stats.worstLongSlices.qualifies(durationNanos)) {
                    stats.worstLongSlices.offer(new Exemplars.Exemplar(durationNanos, startEpochNanos, threadId,
                            traceIdOf(state), site));
                }
            }
        }
    }

    /**
     * A pinned block of a thread: a park seen by the recorder, or one the JVM reported (a second or so late: charged
     * to the operation the thread has when the report arrives).
     */
    void pinnedBlock(long threadId) {
        OperationStats stats = statsOf(stateOf(threadId));
        if (stats != null) {
            stats.blocks++;
            stats.pinnedBlocks++;
            stats.blocksByKind[dev.loomscope.bootstrap.BlockKind.PINNED]++;
        }
    }

    /** Threads in an operation now (the table's entries). */
    int threadsInOperations() {
        return stateOfThread.size();
    }

    /**
     * Every operation with a record so far, in the order of their first records, with what the recorder counted of
     * their scopes.
     */
    Snapshot.Operations snapshot() {
        List<Snapshot.Operation> operations = new ArrayList<>();
        for (OperationStats stats : inOrderSeen) {
            operations.add(stats.snapshot(TOP_BLOCK_SITES));
        }
        return withScopeCounts.apply(operations);
    }

    private Snapshot.Operations withRecorderCounts(List<Snapshot.Operation> operations) {
        long criticalAsked = OperationScopes.criticalSamplesAsked();
        long criticalCapped = OperationScopes.criticalSamplesCapped();
        return new Snapshot.Operations(OperationScopes.operationLimit(), OperationScopes.operationsNamed(),
                OperationScopes.scopesOverLimit(), OperationScopes.scopesIgnored(), OperationScopes.namesTruncated(),
                OperationScopes.maxNameChars(), OperationScopes.scopesUntracked(), OperationScopes.traceIdsIgnored(),
                OperationScopes.traceIdsLost() + traceIdsMissed, OperationScopes.criticalScopes(),
                criticalAsked - criticalCapped, criticalCapped, OperationScopes.apiClassesWoven(), operations);
    }

    /** The state of {@code threadId} (0: none), through the one-thread cache. */
    private long stateOf(long threadId) {
        if (threadId != cachedThreadId) {
            cachedState = stateOfThread.get(threadId, 0L);
            cachedThreadId = threadId;
        }
        return cachedState;
    }

    private OperationStats statsOf(long state) {
        int operation = (int) (state & OPERATION_MASK);
        return operation == 0 ? null : stats(operation);
    }

    private OperationStats stats(int operation) {
        while (byId.size() <= operation) {
            byId.add(null);
        }
        OperationStats stats = byId.get(operation);
        if (stats == null) {
            String name = names.apply(operation);
            stats = new OperationStats(name == null ? "operation-" + operation : name);
            byId.set(operation, stats);
            inOrderSeen.add(stats);
        }
        return stats;
    }

    private String traceIdOf(long state) {
        long handle = state >>> OPERATION_BITS;
        if (handle == 0) {
            return null;
        }
        TraceRef ref = traces.get(handle);
        return ref != null ? ref.traceId : traceIds.apply(handle);
    }

    private void acquire(long handle) {
        TraceRef ref = traces.get(handle);
        if (ref == null) {
            String traceId = traceIds.apply(handle);
            if (traceId == null) {
                traceIdsMissed++;
            }
            ref = new TraceRef(traceId);
            traces.put(handle, ref);
        }
        ref.references++;
    }

    private void release(long handle) {
        TraceRef ref = traces.get(handle);
        if (ref != null && --ref.references <= 0) {
            traces.remove(handle);
        }
    }

    /** Keeps the trace ids threads use now, one reference per thread. */
    private void sweepTraces() {
        Map<Long, TraceRef> kept = new HashMap<>();
        stateOfThread.forEach((threadId, state) -> {
            long handle = state >>> OPERATION_BITS;
            TraceRef ref = traces.get(handle);
            if (handle != 0 && ref != null) {
                kept.computeIfAbsent(handle, h -> new TraceRef(ref.traceId)).references++;
            }
        });
        traces.clear();
        traces.putAll(kept);
    }
}

package dev.loomscope.bootstrap;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operation and critical scopes: what the application's {@code dev.loomscope.api.Loomscope} calls reach once the agent
 * has woven them ({@link #enter}, {@link #exit}), and what the recorder asks of them.
 * <p>
 * <b>Per-thread state.</b> A thread inside a scope has an entry in a {@link ScopeTable}: its operation (an id from
 * {@link OperationNames}), its critical depth, and the handle of its trace id ({@link TraceIdMailbox}), packed in one
 * {@code long}. {@link #enter} replaces the entry and returns the previous one as the scope's token, {@link #exit}
 * puts the token back: nested scopes restore the outer one without a stack. A virtual thread started inside a scope
 * gets a copy of its creator's entry ({@link #inherit}, from {@code Recorder.onCreate}), removed when it ends.
 * <p>
 * <b>What the drain sees.</b> A virtual thread whose operation or trace id changes records an
 * {@link EventKind#OPERATION} record in its own ring, in order with its other records; its argument says the new
 * operation and trace id handle ({@link #RECORD_TRACE_SHIFT}) and why ({@link #RECORD_CHANGE_SHIFT}: {@link #ENTER},
 * {@link #EXIT}, {@link #INHERIT}). The drain keeps the operation of each thread and charges its events to it: the
 * recorder's existing records are unchanged, and cost nothing more. Critical depth never reaches the drain: the
 * recorder itself samples every event of a thread in a critical scope ({@link #criticalSample}), up to a per-second
 * budget the drain refills.
 * <p>
 * <b>Costs.</b> {@link #enter} and {@link #exit} run on the application's thread: a name lookup in a concurrent map,
 * a probe of one bucket of the table, one record; a trace id adds one atomic increment, and a critical scope one
 * more. Nothing is allocated, except once per distinct name. {@code Recorder.onCreate} and {@code onEnd} probe the
 * table only once any scope was opened in the JVM. Every method swallows and counts its failures.
 */
public final class OperationScopes {
    private OperationScopes() {
    }

    /** {@code flags} of {@link #enter}: an operation scope (name, trace id). As {@code Loomscope.OPERATION}. */
    public static final int OPERATION = 1;
    /** {@code flags} of {@link #enter}: a critical scope. As {@code Loomscope.CRITICAL}. */
    public static final int CRITICAL = 2;

    // The state of a thread in the table: operation id | critical depth | trace id handle.
    private static final long OPERATION_MASK = 0xFFFFL;
    private static final int DEPTH_SHIFT = 16;
    private static final long DEPTH_MAX = 0x7FL;
    private static final int TRACE_SHIFT = 23;
    /** Bits of a trace id handle, in the state and in a record. */
    static final int TRACE_BITS = 40;
    private static final long TRACE_MASK = (1L << TRACE_BITS) - 1;
    /** Set in every token, so that a scope that restores "no scope" (a state of 0) is still something to undo. */
    private static final long TOKEN = 1L << 63;

    /** An {@link EventKind#OPERATION} record's argument: the operation id in the low 16 bits, ... */
    public static final int RECORD_OPERATION_BITS = 16;
    /** ... the trace id handle ({@link #traceId}) from this bit, {@value #TRACE_BITS} bits, 0 for none, ... */
    public static final int RECORD_TRACE_SHIFT = 16;
    /** ... and from this bit, why it changed: */
    public static final int RECORD_CHANGE_SHIFT = 56;
    /** The thread entered a scope. */
    public static final int ENTER = 1;
    /** The thread left a scope: the record has the state restored. */
    public static final int EXIT = 2;
    /** A virtual thread started inside a scope: the record (right after its CREATE) has its creator's state. */
    public static final int INHERIT = 3;

    /** Trace ids longer than this are ignored (W3C trace ids have 32 characters, X-Ray's 35). */
    public static final int MAX_TRACE_ID_CHARS = 128;

    /** Null until {@link #install}: every entry point returns at once. */
    private static volatile OperationNames names;
    private static volatile ScopeTable table;
    private static volatile TraceIdMailbox traceIds;
    private static int tableCapacity;
    /** Set once a scope was opened in this JVM: from then on thread starts and ends look up the table. */
    private static volatile boolean inUse;

    /** Threads with a critical scope open now: while 0, no event looks up the table to decide on sampling. */
    private static final AtomicInteger criticalThreads = new AtomicInteger();
    private static final AtomicLong criticalScopes = new AtomicLong();
    private static final AtomicLong criticalSamplesTaken = new AtomicLong();
    private static final AtomicLong criticalSamplesCapped = new AtomicLong();
    private static volatile long criticalSampleLimit = Long.MAX_VALUE;
    private static final AtomicLong untracked = new AtomicLong();
    private static final AtomicLong traceIdsIgnored = new AtomicLong();
    private static final AtomicLong apiClassesWoven = new AtomicLong();

    /**
     * Turns scopes on. Called once by the agent, after {@code Recorder.install} and before the API is woven.
     *
     * @param limit          distinct operation names kept; later ones count as {@code other}
     * @param threads        entries of the per-thread table, a power of two: threads inside a scope at once
     * @param traceIdSlots   trace ids the drain may lag behind before they are lost, a power of two
     */
    public static synchronized void install(int limit, int threads, int traceIdSlots) {
        if (names != null) {
            return;
        }
        tableCapacity = threads;
        traceIds = new TraceIdMailbox(traceIdSlots, TRACE_BITS);
        names = new OperationNames(limit);
    }

    /** Whether {@link #install} was called. */
    public static boolean installed() {
        return names != null;
    }

    /**
     * {@code Loomscope.enter}, woven: opens a scope on the current thread.
     *
     * @param flags {@link #OPERATION} (with {@code name} and {@code traceId}) or {@link #CRITICAL}
     * @return the token {@link #exit} takes, or 0 when there is nothing to undo (not recording, a null or empty
     * name, a full table)
     */
    public static long enter(String name, String traceId, int flags) {
        try {
            OperationNames known = names;
            if (known == null || Recorder.rings() == null) {
                return 0L;
            }
            int operation = OperationNames.NONE;
            if ((flags & OPERATION) != 0) {
                operation = known.idOf(name);
                if (operation == OperationNames.NONE) {
                    return 0L; // ignored, and counted
                }
            } else if ((flags & CRITICAL) == 0) {
                return 0L;
            }
            ScopeTable scopes = table();
            Thread current = Thread.currentThread();
            long threadId = current.threadId();
            long before = scopes.get(threadId);
            long after = before;
            if (operation != OperationNames.NONE) {
                after = after & ~OPERATION_MASK | operation;
                long handle = publishTraceId(traceId);
                if (handle != 0) { // without a trace id of its own, an inner scope keeps the outer one's
                    after = after & ~(TRACE_MASK << TRACE_SHIFT) | handle << TRACE_SHIFT;
                }
            }
            if ((flags & CRITICAL) != 0) {
                long depth = Math.min(DEPTH_MAX, depthOf(after) + 1);
                after = after & ~(DEPTH_MAX << DEPTH_SHIFT) | depth << DEPTH_SHIFT;
                criticalScopes.getAndIncrement();
            }
            if (!scopes.put(threadId, after)) {
                untracked.getAndIncrement();
                return 0L;
            }
            if (depthOf(before) == 0 && depthOf(after) > 0) {
                criticalThreads.getAndIncrement();
            }
            if (current.isVirtual() && drainState(after) != drainState(before)) {
                Recorder.recordOperation(threadId, recordArg(after, ENTER));
            }
            return before | TOKEN;
        } catch (Throwable t) {
            Recorder.countError();
            return 0L;
        }
    }

    /** {@code Loomscope.exit}, woven: closes the scope {@code token} came from, restoring the state before it. */
    public static void exit(long token) {
        try {
            ScopeTable scopes = table;
            if ((token & TOKEN) == 0 || scopes == null) {
                return;
            }
            long restored = token & ~TOKEN;
            Thread current = Thread.currentThread();
            long threadId = current.threadId();
            long before = scopes.get(threadId);
            if (!scopes.put(threadId, restored)) {
                untracked.getAndIncrement(); // closed on another thread than it was opened on, whose bucket is full
                return;
            }
            if (depthOf(before) > 0 && depthOf(restored) == 0) {
                criticalThreads.getAndDecrement();
            }
            if (current.isVirtual() && drainState(before) != drainState(restored)) {
                Recorder.recordOperation(threadId, recordArg(restored, EXIT));
            }
        } catch (Throwable t) {
            Recorder.countError();
        }
    }

    /**
     * {@code Recorder.onCreate}, on the thread starting {@code child}: a virtual thread started inside a scope gets
     * its creator's operation, trace id and critical state (the fan-out of a request), until it ends. Call only
     * when {@link #inUse()}.
     */
    static void inherit(long creatorId, Thread child) {
        ScopeTable scopes = table;
        long state = scopes.get(creatorId);
        if (state == 0) {
            return;
        }
        if (depthOf(state) > 1) {
            state = state & ~(DEPTH_MAX << DEPTH_SHIFT) | 1L << DEPTH_SHIFT;
        }
        long childId = child.threadId();
        if (!scopes.put(childId, state)) {
            untracked.getAndIncrement();
            return;
        }
        if (depthOf(state) > 0) {
            criticalThreads.getAndIncrement();
        }
        if (drainState(state) != 0) {
            Recorder.recordOperation(childId, recordArg(state, INHERIT));
        }
    }

    /** {@code Recorder.onEnd}: a virtual thread ended; its entry, if any, goes. Call only when {@link #inUse()}. */
    static void ended(long threadId) {
        long state = table.remove(threadId);
        if (depthOf(state) > 0) {
            criticalThreads.getAndDecrement();
        }
    }

    /** Whether a scope was ever opened in this JVM (then thread starts and ends look up the table). */
    static boolean inUse() {
        return inUse;
    }

    /**
     * Whether the next event of {@code threadId} has its stack sampled because the thread is in a critical scope:
     * yes while the per-second budget lasts ({@link #allowCriticalSamplesUntil}); past it, counted as capped.
     */
    static boolean criticalSample(long threadId) {
        if (criticalThreads.get() <= 0) {
            return false;
        }
        ScopeTable scopes = table;
        if (scopes == null || depthOf(scopes.get(threadId)) == 0) {
            return false;
        }
        if (criticalSamplesTaken.getAndIncrement() >= criticalSampleLimit) {
            criticalSamplesCapped.getAndIncrement();
            return false;
        }
        return true;
    }

    /** Lets critical scopes take samples until their count reaches {@code limit}. Drain thread. */
    public static void allowCriticalSamplesUntil(long limit) {
        criticalSampleLimit = limit;
    }

    /** Critical-scope samples asked for so far, within the budget or not. */
    public static long criticalSamplesAsked() {
        return criticalSamplesTaken.get();
    }

    /** Critical-scope samples refused because the per-second budget was spent. */
    public static long criticalSamplesCapped() {
        return criticalSamplesCapped.get();
    }

    /** Critical scopes opened. */
    public static long criticalScopes() {
        return criticalScopes.get();
    }

    /** The name of operation {@code id} (from a record), or null. */
    public static String operationName(int id) {
        OperationNames known = names;
        return known == null ? null : known.nameOf(id);
    }

    /** The trace id of {@code handle} (from a record), or null if it was lost or overwritten since. */
    public static String traceId(long handle) {
        TraceIdMailbox mailbox = traceIds;
        return mailbox == null || handle == 0 ? null : mailbox.read(handle);
    }

    /** The operation id in an {@link EventKind#OPERATION} record's argument. */
    public static int recordOperation(long arg) {
        return (int) (arg & OPERATION_MASK);
    }

    /** The trace id handle in an {@link EventKind#OPERATION} record's argument, 0 for none. */
    public static long recordTrace(long arg) {
        return arg >>> RECORD_TRACE_SHIFT & TRACE_MASK;
    }

    /** Why the record was written: {@link #ENTER}, {@link #EXIT} or {@link #INHERIT}. */
    public static int recordChange(long arg) {
        return (int) (arg >>> RECORD_CHANGE_SHIFT & 0x3);
    }

    /** An {@link EventKind#OPERATION} record's argument (for tests and the drain's warm-up). */
    public static long recordArg(int operation, long traceHandle, int change) {
        return operation & OPERATION_MASK | (traceHandle & TRACE_MASK) << RECORD_TRACE_SHIFT
                | (long) change << RECORD_CHANGE_SHIFT;
    }

    /** The {@code operations} option: distinct names kept. 0 when not installed. */
    public static int operationLimit() {
        OperationNames known = names;
        return known == null ? 0 : known.limit();
    }

    /** Distinct names kept so far. */
    public static int operationsNamed() {
        OperationNames known = names;
        return known == null ? 0 : known.registered();
    }

    /** Scopes counted as {@code other}: their name came after the limit. */
    public static long scopesOverLimit() {
        OperationNames known = names;
        return known == null ? 0 : known.overLimit.get();
    }

    /** Scopes ignored for a null or empty name. */
    public static long scopesIgnored() {
        OperationNames known = names;
        return known == null ? 0 : known.ignored.get();
    }

    /** Distinct names truncated to {@link OperationNames#MAX_NAME_CHARS} characters. */
    public static long namesTruncated() {
        OperationNames known = names;
        return known == null ? 0 : known.truncated.get();
    }

    /** The length names are truncated to. */
    public static int maxNameChars() {
        return OperationNames.MAX_NAME_CHARS;
    }

    /** Scopes not tracked: the thread's bucket of the table was full. */
    public static long scopesUntracked() {
        return untracked.get();
    }

    /** Trace ids ignored for being longer than {@link #MAX_TRACE_ID_CHARS}. */
    public static long traceIdsIgnored() {
        return traceIdsIgnored.get();
    }

    /** Trace ids lost on their way to the drain (a slot still being written when the ring came round). */
    public static long traceIdsLost() {
        TraceIdMailbox mailbox = traceIds;
        return mailbox == null ? 0 : mailbox.lost();
    }

    /** The agent wove a copy of {@code dev.loomscope.api.Loomscope} (one per class loader that loaded it). */
    public static void apiClassWoven() {
        apiClassesWoven.getAndIncrement();
    }

    /** Copies of the API class woven. */
    public static long apiClassesWoven() {
        return apiClassesWoven.get();
    }

    /** The table, created at the first scope: a JVM whose application never opens one never allocates it. */
    private static ScopeTable table() {
        ScopeTable scopes = table;
        return scopes != null ? scopes : createTable();
    }

    private static synchronized ScopeTable createTable() {
        if (table == null) {
            table = new ScopeTable(tableCapacity);
            inUse = true;
        }
        return table;
    }

    private static long publishTraceId(String traceId) {
        if (traceId == null || traceId.isEmpty()) {
            return 0;
        }
        if (traceId.length() > MAX_TRACE_ID_CHARS) {
            traceIdsIgnored.getAndIncrement();
            return 0;
        }
        return traceIds.publish(traceId);
    }

    private static long depthOf(long state) {
        return state >>> DEPTH_SHIFT & DEPTH_MAX;
    }

    /** What the drain knows of a state: its operation and trace id (not its critical depth). */
    private static long drainState(long state) {
        return state & (OPERATION_MASK | TRACE_MASK << TRACE_SHIFT);
    }

    private static long recordArg(long state, int change) {
        return recordArg((int) (state & OPERATION_MASK), state >>> TRACE_SHIFT & TRACE_MASK, change);
    }
}

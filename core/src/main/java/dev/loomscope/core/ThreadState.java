package dev.loomscope.core;

/**
 * The bit layout of a live virtual thread's entry in the aggregator's live-thread table: one {@code long}, state bits
 * in the top {@value #STATE_BITS} bits and, in the rest, the time of the thread's last transition in nanoseconds since
 * the recording's origin (enough for {@value #TIMESTAMP_DAYS} days; 0: unknown).
 * <p>
 * State bits: a phase ({@link #PHASE_MASK}), flags, and the block kind of a blocked or queued thread. Static
 * constants and static methods only, so the JIT folds them into the transitions.
 */
final class ThreadState {
    private ThreadState() {
    }

    // Phase of a live virtual thread (0: unknown, first seen by a flag after a late attach).
    static final int QUEUED_FOR_START = 1;
    static final int RUNNING = 2;
    static final int BLOCKED = 3;
    static final int YIELDED = 4;
    static final int QUEUED = 5;
    static final int PINNED = 6;
    /**
     * Its history had a gap (it was shed, {@link SheddingHistory}): what it did before is forgotten, and nothing is
     * measured until its next mount or block.
     */
    static final int FORGOTTEN = 7;
    static final int PHASE_MASK = 0x7;
    /** Between SLEEP_BEGIN and SLEEP_END: a timed park is a sleep. */
    static final int SLEEPING = 1 << 3;
    /** Its CREATE was recorded, so its END counts in {@code ended}. */
    static final int TRACKED = 1 << 4;
    /** The block kind of a BLOCKED or QUEUED thread, for blocked-by-kind latencies. */
    static final int KIND_SHIFT = 5;
    static final int KIND_MASK = 0xF << KIND_SHIFT;
    /** A timed block with a known deadline in the aggregator's table of deadlines. */
    static final int TIMED = 1 << 9;
    /** The thread has sampled sites waiting in {@link SiteAttribution}: only then is that table probed. */
    static final int HAS_SITES = 1 << 10;
    /** The thread works for an operation ({@link OperationMetrics}): only then is that table probed. */
    static final int IN_OPERATION = 1 << 11;

    static final int STATE_BITS = 12;
    private static final int TIMESTAMP_BITS = 64 - STATE_BITS;
    private static final long TIMESTAMP_MASK = (1L << TIMESTAMP_BITS) - 1;
    static final int TIMESTAMP_DAYS = 52;

    /** An entry: {@code state} and a transition at {@code sinceOriginNanos} (a negative time is stored as 0). */
    static long pack(int state, long sinceOriginNanos) {
        return (long) state << TIMESTAMP_BITS | (Math.max(0, sinceOriginNanos) & TIMESTAMP_MASK);
    }

    /** {@code value} with its state replaced by {@code state}, its time kept. */
    static long withState(long value, int state) {
        return (long) state << TIMESTAMP_BITS | timeOf(value);
    }

    /** An entry for a thread whose last transition was not seen: {@code state}, time unknown. */
    static long timeUnknown(int state) {
        return (long) state << TIMESTAMP_BITS;
    }

    static int stateOf(long value) {
        return (int) (value >>> TIMESTAMP_BITS);
    }

    /** Time of the last transition, relative to the origin (0: unknown). */
    static long timeOf(long value) {
        return value & TIMESTAMP_MASK;
    }

    static int withPhase(int state, int phase) {
        return (state & ~PHASE_MASK) | phase;
    }

    /** The {@link dev.loomscope.bootstrap.BlockKind} of a blocked or queued thread's state. */
    static int blockKindOf(int state) {
        return (state & KIND_MASK) >>> KIND_SHIFT;
    }
}

package dev.loomscope.bootstrap;

/**
 * Why a virtual thread gave up its carrier, as told by the JDK's own state machine at {@code afterYield}.
 * <p>
 * The JDK's state constants differ between releases, so the agent reads them by name when it installs and hands
 * the recorder a state-to-kind table ({@link Recorder#install}); the recorder only ever sees these values.
 * {@link #SLEEP} is never produced from a state: the aggregator turns a {@link #TIMED_PARK} inside
 * {@code sleepNanos} into a sleep. {@link #PINNED} comes from {@code parkOnCarrierThread}, not from a yield.
 */
public final class BlockKind {
    private BlockKind() {
    }

    /** A state the table does not map (a JDK the agent does not know): counted, never dropped. */
    public static final int UNKNOWN = 0;
    /** {@code LockSupport.park}: locks, queues, conditions, socket I/O through the poller. */
    public static final int PARK = 1;
    /** {@code LockSupport.parkNanos} outside {@code Thread.sleep}. */
    public static final int TIMED_PARK = 2;
    /** {@code Thread.sleep}. */
    public static final int SLEEP = 3;
    /** Blocked entering a {@code synchronized} monitor (JDK 24+ unmounts instead of pinning). */
    public static final int MONITOR = 4;
    /** {@code Object.wait()} without timeout (JDK 24+). */
    public static final int WAIT = 5;
    /** {@code Object.wait(ms)} (JDK 24+). */
    public static final int TIMED_WAIT = 6;
    /** Parked while pinned: the carrier thread itself blocked. */
    public static final int PINNED = 7;
    /** {@code Thread.yield}: not a block, but the thread left its carrier and is re-queued at once. */
    public static final int YIELD = 8;

    /** One more than the largest kind. */
    public static final int COUNT = 9;

    /** Stable JSON name ({@code counts.blocksByKind}). */
    public static String name(int kind) {
        switch (kind) {
            case PARK: return "park";
            case TIMED_PARK: return "timedPark";
            case SLEEP: return "sleep";
            case MONITOR: return "monitor";
            case WAIT: return "wait";
            case TIMED_WAIT: return "timedWait";
            case PINNED: return "pinned";
            case YIELD: return "yield";
            default: return "unknown";
        }
    }
}

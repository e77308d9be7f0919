package dev.loomscope.bootstrap;

/**
 * The kinds of virtual-thread transition the recorder carries, one constant per advice site.
 * <p>
 * A record's kind sits in the top byte of its second word (see {@link EventRing}); the constants are
 * therefore small and dense, and {@link #COUNT} sizes the per-kind drop counters.
 * Adding a kind means: a constant here, an advice that records it, a case in the aggregator, a JSON field.
 */
public final class EventKind {
    private EventKind() {
    }

    /**
     * {@code VirtualThread.start}: a virtual thread was started (Loomscope calls this "created"); it is queued for its
     * first mount, which is its start. arg: creating thread id.
     */
    public static final int CREATE = 1;
    /** {@code VirtualThread.mount}: a run slice begins (the first one is the thread's start). arg: carrier thread id. */
    public static final int MOUNT = 2;
    /**
     * {@code VirtualThread.afterYield}: the thread left its carrier to block or yield. The JDK calls it right after
     * {@code unmount}, on the same carrier, so this record also ends the run slice (the carrier is the one of the
     * preceding MOUNT). arg: timeout in ns of a timed park or wait (0 if none or unknown) {@code << 8 |}
     * {@link BlockKind}.
     */
    public static final int BLOCK = 3;
    /**
     * Any {@code *submitRunContinuation*} except the start submission: a blocked or yielded thread is queued for a
     * carrier (a wake). arg: submitting thread id.
     */
    public static final int SUBMIT = 4;
    /**
     * {@code VirtualThread.afterDone}: terminated. Called right after the last {@code unmount} (or after a start
     * that failed, with no mount at all). arg: 0.
     */
    public static final int END = 5;
    /** {@code VirtualThread.submitFailed}: the scheduler rejected the thread's continuation. arg: 0. */
    public static final int SUBMIT_FAILED = 6;
    /** {@code VirtualThread.parkOnCarrierThread} entry: a pinned block, the carrier itself parks. arg: carrier thread id. */
    public static final int PINNED_BLOCK = 7;
    /** {@code VirtualThread.parkOnCarrierThread} exit. arg: carrier thread id. */
    public static final int PINNED_UNBLOCK = 8;
    /** {@code VirtualThread.sleepNanos} entry with a positive time: timed parks until SLEEP_END are sleeps. arg: requested ns. */
    public static final int SLEEP_BEGIN = 9;
    /** {@code VirtualThread.sleepNanos} exit. arg: 0. */
    public static final int SLEEP_END = 10;
    /** {@code ForkJoinPool.awaitWork} entry on a carrier: the carrier goes idle. vthread word: 0, arg: carrier id. */
    public static final int CARRIER_IDLE = 11;
    /** {@code ForkJoinPool.awaitWork} exit on a carrier. arg: carrier id. */
    public static final int CARRIER_ACTIVE = 12;
    /** {@code ForkJoinPool.runWorker} entry on a carrier: a carrier thread starts. arg: carrier id. */
    public static final int CARRIER_START = 13;
    /** {@code ForkJoinPool.runWorker} exit on a carrier: a carrier thread exits. arg: carrier id. */
    public static final int CARRIER_EXIT = 14;

    /**
     * A stack was sampled for the virtual thread in this record: arg = {@link SampleRing} sequence
     * {@code << 2 |} {@link SitePurpose}. For a block or wake site it precedes the BLOCK / PINNED_BLOCK / SUBMIT
     * record it describes.
     */
    public static final int SAMPLE = 15;
    /**
     * Never a ring record: a pinned block the JVM reported through JFR (core's {@code JfrPinnedBlocks}), which reaches
     * the drain through a queue of its own. The constant names those reports in the per-kind drop counts, for the ones
     * the drain fell too far behind to take.
     */
    public static final int PINNED_REPORT = 16;

    /**
     * A virtual thread's operation or trace id changed: it entered or left an operation scope, or it was started
     * inside one ({@code OperationScopes}). arg: operation id, trace id handle and why, packed as
     * {@link OperationScopes#recordArg(int, long, int)} says.
     */
    public static final int OPERATION = 17;

    /** One more than the largest kind: the size of arrays indexed by kind. */
    public static final int COUNT = 18;

    /** Stable lower-camel-case name of a kind, as used in JSON ({@code droppedByKind}). */
    public static String name(int kind) {
        switch (kind) {
            case CREATE: return "create";
            case MOUNT: return "mount";
            case BLOCK: return "block";
            case SUBMIT: return "submit";
            case END: return "end";
            case SUBMIT_FAILED: return "submitFailed";
            case PINNED_BLOCK: return "pinnedBlock";
            case PINNED_UNBLOCK: return "pinnedUnblock";
            case SLEEP_BEGIN: return "sleepBegin";
            case SLEEP_END: return "sleepEnd";
            case CARRIER_IDLE: return "carrierIdle";
            case CARRIER_ACTIVE: return "carrierActive";
            case CARRIER_START: return "carrierStart";
            case CARRIER_EXIT: return "carrierExit";
            case SAMPLE: return "sample";
            case PINNED_REPORT: return "pinnedReport";
            case OPERATION: return "operation";
            default: return "kind" + kind;
        }
    }
}

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

    /** {@code VirtualThread.start}: a virtual thread was started (Loomscope calls this "created"). arg: creating thread id. */
    public static final int CREATE = 1;
    /** {@code VirtualThread.run(Runnable)}: the task begins on its first mount. arg: 0. */
    public static final int START = 2;
    /** {@code VirtualThread.mount}: a run slice begins. arg: carrier thread id. */
    public static final int MOUNT = 3;
    /** {@code VirtualThread.unmount}: a run slice ends. arg: carrier thread id. */
    public static final int UNMOUNT = 4;
    /** {@code VirtualThread.afterYield}: the thread yielded its carrier. arg: {@link BlockKind}. */
    public static final int BLOCK = 5;
    /** Any {@code *submitRunContinuation*}: queued for a carrier (a wake, or the initial start submission). arg: submitting thread id. */
    public static final int SUBMIT = 6;
    /** {@code VirtualThread.afterDone}: terminated. arg: 0. */
    public static final int END = 7;
    /** {@code VirtualThread.submitFailed}: the scheduler rejected the thread's continuation. arg: 0. */
    public static final int SUBMIT_FAILED = 8;
    /** {@code VirtualThread.parkOnCarrierThread} entry: a pinned block, the carrier itself parks. arg: carrier thread id. */
    public static final int PINNED_BLOCK = 9;
    /** {@code VirtualThread.parkOnCarrierThread} exit. arg: carrier thread id. */
    public static final int PINNED_UNBLOCK = 10;
    /** {@code VirtualThread.sleepNanos} entry with a positive time: timed parks until SLEEP_END are sleeps. arg: requested ns. */
    public static final int SLEEP_BEGIN = 11;
    /** {@code VirtualThread.sleepNanos} exit. arg: 0. */
    public static final int SLEEP_END = 12;
    /** {@code ForkJoinPool.awaitWork} entry on a carrier: the carrier goes idle. vthread word: 0, arg: carrier id. */
    public static final int CARRIER_IDLE = 13;
    /** {@code ForkJoinPool.awaitWork} exit on a carrier. arg: carrier id. */
    public static final int CARRIER_ACTIVE = 14;
    /** {@code ForkJoinPool.runWorker} entry on a carrier: a carrier thread starts. arg: carrier id. */
    public static final int CARRIER_START = 15;
    /** {@code ForkJoinPool.runWorker} exit on a carrier: a carrier thread exits. arg: carrier id. */
    public static final int CARRIER_EXIT = 16;

    /** One more than the largest kind: the size of arrays indexed by kind. */
    public static final int COUNT = 17;

    /** Stable lower-camel-case name of a kind, as used in JSON ({@code droppedByKind}). */
    public static String name(int kind) {
        switch (kind) {
            case CREATE: return "create";
            case START: return "start";
            case MOUNT: return "mount";
            case UNMOUNT: return "unmount";
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
            default: return "kind" + kind;
        }
    }
}

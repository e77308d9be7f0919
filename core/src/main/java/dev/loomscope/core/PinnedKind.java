package dev.loomscope.core;

/**
 * What a pinned virtual thread blocked in, its carrier blocked with it. A park is seen by the agent's own advice
 * ({@code VirtualThread.parkOnCarrierThread}); the others are blocks the JVM itself performs without unmounting the
 * thread and reports to JFR ({@code jdk.VirtualThreadPinned}, JDK 24+), from which the agent has them
 * ({@link JfrPinnedBlocks}).
 */
final class PinnedKind {
    private PinnedKind() {
    }

    /** {@code LockSupport.park}/{@code parkNanos} (also inside {@code Thread.sleep}) while pinned. */
    static final int PARK = 0;
    /** Entering a contended {@code synchronized} monitor while pinned. */
    static final int MONITOR = 1;
    /** {@code Object.wait} while pinned. */
    static final int WAIT = 2;
    /** Waiting for another thread to finish initialising a class. */
    static final int CLASS_INIT = 3;
    /** A blocking operation the JVM reports that this agent does not know. */
    static final int OTHER = 4;

    /** One more than the largest kind. */
    static final int COUNT = 5;

    /** Stable JSON name ({@code counts.pinnedByKind}). */
    static String name(int kind) {
        return switch (kind) {
            case PARK -> "park";
            case MONITOR -> "monitor";
            case WAIT -> "wait";
            case CLASS_INIT -> "classInit";
            default -> "other";
        };
    }
}

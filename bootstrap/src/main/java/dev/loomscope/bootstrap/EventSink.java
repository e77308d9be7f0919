package dev.loomscope.bootstrap;

/** Receives records drained from an {@link EventRing}, on the drain thread. */
@FunctionalInterface
public interface EventSink {
    /**
     * @param timestampNanos {@link System#nanoTime()} when the event happened
     * @param kind           an {@link EventKind}
     * @param threadId       the virtual thread's id (0 for carrier events)
     * @param arg            the kind's argument (see {@link EventKind})
     */
    void accept(long timestampNanos, int kind, long threadId, long arg);

    /**
     * Told, a few records ahead, which thread a coming record is about: a sink whose per-thread state is far larger
     * than the caches can start loading it now, so that the loads of several records overlap instead of each record
     * waiting for its own. Only a hint: it may be followed by no record of that thread.
     */
    default void prefetch(long threadId) {
    }
}

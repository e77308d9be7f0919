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
}

package dev.loomscope.bootstrap;

/** Receives records drained from an {@link EventRing}, on the drain thread. */
@FunctionalInterface
public interface EventSink {
    /**
     * @param timestamp an {@link EventClock} reading when the event happened: time-stamp-counter ticks or
     *                  {@code nanoTime} nanoseconds, as {@link Recorder#clockIsTicks()} says
     * @param kind      an {@link EventKind}
     * @param threadId  the virtual thread's id (0 for carrier events)
     * @param arg       the kind's argument (see {@link EventKind})
     */
    void accept(long timestamp, int kind, long threadId, long arg);
}

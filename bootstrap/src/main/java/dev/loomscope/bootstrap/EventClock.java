package dev.loomscope.bootstrap;

import java.lang.invoke.MethodHandle;

/**
 * The clock of every record: the CPU's time-stamp counter where the agent could get a reader for it, else
 * {@link System#nanoTime()}. The recorder reads it once per event, so its cost is paid three times per park/unpark
 * handoff, and the counter costs less than half of {@code nanoTime} through the vDSO (docs/design.md, "The event
 * clock").
 * <p>
 * The choice is made once, by {@link Recorder#install}, before this class is initialised: a {@code static final}
 * method handle is a constant to the JIT, which then compiles {@link #read} into a direct call of the native reader.
 * Readings are in ticks or in nanoseconds accordingly ({@link #ticks}); the drain converts ticks to nanoseconds on
 * {@code nanoTime}'s scale.
 */
final class EventClock {
    private EventClock() {
    }

    /** {@code ()long}, reading the time-stamp counter; null: {@code nanoTime}. */
    private static final MethodHandle TICKS = Recorder.tickReaderForClock();

    /** Whether readings are time-stamp-counter ticks (else nanoseconds). */
    static boolean ticks() {
        return TICKS != null;
    }

    /** One reading: no allocation, no lock. */
    static long read() {
        MethodHandle ticks = TICKS;
        if (ticks == null) {
            return System.nanoTime();
        }
        try {
            return (long) ticks.invokeExact();
        } catch (Throwable t) {
            // A downcall returning a long does not throw; if this JDK thinks otherwise, the advice counts the error
            throw new IllegalStateException(t);
        }
    }
}

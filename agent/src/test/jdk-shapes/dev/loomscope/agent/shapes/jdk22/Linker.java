package dev.loomscope.agent.shapes.jdk22;

/**
 * The factories of {@code java.lang.foreign.Linker.Option} in JDK 22's, final (JEP 454), read from openjdk/jdk22u at
 * commit 623b9e693804340388d62b5dc13a87ca740908ee: {@code critical(boolean)}, the downcall the time-stamp-counter
 * clock needs. 23, 24 and 25 keep it (25: {@code lib/src.zip} of Temurin 25.0.3+9, line 919).
 */
@SuppressWarnings("unused")
public interface Linker {
    /** {@code Linker.Option}: only its static factories matter to the agent. */
    interface Option {
        static Option firstVariadicArg(int index) {
            return null;
        }

        static Option captureCallState(String... capturedState) {
            return null;
        }

        static Option critical(boolean allowHeapAccess) {
            return null;
        }
    }
}

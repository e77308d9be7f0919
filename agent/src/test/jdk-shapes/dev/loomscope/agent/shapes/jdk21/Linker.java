package dev.loomscope.agent.shapes.jdk21;

/**
 * The factories of {@code java.lang.foreign.Linker.Option} in JDK 21's, a preview (JEP 442): {@code isTrivial()} where
 * later releases have {@code critical(boolean)}, so no critical downcall, and the recorder keeps {@code
 * System.nanoTime()}. Read from a stored copy of JDK 21's {@code java/lang/foreign/Linker.java} (openjdk/jdk21u itself
 * holds no copy).
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

        static Option isTrivial() {
            return null;
        }
    }
}

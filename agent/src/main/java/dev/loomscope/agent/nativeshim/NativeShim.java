package dev.loomscope.agent.nativeshim;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The Java half of Loomscope's native library ({@code agent/src/main/native}): the SIGQUIT hook
 * ({@code loomscope_sigquit.c}) and the time-stamp-counter clock ({@code loomscope_clock.c}).
 * <p>
 * {@code NativeSupport} defines this class in a named module of its own, {@code dev.loomscope.nativeshim}, in a child
 * module layer, so that native access can be granted to that module alone (JDK 24+ warns about {@code System.load}
 * and FFM's restricted methods from a module without it; for the class path that switch exists only for all unnamed
 * modules, i.e. the whole application). Only if that is impossible is it loaded from the agent jar on the class path,
 * and then only for the SIGQUIT hook. It therefore depends on {@code java.base} only, and no other agent class refers
 * to it by name.
 */
public final class NativeShim {
    private static volatile Runnable listener;

    private NativeShim() {
    }

    /** Loads the library (once per JVM: the JVM refuses a second class loader). */
    public static void load(String libraryPath) {
        System.load(libraryPath);
    }

    /**
     * Enables the JVMTI DataDumpRequest event and forwards each one to {@code onDataDumpRequest}.
     *
     * @return 0 on success, otherwise the number of the step that failed in the native {@code registerSigquit}
     */
    public static int armSigquit(Runnable onDataDumpRequest) {
        listener = onDataDumpRequest;
        return registerSigquit();
    }

    /**
     * A {@code ()long} method handle reading the time-stamp counter: a critical FFM downcall to
     * {@code loomscope_ticks}, which the JIT compiles to a direct call.
     * <p>
     * Through reflection because the agent is compiled for Java 21, where the FFM API is a preview. On a JDK without
     * {@code Linker.Option.critical} (21) this throws, and the recorder keeps {@code System.nanoTime()}. Reflection
     * keeps this class the caller of the restricted methods, so the native access granted to its module applies.
     */
    public static MethodHandle ticks() throws ReflectiveOperationException {
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");

        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object lookup = lookupType.getMethod("loaderLookup").invoke(null); // libraries this class's loader loaded
        Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "loomscope_ticks");
        if (symbol.isEmpty()) {
            throw new NoSuchMethodException("loomscope_ticks not in the native library");
        }
        Object javaLong = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_LONG").get(null);
        Object noArguments = Array.newInstance(layoutType, 0);
        Object descriptor = descriptorType.getMethod("of", layoutType, noArguments.getClass())
                .invoke(null, javaLong, noArguments);
        Object options = Array.newInstance(optionType, 1);
        // critical: no transition out of Java, which would cost more than reading the counter (no heap access)
        Array.set(options, 0, optionType.getMethod("critical", boolean.class).invoke(null, false));
        Method downcall = linkerType.getMethod("downcallHandle", segmentType, descriptorType, options.getClass());
        return (MethodHandle) downcall.invoke(linker, symbol.get(), descriptor, options);
    }

    /**
     * Called from native code on the JVM's "Signal Dispatcher" thread after it printed its thread dump: only hands
     * the request on (the listener wakes the dump thread), never dumps here.
     */
    static void dataDumpRequested() {
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    private static native int registerSigquit();
}

package dev.loomscope.agent.sigquit;

/**
 * The Java half of the native SIGQUIT shim ({@code agent/src/main/native/loomscope_sigquit.c}).
 * <p>
 * {@code SigquitSupport} defines this class in a named module of its own, {@code dev.loomscope.sigquit}, in a child
 * module layer, so that native access can be granted to that module alone (JDK 24+ warns about {@code System.load}
 * from a module without it; for the class path that switch exists only for all unnamed modules, i.e. the whole
 * application). Only if that is impossible is it loaded from the agent jar on the class path. It therefore depends on
 * {@code java.base} only, and no other agent class refers to it by name.
 */
public final class SigquitShim {
    private static volatile Runnable listener;

    private SigquitShim() {
    }

    /**
     * Loads the shim library, which enables the JVMTI DataDumpRequest event, and forwards each one to
     * {@code onDataDumpRequest}.
     *
     * @return 0 on success, otherwise the number of the step that failed in the native {@code register}
     */
    public static int load(String libraryPath, Runnable onDataDumpRequest) {
        listener = onDataDumpRequest;
        System.load(libraryPath);
        return register();
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

    private static native int register();
}

package dev.loomscope.agent;

import dev.loomscope.bootstrap.BlockKind;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ForkJoinPool;

/**
 * What the running JDK's virtual-thread implementation looks like, read once before anything is woven: the
 * {@code java.lang.VirtualThread} state constants the recorder needs, the carrier thread class, and which of the
 * advised methods' overloads and fields this release has. The numbers and the overloads differ between releases
 * (docs/compatibility.md lists them for 21 to the mainline), so everything is looked up by name in the running JDK,
 * here and nowhere else: the installer and the instrumentations only ask this class.
 * <p>
 * {@link #describe} reads the same facts from any class by reflection, the JDK's own or a test's copy of another
 * release's members ({@code src/test/jdk-shapes}), so that the hooks chosen for each release can be checked on a
 * JVM of another one.
 */
final class JdkShape {
    static final String VIRTUAL_THREAD = "java.lang.VirtualThread";
    private static final String CARRIER_THREAD = "jdk.internal.misc.CarrierThread";
    private static final String CONTINUATION = "jdk.internal.vm.Continuation";
    /**
     * State constants without which the recorder would count wrongly (start submissions as wakes, blocks of no kind):
     * every release from 21 on has them, so a release without one is reported ({@link #missingStates}).
     */
    static final List<String> REQUIRED_STATES = List.of("STARTED", "PARKING", "TIMED_PARKING", "YIELDING");

    private final Class<?> virtualThread;
    private final byte[] blockKindByState;
    private final int startedState;
    private final Class<?> carrierThreadClass;
    private final boolean hasTimeoutField;
    private final boolean hasAfterDoneNotifyOverload;
    private final int submitRunContinuationArity;
    private final Set<String> methodNames;
    private final List<String> missingStates;
    private final MethodHandle frozenStackWalker;

    private JdkShape(Class<?> virtualThread, byte[] blockKindByState, int startedState, Class<?> carrierThreadClass,
                     List<String> missingStates, MethodHandle frozenStackWalker) {
        this.virtualThread = virtualThread;
        this.missingStates = missingStates;
        this.blockKindByState = blockKindByState;
        this.startedState = startedState;
        this.carrierThreadClass = carrierThreadClass;
        this.frozenStackWalker = frozenStackWalker;
        this.hasTimeoutField = Arrays.stream(virtualThread.getDeclaredFields())
                .anyMatch(f -> f.getName().equals("timeout") && f.getType() == long.class);
        this.hasAfterDoneNotifyOverload = Arrays.stream(virtualThread.getDeclaredMethods())
                .anyMatch(m -> m.getName().equals("afterDone") && m.getParameterCount() == 1);
        this.submitRunContinuationArity = Arrays.stream(virtualThread.getDeclaredMethods())
                .filter(m -> m.getName().equals("submitRunContinuation"))
                .mapToInt(Method::getParameterCount).max().orElse(0);
        this.methodNames = Arrays.stream(virtualThread.getDeclaredMethods()).map(Method::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Reads the shape of the running JDK. The methods and fields are found by plain reflection; only with
     * {@code recording} are the state constants read (which needs {@code java.lang} opened to the agent, done here)
     * and the carrier class looked up: without a recorder nothing asks for them, and nothing is opened.
     */
    static JdkShape read(Instrumentation instrumentation, boolean recording) throws ClassNotFoundException {
        Class<?> virtualThread = Class.forName(VIRTUAL_THREAD, false, null);
        if (!recording) {
            return new JdkShape(virtualThread, new byte[256], -1, null, List.of(), null);
        }
        openJavaLangToAgent(instrumentation);
        return new JdkShape(virtualThread, blockKindByState(virtualThread), stateConstant(virtualThread, "STARTED"),
                findCarrierThreadClass(), missingStates(virtualThread),
                frozenStackWalker(instrumentation, virtualThread));
    }

    /**
     * The shape of {@code virtualThread}, a class with the members of a release's {@code java.lang.VirtualThread},
     * whose private fields this agent may read (a test's copy; the running JDK's once {@code java.lang} is opened):
     * what {@link #read} finds when recording, without the live parts (no stack walker, which needs the JDK's
     * {@code Continuation}).
     */
    static JdkShape describe(Class<?> virtualThread, Class<?> carrierThreadClass) {
        return new JdkShape(virtualThread, blockKindByState(virtualThread), stateConstant(virtualThread, "STARTED"),
                carrierThreadClass, missingStates(virtualThread), null);
    }

    /** {@code VirtualThread.state} value (low byte) → {@link BlockKind}, for the recorder (all unknown without it). */
    byte[] blockKindByState() {
        return blockKindByState.clone();
    }

    /** The JDK's {@code VirtualThread.STARTED} state (queued for the first mount), or -1 if unknown. */
    int startedState() {
        return startedState;
    }

    /** {@code jdk.internal.misc.CarrierThread}, the class of the scheduler's workers; null if unknown. */
    Class<?> carrierThreadClass() {
        return carrierThreadClass;
    }

    /**
     * Whether a virtual thread blocked on a monitor unmounts (the state BLOCKING, JDK 24+): the JVM then blocks a
     * pinned one inside itself, in a monitor enter, an {@code Object.wait} or a class initialisation, and reports it
     * to JFR with what blocked ({@code jdk.VirtualThreadPinned}); before, every pinned block it reports is a park.
     */
    boolean jvmBlocksPinnedThreads() {
        for (byte kind : blockKindByState) {
            if (kind == BlockKind.MONITOR) {
                return true;
            }
        }
        return false;
    }

    /** {@code VirtualThread.timeout} (JDK 24+): a timed park's timeout, readable by the {@code afterYield} advice. */
    boolean hasTimeoutField() {
        return hasTimeoutField;
    }

    /**
     * {@code afterDone(boolean)} rather than {@code afterDone()} where both exist (every release from 21 on: the first
     * delegates to the second, which a failed start calls too): the parameters of the one to advise.
     */
    int afterDoneArity() {
        return hasAfterDoneNotifyOverload ? 1 : 0;
    }

    /**
     * The parameters of the widest {@code submitRunContinuation} overload, to which the others delegate: the one to
     * advise (0 if there is none).
     */
    int submitRunContinuationArity() {
        return submitRunContinuationArity;
    }

    /**
     * The {@link #REQUIRED_STATES} this release lacks (a release the agent does not know: every one from 21 on has
     * them), as {@code VirtualThread.NAME}; empty when not recording (nothing reads them then).
     */
    List<String> missingStates() {
        return missingStates;
    }

    /** Whether this release's {@code VirtualThread} declares a method of that name (any parameters). */
    boolean declares(String methodName) {
        return methodNames.contains(methodName);
    }

    /**
     * {@code (Thread) -> StackWalker}: a walker over the frames of a virtual thread that has just yielded, its frozen
     * stack ({@code Continuation.stackWalker()} of its {@code cont}), usable from the carrier; null if this JDK has no
     * such method or field (block sites are then not sampled).
     */
    MethodHandle frozenStackWalker() {
        return frozenStackWalker;
    }

    /**
     * {@code VirtualThread.DEFAULT_SCHEDULER}, or null. Read when asked (after the weaving), not with the shape: it is
     * the live pool, not a fact about the release. Only when recording ({@code java.lang} opened by {@link #read}).
     */
    ForkJoinPool defaultScheduler() {
        try {
            Field field = virtualThread.getDeclaredField("DEFAULT_SCHEDULER");
            field.setAccessible(true);
            return field.get(null) instanceof ForkJoinPool pool ? pool : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("loomscope: cannot find the virtual-thread scheduler (" + e + "); pool not sampled");
            return null;
        }
    }

    /**
     * Maps {@code VirtualThread.state} values seen at {@code afterYield} to block kinds, by the JDK's constant names:
     * the numbers differ between releases (and a name absent from this JDK is simply not mapped).
     */
    private static byte[] blockKindByState(Class<?> virtualThread) {
        Map<String, Integer> kindByName = Map.of(
                "PARKING", BlockKind.PARK,
                "TIMED_PARKING", BlockKind.TIMED_PARK,
                "YIELDING", BlockKind.YIELD,
                "BLOCKING", BlockKind.MONITOR,
                "WAITING", BlockKind.WAIT,
                "TIMED_WAITING", BlockKind.TIMED_WAIT);
        byte[] table = new byte[256];
        try {
            for (Map.Entry<String, Integer> entry : kindByName.entrySet()) {
                try {
                    Field field = virtualThread.getDeclaredField(entry.getKey());
                    if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                        field.setAccessible(true);
                        int state = field.getInt(null);
                        if (state >= 0 && state < table.length) {
                            table[state] = entry.getValue().byteValue();
                        }
                    }
                } catch (NoSuchFieldException absentInThisJdk) {
                    // e.g. BLOCKING before JDK 24: that block kind cannot happen here
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("loomscope: cannot read VirtualThread states (" + e + "); block kinds reported as unknown");
        }
        return table;
    }

    /**
     * The handle of {@link #frozenStackWalker()}: the getter of the private field {@code VirtualThread.cont} (java.lang
     * is opened to the agent already) composed with {@code Continuation.stackWalker()}, a public method of a package
     * that must be exported to look it up: to the agent's module, nobody else.
     */
    private static MethodHandle frozenStackWalker(Instrumentation instrumentation, Class<?> virtualThread) {
        try {
            Class<?> continuation = Class.forName(CONTINUATION, false, null);
            instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                    Map.of(continuation.getPackageName(), Set.of(JdkShape.class.getModule())), Map.of(), Set.of(),
                    Map.of());
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle cont = MethodHandles.privateLookupIn(virtualThread, lookup)
                    .findGetter(virtualThread, "cont", continuation);
            MethodHandle walker = lookup.findVirtual(continuation, "stackWalker",
                    MethodType.methodType(StackWalker.class));
            return MethodHandles.filterReturnValue(cont, walker)
                    .asType(MethodType.methodType(StackWalker.class, Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("loomscope: cannot walk the stacks of yielded virtual threads (" + e
                    + "); block sites are not sampled");
            return null;
        }
    }

    private static List<String> missingStates(Class<?> virtualThread) {
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED_STATES) {
            if (stateConstant(virtualThread, name) < 0) {
                missing.add("VirtualThread." + name);
            }
        }
        return List.copyOf(missing);
    }

    /** Reading the JDK's private state constants needs java.lang opened: to the agent's module, nobody else. */
    private static void openJavaLangToAgent(Instrumentation instrumentation) {
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(JdkShape.class.getModule())), Set.of(), Map.of());
    }

    /** A {@code VirtualThread} state constant by name (java.lang already opened to the agent), or -1. */
    private static int stateConstant(Class<?> virtualThread, String name) {
        try {
            Field field = virtualThread.getDeclaredField(name);
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != int.class) {
                return -1;
            }
            field.setAccessible(true);
            return field.getInt(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1; // in missingStates(), and so in agent.hooks.missing and the line that lists them
        }
    }

    private static Class<?> findCarrierThreadClass() {
        try {
            return Class.forName(CARRIER_THREAD, false, null);
        } catch (ClassNotFoundException e) {
            System.err.println("loomscope: no jdk.internal.misc.CarrierThread in this JDK; carrier events disabled");
            return null;
        }
    }
}

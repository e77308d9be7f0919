package dev.loomscope.agent;

import dev.loomscope.agent.metrics.MetricsEndpoint;
import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.Recorder;
import dev.loomscope.core.AgentOptions;
import dev.loomscope.core.DumpTriggers;
import dev.loomscope.core.RecordingSession;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;

/**
 * Installs the recorder and weaves the advice, in that order (advice may run the moment it is woven). Runs after
 * {@link LoomscopeAgent} has put the bootstrap jar on the boot class path.
 */
final class Installer {
    /** Sampled stacks the drain may lag behind before the oldest are lost (counted in the JSON). */
    private static final int SAMPLES_IN_FLIGHT = 4096;
    /** The running agent's dumps on demand; null until {@link #install} has finished. */
    private static volatile DumpTriggers dumpTriggers;
    /** The running recording; null until {@link #install} has finished. */
    private static volatile RecordingSession session;

    private Installer() {
    }

    /** The running agent's dumps on demand (SIGQUIT, interval, the dump command), or null if it is not running. */
    static RecordingSession session() {
        return session;
    }

    static DumpTriggers dumpTriggers() {
        return dumpTriggers;
    }

    static void install(String optionText, Instrumentation instrumentation, boolean lateAttach) throws Exception {
        Runtime runtime = Runtime.getRuntime();
        AgentOptions options = AgentOptions.parse(optionText, System.err::println).ringsFittedTo(runtime.maxMemory(),
                runtime.maxMemory() - runtime.totalMemory() + runtime.freeMemory(), System.err::println);
        Class<?> virtualThread = Class.forName(VirtualThreadInstrumentation.TYPE, false, null);

        if (options.recording()) {
            openJavaLangToAgent(instrumentation);
            byte[] blockKinds = blockKindByState(virtualThread);
            Recorder.traceOneThreadIn(options.threadSample());
            Recorder.install(options.rings(), options.ringCapacity(), blockKinds,
                    stateConstant(virtualThread, "STARTED"), carrierThreadClass(), tickReader(options, instrumentation));
            // always: with sampleEvery=0 and no critical threads, pinned blocks are still sampled (rare, and the
            // site is the whole point of reporting them)
            Recorder.installSampling(options.sampleEvery(), options.critical().toArray(new String[0]),
                    options.stackDepth(), SAMPLES_IN_FLIGHT);
            Recorder.allowSamplesUntil(Math.max(1, options.samplesPerSecond() / 10)); // the drain refills it
        }
        // Byte Buddy's Nexus (type initializers for generated classes) is not needed for advice, and initialising it
        // touches sun.misc.Unsafe, which makes Java 24+ print warnings into the application's stderr. The property
        // name is relocated along with Byte Buddy, so it concerns only the agent's private copy.
        System.setProperty(Nexus.PROPERTY, "true");
        HookTracker tracker = new HookTracker();
        VirtualThreadInstrumentation virtualThreads = new VirtualThreadInstrumentation(tracker);
        ForkJoinPoolInstrumentation forkJoinPool = new ForkJoinPoolInstrumentation(tracker);
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                // VirtualThread is loaded before premain; describing it by reflection could load ForkJoinPool in the
                // middle of the transformation, which Byte Buddy would then skip. Describe both from class files,
                // and look again for classes loaded while retransforming.
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new TransformationListener(tracker))
                .ignore(none()) // the default ignores boot classes, which are exactly the targets here
                .type(named(VirtualThreadInstrumentation.TYPE))
                .transform((DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                            JavaModule module, java.security.ProtectionDomain domain) ->
                        virtualThreads.weave(builder, virtualThread))
                .type(named(ForkJoinPoolInstrumentation.TYPE))
                .transform((DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                            JavaModule module, java.security.ProtectionDomain domain) -> forkJoinPool.weave(builder))
                .installOn(instrumentation);

        // Thread ids increase monotonically: any thread whose id is at least this one was created from now on, when
        // VirtualThread.start is already woven. Taken before weaving, it would also cover threads created while the
        // classes were being retransformed (a late attach into a busy JVM), whose creation was never recorded: one
        // that was already mounted then and ended later left no record but its END and was counted as ended without
        // being counted as created, making counts.live negative.
        long firstObservableThreadId = new Thread(() -> { }).threadId();

        RecordingSession session = RecordingSession.start(options, tracker::report, version(),
                firstObservableThreadId, lateAttach, options.recording() ? defaultScheduler(virtualThread) : null);
        Installer.session = session;
        DumpTriggers triggers = DumpTriggers.start(session, options);
        dumpTriggers = triggers;
        if (options.sigquit()) {
            NativeSupport.armSigquit(instrumentation, triggers::sigquit);
        }
        if (options.metrics() != null) {
            MetricsEndpoint.start(options.metrics(), options.serviceName(), session);
        }
    }

    /**
     * The time-stamp-counter reader for the records' timestamps, or null for {@code System.nanoTime()}: with
     * {@code clock=auto} wherever the counter is invariant and the native shim can read it (the JSON's
     * {@code recorder.clock} says which was used).
     */
    private static MethodHandle tickReader(AgentOptions options, Instrumentation instrumentation) {
        return options.clock().equals(AgentOptions.CLOCK_AUTO) ? NativeSupport.tscTicks(instrumentation) : null;
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

    /** Reading the JDK's private state constants needs java.lang opened: to the agent's module, nobody else. */
    private static void openJavaLangToAgent(Instrumentation instrumentation) {
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(Installer.class.getModule())), Set.of(), Map.of());
    }

    /** A {@code VirtualThread} state constant by name (java.lang already opened to the agent), or -1. */
    private static int stateConstant(Class<?> virtualThread, String name) {
        try {
            Field field = virtualThread.getDeclaredField(name);
            field.setAccessible(true);
            return field.getInt(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("loomscope: no VirtualThread." + name + " in this JDK (" + e + "); start submissions"
                    + " may count as wakes");
            return -1;
        }
    }

    /** {@code VirtualThread.DEFAULT_SCHEDULER} (java.lang already opened to the agent), or null. */
    private static java.util.concurrent.ForkJoinPool defaultScheduler(Class<?> virtualThread) {
        try {
            Field field = virtualThread.getDeclaredField("DEFAULT_SCHEDULER");
            field.setAccessible(true);
            return field.get(null) instanceof java.util.concurrent.ForkJoinPool pool ? pool : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("loomscope: cannot find the virtual-thread scheduler (" + e + "); pool not sampled");
            return null;
        }
    }

    private static Class<?> carrierThreadClass() {
        try {
            return Class.forName("jdk.internal.misc.CarrierThread", false, null);
        } catch (ClassNotFoundException e) {
            System.err.println("loomscope: no jdk.internal.misc.CarrierThread in this JDK; carrier events disabled");
            return null;
        }
    }

    private static String version() {
        String version = Installer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Marks hooks applied once their type is transformed; reports, in one line, a type that could not be. */
    private static final class TransformationListener extends AgentBuilder.Listener.Adapter {
        private final HookTracker tracker;

        TransformationListener(HookTracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            tracker.transformed(type.getSimpleName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            System.err.println("loomscope: cannot instrument " + typeName + " (" + throwable
                    + "); its events are disabled");
        }
    }
}

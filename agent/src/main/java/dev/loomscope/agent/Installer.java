package dev.loomscope.agent;

import dev.loomscope.agent.metrics.MetricsEndpoint;
import dev.loomscope.bootstrap.OperationScopes;
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
import java.util.ArrayList;
import java.util.List;
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
    /**
     * Threads inside operation scopes at once that the recorder can follow (a table of 1 MiB, allocated at the first
     * scope); past some 20,000 at once, scopes start to be counted as untracked (docs/design.md, "Operations").
     */
    private static final int SCOPE_TABLE_THREADS = 1 << 16;
    /** Trace ids the drain may lag behind before they are lost (counted in the JSON). */
    private static final int TRACE_IDS_IN_FLIGHT = 4096;
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
        JdkShape jdk = JdkShape.read(instrumentation, options.recording());

        if (options.recording()) {
            Recorder.traceOneThreadIn(options.threadSample());
            Recorder.install(options.rings(), options.ringCapacity(), jdk.blockKindByState(), jdk.startedState(),
                    jdk.carrierThreadClass(), tickReader(options, instrumentation));
            // always: with sampleEvery=0 and no critical threads, pinned blocks are still sampled (rare, and the
            // site is the whole point of reporting them)
            Recorder.installSampling(options.sampleEvery(), options.critical().toArray(new String[0]),
                    options.stackDepth(), SAMPLES_IN_FLIGHT, jdk.frozenStackWalker());
            Recorder.allowSamplesUntil(Math.max(1, options.samplesPerSecond() / 10)); // the drain refills it
            if (options.operations() > 0) {
                OperationScopes.install(options.operations(), SCOPE_TABLE_THREADS, TRACE_IDS_IN_FLIGHT);
                OperationScopes.allowCriticalSamplesUntil(Math.max(1, options.criticalSamplesPerSecond() / 10));
            }
        }
        // Before the weaving, while nothing is recorded: the drain's code warmed up, the JFR stream started.
        RecordingSession.Preparation prepared = RecordingSession.prepare(options, jdk.jvmBlocksPinnedThreads());
        // Byte Buddy's Nexus (type initializers for generated classes) is not needed for advice, and initialising it
        // touches sun.misc.Unsafe, which makes Java 24+ print warnings into the application's stderr. The property
        // name is relocated along with Byte Buddy, so it concerns only the agent's private copy.
        System.setProperty(Nexus.PROPERTY, "true");
        HookTracker tracker = new HookTracker();
        List<TypeInstrumentation> types = new ArrayList<>(instrumentations(tracker, jdk, options));
        if (OperationScopes.installed()) { // the application's Loomscope.operation/critical reach the recorder
            types.add(new ApiInstrumentation());
        }
        AgentBuilder agentBuilder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                // VirtualThread is loaded before premain; describing it by reflection could load ForkJoinPool in the
                // middle of the transformation, which Byte Buddy would then skip. Describe both from class files,
                // and look again for classes loaded while retransforming.
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new TransformationListener(tracker, instrumentation))
                .ignore(none()); // the default ignores boot classes, which are exactly the targets here
        for (TypeInstrumentation type : types) {
            agentBuilder = agentBuilder.type(named(type.typeName()))
                    .transform((DynamicType.Builder<?> builder, TypeDescription description, ClassLoader loader,
                                JavaModule module, java.security.ProtectionDomain domain) -> type.weave(builder));
        }
        agentBuilder.installOn(instrumentation);
        String unmatched = tracker.unmatchedWarning(System.getProperty("java.version"));
        if (unmatched != null) {
            System.err.println(unmatched);
        }

        // Thread ids increase monotonically: any thread whose id is at least this one was created from now on, when
        // VirtualThread.start is already woven. Taken before weaving, it would also cover threads created while the
        // classes were being retransformed (a late attach into a busy JVM), whose creation was never recorded: one
        // that was already mounted then and ended later left no record but its END and was counted as ended without
        // being counted as created, making counts.live negative.
        long firstObservableThreadId = new Thread(() -> { }).threadId();

        RecordingSession session = RecordingSession.start(options, tracker::report, version(),
                firstObservableThreadId, lateAttach, options.recording() ? jdk.defaultScheduler() : null, prepared);
        Installer.session = session;
        DumpTriggers triggers = DumpTriggers.start(session, options);
        dumpTriggers = triggers;
        if (options.sigquit()) {
            NativeSupport.armSigquit(instrumentation, triggers::sigquit);
        }
        if (options.metrics() != null) {
            MetricsEndpoint.start(options.metrics(), options.serviceName(), session, options.metricsOperations());
        }
    }

    /**
     * The JDK types to weave, each with the advice this release's shape calls for. The JFR stream of pinned blocks
     * the JVM reports (JDK 24+) must deliver its last events before JFR's own shutdown hook closes it: its advice
     * ({@link ShutdownHooksInstrumentation}) is woven only when the stream is to run.
     */
    static List<TypeInstrumentation> instrumentations(HookTracker tracker, JdkShape jdk, AgentOptions options) {
        boolean jvmReportsPinnedBlocks = options.recording() && options.jfrPinned() && jdk.jvmBlocksPinnedThreads();
        return jvmReportsPinnedBlocks
                ? List.of(new VirtualThreadInstrumentation(tracker, jdk), new ForkJoinPoolInstrumentation(tracker),
                        new ShutdownHooksInstrumentation(tracker))
                : List.of(new VirtualThreadInstrumentation(tracker, jdk), new ForkJoinPoolInstrumentation(tracker));
    }

    /**
     * The time-stamp-counter reader for the records' timestamps, or null for {@code System.nanoTime()}: with
     * {@code clock=auto} wherever the counter is invariant and the native shim can read it (the JSON's
     * {@code recorder.clock} says which was used).
     */
    private static MethodHandle tickReader(AgentOptions options, Instrumentation instrumentation) {
        return options.clock().equals(AgentOptions.CLOCK_AUTO) ? NativeSupport.tscTicks(instrumentation) : null;
    }

    private static String version() {
        String version = Installer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * Marks hooks applied once their type is transformed; counts the copies of the API woven; reports, in one line, a
     * type that could not be.
     */
    private static final class TransformationListener extends AgentBuilder.Listener.Adapter {
        private final HookTracker tracker;
        private final Instrumentation instrumentation;

        TransformationListener(HookTracker tracker, Instrumentation instrumentation) {
            this.tracker = tracker;
            this.instrumentation = instrumentation;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            tracker.transformed(type.getSimpleName());
            if (type.getName().equals(ApiInstrumentation.API_CLASS)) {
                OperationScopes.apiClassWoven();
                readRecorder(module);
            }
        }

        /**
         * An API in a named module (on the module path) must read the boot loader's unnamed module, where the recorder
         * is, for the woven calls to link.
         */
        private void readRecorder(JavaModule module) {
            Module recorder = OperationScopes.class.getModule();
            if (module != null && module.isNamed() && module.unwrap() instanceof Module api && !api.canRead(recorder)) {
                instrumentation.redefineModule(api, Set.of(recorder), Map.of(), Map.of(), Set.of(), Map.of());
            }
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            System.err.println("loomscope: cannot instrument " + typeName + " (" + throwable
                    + "); its events are disabled");
        }
    }
}

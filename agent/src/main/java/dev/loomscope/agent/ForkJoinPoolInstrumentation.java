package dev.loomscope.agent;

import dev.loomscope.bootstrap.Recorder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.DynamicType;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Which methods of {@code java.util.concurrent.ForkJoinPool} Loomscope advises: the worker loop of a carrier thread.
 * The class serves every pool in the JVM; the recorder keeps only events on the virtual-thread scheduler's carriers
 * (their class is {@code jdk.internal.misc.CarrierThread}).
 */
final class ForkJoinPoolInstrumentation implements TypeInstrumentation {
    private static final String SIMPLE = "ForkJoinPool.";

    private final HookTracker tracker;

    ForkJoinPoolInstrumentation(HookTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public String typeName() {
        return "java.util.concurrent.ForkJoinPool";
    }

    @Override
    public DynamicType.Builder<?> weave(DynamicType.Builder<?> builder) {
        // runWorker is a carrier's whole life: entry = carrier start, exit = carrier exit.
        builder = builder.visit(Advice.to(RunWorkerAdvice.class)
                .on(tracker.track(SIMPLE + "runWorker", named("runWorker"))));
        // awaitWork is where an idle carrier waits for work (spins, then parks).
        builder = builder.visit(Advice.to(AwaitWorkAdvice.class)
                .on(tracker.track(SIMPLE + "awaitWork", named("awaitWork"))));
        return builder;
    }

    static final class RunWorkerAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            Recorder.onCarrierStart();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit() {
            Recorder.onCarrierExit();
        }
    }

    static final class AwaitWorkAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            Recorder.onCarrierIdle();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit() {
            Recorder.onCarrierActive();
        }
    }
}

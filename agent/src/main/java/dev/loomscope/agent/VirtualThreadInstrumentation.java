package dev.loomscope.agent;

import dev.loomscope.bootstrap.Recorder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Which methods of {@code java.lang.VirtualThread} Loomscope advises, and why each one.
 * <p>
 * Rules for every advice here (it is inlined into {@code java.base}): call exactly one {@link Recorder} method with
 * values at hand, nothing else — no allocation, no lock, no park (parking from {@code park} advice would eat the
 * thread's permit; from {@code parkNanos} advice it would recurse). {@code suppress = Throwable.class} is a second
 * net: the recorder already swallows and counts its own failures. Inside {@code mount}/{@code unmount}
 * {@code Thread.currentThread()} flips between carrier and virtual thread, so the virtual thread is always
 * {@code @Advice.This}.
 */
final class VirtualThreadInstrumentation implements TypeInstrumentation {
    private static final String SIMPLE = "VirtualThread.";

    private final HookTracker tracker;
    private final JdkShape jdk;

    VirtualThreadInstrumentation(HookTracker tracker, JdkShape jdk) {
        this.tracker = tracker;
        this.jdk = jdk;
        // State constants the advice relies on, absent from this release: as missing as a renamed method.
        jdk.missingStates().forEach(tracker::intend);
    }

    @Override
    public String typeName() {
        return JdkShape.VIRTUAL_THREAD;
    }

    @Override
    public DynamicType.Builder<?> weave(DynamicType.Builder<?> builder) {
        // start(ThreadContainer): Thread.start() and executors end here. Creation of a virtual thread.
        builder = advise(builder, "start", named("start").and(takesArguments(1)), CreateAdvice.class);
        // mount begins a run slice on a carrier; a thread's first mount is its start (it then calls run(Runnable),
        // where JFR emits VirtualThreadStart), so no separate hook is needed for the start.
        builder = advise(builder, "mount", named("mount").and(takesArguments(0)), MountAdvice.class);
        // runContinuation calls unmount() and then, on the same carrier, afterYield() or afterDone(): those records
        // end the run slice, so unmount itself is not advised (one record fewer per slice).
        // afterYield runs on the carrier once the continuation really yielded: one call per block (or Thread.yield),
        // unlike park/parkNanos which return at once with a permit and which sleepNanos may call repeatedly.
        // Where the JDK keeps a timed park's timeout in a field (JDK 24+), the advice reads it: the timer task that
        // wakes the thread may itself wait for a carrier, so the aggregator needs the deadline (docs/schema.md).
        builder = advise(builder, "afterYield", named("afterYield"), blockAdvice());
        // A sampled block's site is walked in the same afterYield advice, from the thread's frozen stack (the
        // recorder's onBlock): monitor enters and Object.wait (JDK 24+) never pass through yieldContinuation, and an
        // advice there would make every parked thread's frozen stack larger (docs/PERFORMANCE.md, "No advice on a
        // parked thread's stack").
        // Every way the JDK queues a continuation for a carrier: a wake. Where submitRunContinuation is overloaded,
        // the overloads delegate to the one with the most parameters, which alone is advised.
        builder = advise(builder, "submitRunContinuation",
                named("submitRunContinuation").and(takesArguments(jdk.submitRunContinuationArity())),
                SubmitAdvice.class);
        builder = advise(builder, "lazySubmitRunContinuation", named("lazySubmitRunContinuation"), SubmitAdvice.class);
        builder = advise(builder, "externalSubmitRunContinuation", named("externalSubmitRunContinuation"),
                SubmitAdvice.class);
        // start's own submission (JDK 23+; before, start calls submitRunContinuation): intended only where the release
        // has it, since no count depends on it (the recorder skips submissions in the state STARTED), so a release
        // without it lacks nothing.
        if (jdk.declares("externalSubmitRunContinuationOrThrow")) {
            builder = advise(builder, "externalSubmitRunContinuationOrThrow",
                    named("externalSubmitRunContinuationOrThrow"), SubmitAdvice.class);
        }
        // afterDone(boolean) (every release has it; afterDone() delegates to it, and a failed start calls it):
        // exactly one call per terminated thread.
        builder = advise(builder, "afterDone", named("afterDone").and(takesArguments(jdk.afterDoneArity())),
                EndAdvice.class);
        builder = advise(builder, "submitFailed", named("submitFailed"), SubmitFailedAdvice.class);
        // Pinned park: the continuation could not yield, so the carrier thread itself parks.
        builder = advise(builder, "parkOnCarrierThread", named("parkOnCarrierThread"), PinnedParkAdvice.class);
        // Thread.sleep parks with a timeout; bracketing it lets the aggregator tell a sleep from a timed park.
        builder = advise(builder, "sleepNanos", named("sleepNanos").and(takesArguments(1)), SleepAdvice.class);
        return builder;
    }

    /** The advice for {@code afterYield}: with the timeout where this release keeps it in a field. */
    Class<?> blockAdvice() {
        return jdk.hasTimeoutField() ? TimedBlockAdvice.class : BlockAdvice.class;
    }

    private DynamicType.Builder<?> advise(DynamicType.Builder<?> builder, String method,
                                          ElementMatcher<? super MethodDescription> matcher, Class<?> advice) {
        return builder.visit(Advice.to(advice).on(tracker.track(SIMPLE + method, matcher)));
    }

    static final class CreateAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self, @Advice.FieldValue("state") int state) {
            if (state == 0) { // NEW: a second start() throws and creates nothing
                Recorder.onCreate(self);
            }
        }
    }

    static final class MountAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self) {
            Recorder.onMount(self);
        }
    }

    static final class BlockAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self, @Advice.FieldValue("state") int state) {
            Recorder.onBlock(self, state, 0L);
        }
    }

    static final class TimedBlockAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self, @Advice.FieldValue("state") int state,
                          @Advice.FieldValue("timeout") long timeout) {
            Recorder.onBlock(self, state, timeout);
        }
    }

    static final class SubmitAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self, @Advice.FieldValue("state") int state) {
            Recorder.onSubmit(self, state);
        }
    }

    static final class EndAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self) {
            Recorder.onEnd(self);
        }
    }

    static final class SubmitFailedAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self) {
            Recorder.onSubmitFailed(self);
        }
    }

    static final class PinnedParkAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self, @Advice.FieldValue("carrierThread") Thread carrier) {
            Recorder.onPinnedBlock(self, carrier);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Thread self, @Advice.FieldValue("carrierThread") Thread carrier) {
            Recorder.onPinnedUnblock(self, carrier);
        }
    }

    static final class SleepAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread self, @Advice.Argument(0) long nanos) {
            Recorder.onSleepBegin(self, nanos);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Thread self, @Advice.Argument(0) long nanos) {
            Recorder.onSleepEnd(self, nanos);
        }
    }
}

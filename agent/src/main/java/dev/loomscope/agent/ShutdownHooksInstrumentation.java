package dev.loomscope.agent;

import dev.loomscope.bootstrap.Recorder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.DynamicType;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Which method of {@code java.lang.ApplicationShutdownHooks} Loomscope advises, and why: {@code runHooks} starts every
 * shutdown hook at once, in no order, JFR's among them, which closes every recording and deletes its files. The JFR
 * stream of pinned blocks (core's {@code JfrPinnedBlocks}) must deliver its last second of events before that, for
 * the exit dump to count them; the advice lets it, at the entry of {@code runHooks}, before any hook runs. Woven only
 * when that stream is to run ({@code jfrPinned}, JDK 24+).
 */
final class ShutdownHooksInstrumentation implements TypeInstrumentation {
    private final HookTracker tracker;

    ShutdownHooksInstrumentation(HookTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public String typeName() {
        return "java.lang.ApplicationShutdownHooks";
    }

    @Override
    public DynamicType.Builder<?> weave(DynamicType.Builder<?> builder) {
        return builder.visit(Advice.to(RunHooksAdvice.class)
                .on(tracker.track("ApplicationShutdownHooks.runHooks", named("runHooks"))));
    }

    static final class RunHooksAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            Recorder.beforeShutdownHooks();
        }
    }
}

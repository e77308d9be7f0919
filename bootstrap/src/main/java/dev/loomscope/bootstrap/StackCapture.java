package dev.loomscope.bootstrap;

import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Walks the current thread's stack, or the frozen stack of a virtual thread that has just yielded, for a site sample,
 * leaving out the frames of the machinery in between (the JDK's
 * virtual-thread implementation and Loomscope itself), innermost frame first, at most {@code maxDepth} frames.
 * Named classes rather than lambdas: everything is linked by the warm-up walk in {@link Recorder#installSampling}.
 */
final class StackCapture implements Function<Stream<StackWalker.StackFrame>, StackWalker.StackFrame[]>,
        Predicate<StackWalker.StackFrame>, IntFunction<StackWalker.StackFrame[]> {
    private static final StackWalker WALKER = StackWalker.getInstance();
    private final int maxDepth;

    StackCapture(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    StackWalker.StackFrame[] capture() {
        return WALKER.walk(this);
    }

    /** The frames {@code walker} sees: for a virtual thread's frozen stack, a walker of its continuation. */
    StackWalker.StackFrame[] capture(StackWalker walker) {
        return walker.walk(this);
    }

    @Override
    public StackWalker.StackFrame[] apply(Stream<StackWalker.StackFrame> frames) {
        return frames.filter(this).limit(maxDepth).toArray(this);
    }

    /** Keeps application and library frames; drops the scheduler's and the recorder's own. */
    @Override
    public boolean test(StackWalker.StackFrame frame) {
        String type = frame.getClassName();
        return !(type.startsWith("dev.loomscope.bootstrap.")
                || type.equals("java.lang.VirtualThread")
                || type.startsWith("java.lang.ThreadBuilders")
                || type.startsWith("jdk.internal.vm.Continuation")
                || type.equals("jdk.internal.misc.VirtualThreads")
                || type.startsWith("java.lang.System$"));
    }

    @Override
    public StackWalker.StackFrame[] apply(int length) {
        return new StackWalker.StackFrame[length];
    }
}

package dev.loomscope.bootstrap;

/**
 * One sampled stack, handed from the thread that captured it to the drain through a {@link SampleRing}. Frames are
 * kept as {@link StackWalker.StackFrame}s: turning them into strings is the drain's work, not the application's.
 */
public final class StackSample {
    /** Ring sequence number; the drain checks it to detect a slot that was overwritten. */
    final long sequence;
    private final StackWalker.StackFrame[] frames;

    StackSample(long sequence, StackWalker.StackFrame[] frames) {
        this.sequence = sequence;
        this.frames = frames;
    }

    /** Innermost frame first. */
    public StackWalker.StackFrame[] frames() {
        return frames;
    }
}

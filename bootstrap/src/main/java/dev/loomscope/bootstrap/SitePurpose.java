package dev.loomscope.bootstrap;

/** What a sampled stack is the site of; carried in the low bits of a {@link EventKind#SAMPLE} record. */
public final class SitePurpose {
    private SitePurpose() {
    }

    /** The creating thread's stack at {@code Thread.start}. */
    public static final int CREATE = 1;
    /** The virtual thread's own stack as it blocks (or pins its carrier). */
    public static final int BLOCK = 2;
    /** The stack of the thread that made the virtual thread runnable again. */
    public static final int WAKE = 3;

    /** Low bits of a SAMPLE record's argument holding the purpose; the sample's sequence number is above them. */
    public static final int BITS = 2;
}

package dev.loomscope.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class SampleRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class SampleRingSequence extends SampleRingPad0 {
    /** Next sequence number to hand out; only ever incremented (XADD). */
    volatile long nextSequence;
}

abstract class SampleRingPad1 extends SampleRingSequence {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * A lossy, wait-free mailbox of {@link StackSample}s addressed by sequence number.
 * <p>
 * A producer takes a sequence number with one atomic increment (wait-free), stores its sample in slot
 * {@code sequence & mask} with a release store, and then writes an event record carrying the sequence number into its
 * {@link EventRing}. The drain, reading that record (acquire), is therefore guaranteed to see the sample, unless
 * {@code capacity} later samples have overwritten the slot in between: the sample's own sequence number tells, and
 * such a sample counts as lost. Invariant: slot {@code s & mask} holds either null, the sample with sequence
 * {@code s}, or a sample with a larger sequence.
 */
public final class SampleRing extends SampleRingPad1 {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(StackSample[].class);
    private static final VarHandle NEXT_SEQUENCE;

    static {
        try {
            NEXT_SEQUENCE = MethodHandles.lookup().findVarHandle(SampleRingSequence.class, "nextSequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final StackSample[] slots;
    private final int mask;

    /** @param capacity a power of two */
    public SampleRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        slots = new StackSample[capacity];
        mask = capacity - 1;
    }

    /** Sequence number the next sample will get: how many samples were taken so far. Any thread. */
    public long lvNextSequence() {
        return (long) NEXT_SEQUENCE.getVolatile(this);
    }

    /** Stores {@code frames} and returns the sequence number to put into the event record. Any thread. */
    public long publish(StackWalker.StackFrame[] frames) {
        long sequence = (long) NEXT_SEQUENCE.getAndAdd(this, 1L);
        SLOTS.setRelease(slots, (int) (sequence & mask), new StackSample(sequence, frames));
        return sequence;
    }

    /**
     * The sample with {@code sequence}, removed from the ring, or null if it was overwritten. Consumer thread only,
     * after it read (with acquire semantics) the event record that carries {@code sequence}.
     */
    public StackSample take(long sequence) {
        int slot = (int) (sequence & mask);
        StackSample sample = (StackSample) SLOTS.getAcquire(slots, slot);
        if (sample == null || sample.sequence != sequence) {
            return null;
        }
        SLOTS.compareAndSet(slots, slot, sample, null); // a newer sample may have replaced it meanwhile: keep that one
        return sample;
    }
}

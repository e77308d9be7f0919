package dev.loomscope.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class TraceIdMailboxPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class TraceIdMailboxSequence extends TraceIdMailboxPad0 {
    /** Next sequence number to hand out; only ever incremented (XADD). */
    volatile long nextSequence;
}

abstract class TraceIdMailboxPad1 extends TraceIdMailboxSequence {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * The trace ids of operation scopes on their way to the drain: records carry numbers, so a scope's trace id
 * ({@code Loomscope.operation(name, traceId)}) is put here and its record carries the handle it got. Lossy and
 * allocation-free: a fixed ring of slots, each written like a {@link java.util.concurrent.locks.StampedLock}'s
 * optimistic read is validated.
 * <p>
 * <b>Writer.</b> Takes a sequence number (one atomic increment), claims its slot by CAS of the slot's stamp to
 * {@link #WRITING}, stores the reference, and publishes with a release store of the sequence number as the stamp.
 * A slot another writer is still writing (the ring lapped it meanwhile) is not waited for: the trace id is lost and
 * counted. Wait free.
 * <p>
 * <b>Reader.</b> Any number, any thread, never removing anything (a parent's scope and the children that inherit it
 * read the same trace id, in any order): acquire the stamp, read the reference, acquire fence, read the stamp again;
 * the reference is that trace id if both stamps are its sequence number. A slot overwritten {@code capacity} trace
 * ids later reads as lost.
 * <p>
 * The ring holds references to the last {@code capacity} trace ids (strings the application made), nothing more.
 */
final class TraceIdMailbox extends TraceIdMailboxPad1 {
    /** A stamp while a writer fills the slot. */
    private static final long WRITING = -1L;
    /** The stamp of a slot never written. */
    private static final long EMPTY = -2L;

    private static final VarHandle STAMPS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle NEXT_SEQUENCE;
    private static final VarHandle LOST;

    static {
        try {
            NEXT_SEQUENCE = MethodHandles.lookup()
                    .findVarHandle(TraceIdMailboxSequence.class, "nextSequence", long.class);
            LOST = MethodHandles.lookup().findVarHandle(TraceIdMailbox.class, "lost", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String[] ids;
    private final long[] stamps;
    private final int mask;
    private final long handleMask;
    @SuppressWarnings("unused") // updated through LOST
    private volatile long lost;

    /**
     * @param capacity   slots, a power of two
     * @param handleBits bits of a handle, the low bits of the sequence number plus one (never 0)
     */
    TraceIdMailbox(int capacity, int handleBits) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        ids = new String[capacity];
        stamps = new long[capacity];
        java.util.Arrays.fill(stamps, EMPTY);
        mask = capacity - 1;
        handleMask = (1L << (handleBits - 1)) - 1; // (sequence & handleMask) + 1 fits the bits, and is never 0
        VarHandle.releaseFence(); // publish the initial stamps before the mailbox is handed out
    }

    /**
     * Stores {@code traceId}; any thread.
     *
     * @return its handle for the record (never 0), or 0 if it was lost (its slot was still being written)
     */
    long publish(String traceId) {
        long sequence = (long) NEXT_SEQUENCE.getAndAdd(this, 1L);
        int slot = (int) (sequence & mask);
        long stamp = (long) STAMPS.getVolatile(stamps, slot);
        if (stamp == WRITING || !STAMPS.compareAndSet(stamps, slot, stamp, WRITING)) {
            LOST.getAndAdd(this, 1L);
            return 0L;
        }
        ids[slot] = traceId;
        STAMPS.setRelease(stamps, slot, sequence); // StoreStore: the reference is visible before the stamp
        return (sequence & handleMask) + 1; // wraps after 2^(handleBits - 1) trace ids
    }

    /** The trace id of {@code handle}, or null if its slot was overwritten since (or it was never written). */
    String read(long handle) {
        long sequence = handle - 1;
        int slot = (int) (sequence & mask);
        long before = (long) STAMPS.getAcquire(stamps, slot);
        if ((before & handleMask) != sequence || before < 0) {
            return null;
        }
        String id = ids[slot];
        VarHandle.acquireFence(); // LoadLoad: the reference was read before the stamp is read again
        long after = (long) STAMPS.getOpaque(stamps, slot);
        return after == before ? id : null;
    }

    /** Trace ids lost because their slot was still being written. */
    long lost() {
        return (long) LOST.getOpaque(this);
    }
}

package dev.loomscope.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * False-sharing padding, JCTools style: the producer index is written by every producer (CAS) and must not share a
 * cache line with the array reference or the consumer's fields, which are read on every offer/poll. The JVM lays out
 * superclass fields before subclass fields, so 16 longs (128 bytes, two lines, covering the adjacent-line
 * prefetcher) before and after the hot field keep it alone on its line.
 */
abstract class EventRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class EventRingProducerIndex extends EventRingPad0 {
    /** Next slot to claim; only ever moves forward, by CAS. */
    volatile long producerIndex;
}

abstract class EventRingPad1 extends EventRingProducerIndex {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * A bounded multi-producer, single-consumer ring of fixed-size event records, stored in one {@code long[]}.
 * <p>
 * <b>Algorithm.</b> Dmitry Vyukov's bounded MPMC queue specialised to one consumer: every slot carries a sequence
 * word next to its payload. Invariant: for the slot at {@code index & mask}, {@code sequence == index} means "free for
 * the producer claiming {@code index}", {@code sequence == index + 1} means "holds the record of {@code index},
 * published", and {@code sequence == index - capacity + 1 + ...} (anything below {@code index}) means "still holds the
 * record of the previous lap: the ring is full". A producer claims an index by CAS on {@link #producerIndex}, writes
 * the payload with plain stores, then publishes with a release store of the sequence; the consumer acquires the
 * sequence, reads the payload, and frees the slot with a release store of {@code index + capacity}.
 * <p>
 * <b>Progress.</b> Never blocks, never waits for the consumer, never allocates. Producers are lock-free; to keep the
 * work per event bounded an offer gives up after {@link #MAX_CLAIM_ATTEMPTS} lost CAS races and, like an offer into
 * a full ring, counts the record as dropped instead of retrying. The consumer is wait-free; a producer preempted
 * between claim and publish makes the consumer stop at that slot until the next poll (records stay in order).
 * <p>
 * <b>High-water mark.</b> A ring built with a {@link ThreadShedding} asks it to shed threads before it overflows: every
 * {@link #probeEvery} claims (256 at most, 1/64 of the ring at least), the producer that claimed the index looks at the
 * sequence of the slots half a ring, a quarter, an eighth ... ahead of it. A slot there that still holds the previous
 * lap's record means the ring is that full ({@link ThreadShedding#levelFor}), and the producer raises the level. Those
 * are loads of slots it would claim soon anyway, by one producer in {@code probeEvery}, and the only store is the rare
 * raise: the hot path gains one branch on the index it already has. A record refused by a full ring raises the level to
 * {@link ThreadShedding#MAX_LEVEL} (on the drop path, already the slow one). The decision: docs/design.md, "Overload
 * sheds whole threads, never random records".
 * <p>
 * <b>Record.</b> Four longs: sequence, timestamp (an {@link EventClock} reading: time-stamp-counter ticks or
 * {@code nanoTime} nanoseconds), kind (top byte) | virtual thread id (low 56 bits), and one kind-specific argument
 * (see {@link EventKind}).
 */
public final class EventRing extends EventRingPad1 {
    /** Longs per record: sequence, timestamp, kind|thread, argument. */
    static final int RECORD_LONGS = 4;
    /** How many lost CAS races an offer tolerates before it drops the record: bounds the work on the app thread. */
    static final int MAX_CLAIM_ATTEMPTS = 16;
    static final int KIND_SHIFT = 56;
    static final long THREAD_MASK = (1L << KIND_SHIFT) - 1;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle PRODUCER_INDEX;

    static {
        try {
            PRODUCER_INDEX = MethodHandles.lookup()
                    .findVarHandle(EventRingProducerIndex.class, "producerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] records;
    private final long mask;
    private final int capacity;
    /** Claims between two probes of the high-water mark, minus one (a power of two minus one). */
    private final long probeMask;
    /** Asked to shed threads when the ring fills up; null: never (the ring only drops). */
    private final ThreadShedding shedding;
    /** Records this ring refused, by {@link EventKind}: full ring or too much contention. */
    private final long[] droppedByKind = new long[EventKind.COUNT];
    /** Creations of threads shed at that moment, counted instead of recorded ({@link #countShedCreation}). */
    private final long[] shedCreations = new long[1];
    /** Next index to read. Consumer thread only: plain access. */
    private long consumerIndex;

    /** @param capacity number of records, a power of two */
    public EventRing(int capacity) {
        this(capacity, null);
    }

    /**
     * @param capacity number of records, a power of two
     * @param shedding raised when the ring fills up (see the class comment); null: never
     */
    public EventRing(int capacity, ThreadShedding shedding) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.probeMask = probeEvery(capacity) - 1;
        this.shedding = shedding;
        this.records = new long[capacity * RECORD_LONGS];
        for (int i = 0; i < capacity; i++) {
            records[i * RECORD_LONGS] = i;
        }
        VarHandle.releaseFence(); // publish the initial sequences before the ring is handed to producers
    }

    /**
     * The index the next record will be claimed at: every record offered successfully before this call has a lower
     * index (claimed records are always published, so the consumer reaches all of them). Any thread.
     */
    public long currentProducerIndex() {
        return lvProducerIndex();
    }

    /** Records the ring holds at most. */
    public int capacity() {
        return capacity;
    }

    /** The index of the next record {@link #drain} hands over. Correct for the single consumer thread only. */
    public long currentConsumerIndex() {
        return consumerIndex;
    }

    /**
     * Appends one record, or counts it as dropped. Safe for any number of producer threads; never blocks.
     *
     * @param timestamp an {@link EventClock} reading
     * @return false if the record was dropped
     */
    public boolean offer(long timestamp, int kind, long threadId, long arg) {
        boolean full = false;
        for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
            final long index = lvProducerIndex();
            final int offset = offset(index);
            final long sequence = lvSequence(offset); // LoadLoad: payload of the previous lap was read before this
            if (sequence == index) {
                if (casProducerIndex(index, index + 1)) {
                    spLong(offset + 1, timestamp);
                    spLong(offset + 2, ((long) kind << KIND_SHIFT) | (threadId & THREAD_MASK));
                    spLong(offset + 3, arg);
                    soSequence(offset, index + 1); // StoreStore: payload visible before the slot is published
                    if ((index & probeMask) == 0 && shedding != null) {
                        probeHighWater(index);
                    }
                    return true;
                }
            } else if (sequence < index) {
                full = true; // the consumer has not freed this slot yet
                break;
            }
            // sequence > index: another producer claimed this index since we read it; reload and retry
        }
        LONGS.getAndAdd(droppedByKind, kind, 1L);
        if (full && shedding != null) {
            shedding.raiseTo(ThreadShedding.MAX_LEVEL); // no thread followed until the drain catches up
        }
        return false;
    }

    /**
     * Hands every published record, in claim order, to {@code sink}, up to {@code limit} of them.
     * Correct for a single consumer thread only.
     *
     * @return number of records consumed
     */
    public int drain(EventSink sink, int limit) {
        final long[] records = this.records;
        long index = this.consumerIndex; // local copy: plain field, single consumer
        int consumed = 0;
        while (consumed < limit) {
            final int offset = offset(index);
            if (lvSequence(offset) != index + 1) {
                break; // empty, or the next producer has claimed but not yet published
            }
            final long word = records[offset + 2];
            sink.accept(records[offset + 1], (int) (word >>> KIND_SHIFT), word & THREAD_MASK, records[offset + 3]);
            soSequence(offset, index + capacity); // free the slot for the producer one lap ahead
            index++;
            consumed++;
        }
        this.consumerIndex = index;
        return consumed;
    }

    /** Claims between two probes of the high-water mark: 1/64 of the ring, at least 1 and at most 256. */
    static int probeEvery(int capacity) {
        return Math.max(1, Math.min(256, capacity >> 6));
    }

    /**
     * How full the ring is, seen from the index just claimed: the slot {@code headroom} ahead still holds the previous
     * lap's record exactly when fewer than {@code headroom} slots are free ({@code sequence < index}, as in
     * {@link #offer}; a slot that other producers have meanwhile claimed or that is free reads as "not full"). Halves
     * the headroom until a slot is free, and raises the level to that many halvings ({@link ThreadShedding#levelFor}):
     * out of line, so that {@link #offer} stays small.
     */
    private void probeHighWater(long index) {
        int level = 0;
        for (int headroom = capacity >> 1; headroom > 0; headroom >>= 1) {
            long ahead = index + headroom;
            if (lvSequence(offset(ahead)) >= ahead) { // a load of a slot claimed soon anyway; no store
                break;
            }
            level++;
        }
        if (level > 0) {
            // fewer than 2^-level of the slots free: what levelFor says of that many records
            shedding.raiseTo(ThreadShedding.levelFor(capacity - (capacity >> level) + 1, capacity));
        }
    }

    /**
     * Counts the creation of a thread shed at that moment instead of recording it: when threads are shed, the drain
     * has fallen behind, and a CREATE record, which would be kept whatever the level, would only fill the ring faster.
     * An atomic add, on the shedding path only. Any thread.
     */
    public void countShedCreation() {
        LONGS.getAndAdd(shedCreations, 0, 1L);
    }

    /**
     * Creations counted by {@link #countShedCreation} so far. A volatile read: a record drained before it (say, the
     * END of such a thread) happened after every creation it counts.
     */
    public long shedCreations() {
        return (long) LONGS.getVolatile(shedCreations, 0);
    }

    /** Records of {@code kind} this ring refused so far (a racy but monotonic read). */
    public long dropped(int kind) {
        return (long) LONGS.getOpaque(droppedByKind, kind);
    }

    private int offset(long index) {
        return (int) (index & mask) * RECORD_LONGS;
    }

    private long lvProducerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this);
    }

    private boolean casProducerIndex(long expect, long update) {
        return PRODUCER_INDEX.compareAndSet(this, expect, update);
    }

    private long lvSequence(int offset) {
        return (long) LONGS.getAcquire(records, offset);
    }

    private void soSequence(int offset, long value) {
        LONGS.setRelease(records, offset, value);
    }

    private void spLong(int offset, long value) {
        records[offset] = value;
    }
}

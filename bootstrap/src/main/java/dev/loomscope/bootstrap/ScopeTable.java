package dev.loomscope.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The operation state of every thread inside an operation or critical scope now ({@link OperationScopes}): a
 * fixed-size table from thread id to one {@code long}, that the recorder reads without allocating, from any thread
 * (a carrier asks whether the virtual thread whose event it records is in a critical scope).
 * <p>
 * <b>Layout.</b> Keys and values in two arrays of {@link #capacity} slots, grouped in buckets of {@link #BUCKET}
 * consecutive slots (one cache line of keys); a thread id has one home bucket (Fibonacci hashing) and lives in any
 * slot of it. A lookup reads the bucket's keys; an insert claims a free slot by CAS on its key; a removal frees it.
 * There is no probing past the bucket, so no tombstones and nothing to rehash: a table that is never resized can be
 * written by many threads without locks. A full bucket refuses the insert (the caller counts the scope as untracked).
 * <p>
 * <b>Who writes.</b> A thread's entry is written only by that thread ({@code enter}/{@code exit} run on it), by the
 * thread that starts it, before it runs (inheritance at {@code Thread.start}), and removed when it ends, after its
 * last run. So a value needs no atomic update: only the key claim is a CAS, between threads of the same bucket.
 * Readers on other threads read a value while its owner is not running (blocked, or just yielded), which the
 * scheduler's own synchronisation orders; a stale read only changes whether one stack is sampled.
 * <p>
 * <b>Progress.</b> Wait free: a lookup reads {@link #BUCKET} keys, an insert tries each free slot once.
 * Thread ids are never reused in a JVM's life, so a key never aliases a later thread.
 */
final class ScopeTable {
    /** Slots per bucket: 8 keys, one 64-byte cache line when aligned. */
    static final int BUCKET = 8;
    /** No thread: thread ids start at 1. */
    private static final long FREE = 0L;

    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] keys;
    private final long[] values;
    private final int bucketShift;
    private final int capacity;

    /** @param capacity slots, a power of two, at least {@link #BUCKET} */
    ScopeTable(int capacity) {
        if (capacity < BUCKET || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= " + BUCKET + ": " + capacity);
        }
        this.capacity = capacity;
        this.keys = new long[capacity];
        this.values = new long[capacity];
        int buckets = capacity / BUCKET;
        this.bucketShift = 64 - Integer.numberOfTrailingZeros(buckets);
    }

    int capacity() {
        return capacity;
    }

    /** The first slot of {@code threadId}'s bucket. */
    private int bucketOf(long threadId) {
        // the top bits of a Fibonacci product: consecutive ids land in different buckets
        return bucketShift == 64 ? 0 : (int) ((threadId * 0x9E3779B97F4A7C15L) >>> bucketShift) * BUCKET;
    }

    /** The slot holding {@code threadId}, or -1. Any thread. */
    int slotOf(long threadId) {
        int first = bucketOf(threadId);
        for (int slot = first; slot < first + BUCKET; slot++) {
            if (lvKey(slot) == threadId) {
                return slot;
            }
        }
        return -1;
    }

    /** The value of {@code threadId}, 0 if it has no entry. Any thread. */
    long get(long threadId) {
        int slot = slotOf(threadId);
        return slot < 0 ? 0L : lpValue(slot);
    }

    /**
     * Sets the value of {@code threadId}, claiming a slot if it has none; a value of 0 removes the entry. Only for
     * the entry's owner (see the class comment).
     *
     * @return false if the thread had no entry and its bucket is full: nothing was stored
     */
    boolean put(long threadId, long value) {
        int slot = slotOf(threadId);
        if (slot >= 0) {
            if (value == 0L) {
                free(slot);
            } else {
                spValue(slot, value);
            }
            return true;
        }
        if (value == 0L) {
            return true;
        }
        int first = bucketOf(threadId);
        for (slot = first; slot < first + BUCKET; slot++) {
            if (lvKey(slot) == FREE && casKey(slot, FREE, threadId)) {
                spValue(slot, value); // the owner alone reads it before the next synchronisation with others
                return true;
            }
        }
        return false;
    }

    /** Removes {@code threadId}'s entry and returns its value (0 if none). Only for the entry's owner. */
    long remove(long threadId) {
        int slot = slotOf(threadId);
        if (slot < 0) {
            return 0L;
        }
        long value = lpValue(slot);
        free(slot);
        return value;
    }

    private void free(int slot) {
        values[slot] = 0L;
        soKey(slot, FREE); // StoreStore: the value is cleared before the slot can be claimed again
    }

    private long lvKey(int slot) {
        return (long) KEYS.getAcquire(keys, slot);
    }

    private void soKey(int slot, long key) {
        KEYS.setRelease(keys, slot, key);
    }

    private boolean casKey(int slot, long expect, long update) {
        return KEYS.compareAndSet(keys, slot, expect, update);
    }

    private long lpValue(int slot) {
        return values[slot];
    }

    private void spValue(int slot, long value) {
        values[slot] = value;
    }
}

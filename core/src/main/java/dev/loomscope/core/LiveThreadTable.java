package dev.loomscope.core;

/**
 * Per-virtual-thread state the aggregator keeps while a thread is alive: an open-addressing hash table from thread id
 * to a {@code long} (the aggregator packs state bits and a timestamp into it), with linear probing and backward-shift
 * deletion (no tombstones, so a day of churn does not degrade it).
 * <p>
 * Keys and values are interleaved in one array ({@code [key, value, key, value, ...]}): with hundreds of thousands of
 * live threads the table is far larger than the caches, and a lookup then costs one cache miss instead of two.
 * <p>
 * Memory: 16 bytes per slot; the table grows when more than 3/4 full (to 3/8 full), so 21–43 bytes per live virtual
 * thread. It halves when less than 1/8 full, so a burst of a million threads is not held for the rest of the run.
 * Drain thread only: not thread-safe.
 */
final class LiveThreadTable {
    private static final int MIN_CAPACITY = 1024;
    /** Thread ids start at 1, so 0 marks a free slot. */
    private static final long FREE = 0L;

    /** {@code entries[2 * slot]} is the key, {@code entries[2 * slot + 1]} its value. */
    private long[] entries = new long[2 * MIN_CAPACITY];
    private int capacity = MIN_CAPACITY;
    private int size;

    int size() {
        return size;
    }

    /** @return the value of {@code threadId}, or {@code absent} if the table has no entry */
    long get(long threadId, long absent) {
        int slot = slotOf(threadId);
        return slot < 0 ? absent : entries[2 * slot + 1];
    }

    /** The slot holding {@code threadId}, or -1: with {@link #valueAt}/{@link #setValueAt}, one probe per update. */
    int slotOf(long threadId) {
        long[] e = entries;
        int mask = capacity - 1;
        for (int i = index(threadId, mask); ; i = (i + 1) & mask) {
            long k = e[2 * i];
            if (k == threadId) {
                return i;
            }
            if (k == FREE) {
                return -1;
            }
        }
    }

    /** Value in a slot from {@link #slotOf}; valid until the next put or remove. */
    long valueAt(int slot) {
        return entries[2 * slot + 1];
    }

    /** Replaces the value in a slot from {@link #slotOf}; valid until the next put or remove. */
    void setValueAt(int slot, long value) {
        entries[2 * slot + 1] = value;
    }

    void put(long threadId, long value) {
        if (threadId == FREE) {
            return; // not a thread id
        }
        long[] e = entries;
        int mask = capacity - 1;
        for (int i = index(threadId, mask); ; i = (i + 1) & mask) {
            long k = e[2 * i];
            if (k == threadId) {
                e[2 * i + 1] = value;
                return;
            }
            if (k == FREE) {
                e[2 * i] = threadId;
                e[2 * i + 1] = value;
                if (++size > (capacity >> 1) + (capacity >> 2)) {
                    resize(capacity << 1);
                }
                return;
            }
        }
    }

    /** @return the removed value, or {@code absent} */
    long remove(long threadId, long absent) {
        long[] e = entries;
        int mask = capacity - 1;
        int i = index(threadId, mask);
        for (; ; i = (i + 1) & mask) {
            long k = e[2 * i];
            if (k == FREE) {
                return absent;
            }
            if (k == threadId) {
                break;
            }
        }
        long removed = e[2 * i + 1];
        // Backward-shift: move later members of the probe run into the hole so lookups never stop early.
        int hole = i;
        for (int j = (hole + 1) & mask; e[2 * j] != FREE; j = (j + 1) & mask) {
            int home = index(e[2 * j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                e[2 * hole] = e[2 * j];
                e[2 * hole + 1] = e[2 * j + 1];
                hole = j;
            }
        }
        e[2 * hole] = FREE;
        e[2 * hole + 1] = 0;
        size--;
        if (capacity > MIN_CAPACITY && size < capacity >> 3) {
            resize(capacity >> 1);
        }
        return removed;
    }

    /** Calls {@code visitor} with every entry (order unspecified); the table must not change meanwhile. */
    void forEach(EntryVisitor visitor) {
        long[] e = entries;
        for (int i = 0; i < capacity; i++) {
            if (e[2 * i] != FREE) {
                visitor.visit(e[2 * i], e[2 * i + 1]);
            }
        }
    }

    @FunctionalInterface
    interface EntryVisitor {
        void visit(long threadId, long value);
    }

    private void resize(int newCapacity) {
        long[] old = entries;
        int oldCapacity = capacity;
        long[] e = new long[2 * newCapacity];
        int mask = newCapacity - 1;
        for (int s = 0; s < oldCapacity; s++) {
            long k = old[2 * s];
            if (k != FREE) {
                int i = index(k, mask);
                while (e[2 * i] != FREE) {
                    i = (i + 1) & mask;
                }
                e[2 * i] = k;
                e[2 * i + 1] = old[2 * s + 1];
            }
        }
        entries = e;
        capacity = newCapacity;
    }

    private static int index(long threadId, int mask) {
        return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }
}

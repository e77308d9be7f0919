package dev.loomscope.core;

/**
 * Per-virtual-thread state the aggregator keeps while a thread is alive: an open-addressing hash table from thread id
 * to an {@code int} of state bits, with linear probing and backward-shift deletion (no tombstones, so a day of churn
 * does not degrade it).
 * <p>
 * Memory: 16 bytes per slot; the table grows when more than 3/4 full (to 3/8 full), so 21–43 bytes per live virtual
 * thread. It halves when less than 1/8 full, so a burst of a million threads is not held for the rest of the run.
 * Drain thread only: not thread-safe.
 */
final class LiveThreadTable {
    private static final int MIN_CAPACITY = 1024;
    /** Thread ids start at 1, so 0 marks a free slot. */
    private static final long FREE = 0L;

    private long[] keys = new long[MIN_CAPACITY];
    private long[] values = new long[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /** @return the state of {@code threadId}, or {@code absent} if the table has no entry */
    long get(long threadId, long absent) {
        int mask = keys.length - 1;
        for (int i = index(threadId, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == threadId) {
                return values[i];
            }
            if (k == FREE) {
                return absent;
            }
        }
    }

    void put(long threadId, long state) {
        if (threadId == FREE) {
            return; // not a thread id
        }
        int mask = keys.length - 1;
        for (int i = index(threadId, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == threadId) {
                values[i] = state;
                return;
            }
            if (k == FREE) {
                keys[i] = threadId;
                values[i] = state;
                if (++size > (keys.length >> 1) + (keys.length >> 2)) {
                    resize(keys.length << 1);
                }
                return;
            }
        }
    }

    /** @return the removed state, or {@code absent} */
    long remove(long threadId, long absent) {
        int mask = keys.length - 1;
        int i = index(threadId, mask);
        for (; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == FREE) {
                return absent;
            }
            if (k == threadId) {
                break;
            }
        }
        long removed = values[i];
        // Backward-shift: move later members of the probe run into the hole so lookups never stop early.
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != FREE; j = (j + 1) & mask) {
            int home = index(keys[j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = FREE;
        values[hole] = 0;
        size--;
        if (keys.length > MIN_CAPACITY && size < keys.length >> 3) {
            resize(keys.length >> 1);
        }
        return removed;
    }

    /** Calls {@code visitor} with every entry (order unspecified); the table must not change meanwhile. */
    void forEach(EntryVisitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != FREE) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    @FunctionalInterface
    interface EntryVisitor {
        void visit(long threadId, long value);
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[capacity];
        values = new long[capacity];
        int mask = capacity - 1;
        for (int s = 0; s < oldKeys.length; s++) {
            long k = oldKeys[s];
            if (k != FREE) {
                int i = index(k, mask);
                while (keys[i] != FREE) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = oldValues[s];
            }
        }
    }

    private static int index(long threadId, int mask) {
        return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }
}

package dev.loomscope.bootstrap;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Operation names interned as small numbers, which records carry: the first {@code limit} distinct names get their
 * own id, every later one counts as {@link #OTHER}. Bad names never reach the application as an exception: a
 * {@code null} or empty name is ignored ({@link #NONE}), a name longer than {@link #MAX_NAME_CHARS} is truncated.
 * <p>
 * A known name is a lookup in a {@link ConcurrentHashMap} (no allocation, no lock). Registering a new one takes this
 * object's lock, at most {@code limit} times in a JVM's life; once the limit is reached a volatile flag sends every
 * unknown name to {@link #OTHER} without the lock. Memory: the map holds at most about {@code 2 * limit} keys.
 */
final class OperationNames {
    /** No operation: the scope is ignored. */
    static final int NONE = 0;
    /** Every name beyond the limit. */
    static final int OTHER = 1;
    /** The name {@link #OTHER} is written with. */
    static final String OTHER_NAME = "other";
    /** Longer names are cut to this many characters (a route, not a URL with ids in it, is what fits). */
    static final int MAX_NAME_CHARS = 200;

    private final int limit;
    private final ConcurrentHashMap<String, Integer> idByName = new ConcurrentHashMap<>();
    /** By id; {@code null} at {@link #NONE}. Written under the lock, read by the drain. */
    private final AtomicReferenceArray<String> nameById;
    /** Names registered: ids {@code 2 .. registered + 1}. Written under the lock. */
    private volatile int registered;
    /** Map entries (names and the truncated aliases), bounded by {@code 2 * limit}. Under the lock. */
    private int keys;
    private volatile boolean full;

    /** Scopes opened with a null or empty name, ignored. */
    final AtomicLong ignored = new AtomicLong();
    /** Distinct names truncated to {@link #MAX_NAME_CHARS}. */
    final AtomicLong truncated = new AtomicLong();
    /** Scopes counted as {@link #OTHER} because the limit was reached. */
    final AtomicLong overLimit = new AtomicLong();

    /** @param limit distinct names kept, 1 to 65533 */
    OperationNames(int limit) {
        if (limit < 1 || limit > 0xFFFF - 2) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
        this.limit = limit;
        this.nameById = new AtomicReferenceArray<>(limit + 2);
        nameById.set(OTHER, OTHER_NAME);
    }

    int limit() {
        return limit;
    }

    /** The id of {@code name}: {@link #NONE} for no name, {@link #OTHER} beyond the limit. Any thread. */
    int idOf(String name) {
        if (name == null || name.isEmpty()) {
            ignored.getAndIncrement();
            return NONE;
        }
        Integer id = idByName.get(name);
        if (id != null) {
            return id;
        }
        if (full) {
            overLimit.getAndIncrement();
            return OTHER;
        }
        return register(name);
    }

    private synchronized int register(String name) {
        Integer known = idByName.get(name);
        if (known != null) {
            return known;
        }
        String shown = name;
        if (name.length() > MAX_NAME_CHARS) {
            shown = name.substring(0, MAX_NAME_CHARS);
            Integer sameStart = idByName.get(shown);
            if (sameStart != null && keys < 2 * limit) {
                idByName.put(name, sameStart); // another long name with the same first characters: one operation
                keys++;
                truncated.getAndIncrement();
                return sameStart;
            }
        }
        if (registered >= limit || keys >= 2 * limit) {
            full = true;
            overLimit.getAndIncrement();
            return OTHER;
        }
        int id = registered + 2;
        nameById.set(id, shown);
        registered++;
        idByName.put(name, id);
        keys++;
        if (shown != name) {
            truncated.getAndIncrement();
            idByName.put(shown, id);
            keys++;
        }
        return id;
    }

    /** The name of {@code id}, null if none (yet). Any thread. */
    String nameOf(int id) {
        return id > 0 && id < nameById.length() ? nameById.get(id) : null;
    }

    /** Distinct names kept (not counting {@link #OTHER}). */
    int registered() {
        return registered;
    }
}

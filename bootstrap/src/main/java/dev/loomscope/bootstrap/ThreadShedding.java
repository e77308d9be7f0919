package dev.loomscope.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which virtual threads the recorder follows now: every one that {@code threadSample} follows, or, while the drain
 * falls behind, a nested subset of them (shedding). At shed level {@code L} a thread is followed when the 24-bit
 * mix of its id is below {@code base >> L}, {@code base} being {@code threadSample}'s threshold: one thread in
 * {@code 2^L} of those {@code threadSample} follows, and the threads followed at level {@code L + 1} are a subset of
 * those followed at {@code L}. A thread is followed or not as a whole: its creation and end are recorded whatever the
 * level, every other transition only while it is followed. (The creation of a thread shed at that moment is counted
 * rather than recorded: {@link #shedNow}.)
 * <p>
 * <b>The level word.</b> One {@code volatile long}: the threshold ({@link #below}) in bits 0–24, the level in bits
 * 25–31, and a generation in the top 32 bits that every change increments, so that a reader tells any two words
 * apart. The recorder's hot path reads it once per transition ({@link #follows}), as it read {@code threadSample}'s
 * threshold before; nothing on that path writes it.
 * <p>
 * <b>Who changes it.</b> Producers only raise the level ({@link #raiseTo}), when the ring they just wrote to is past
 * its high-water mark ({@link EventRing}): a CAS, and only then, so a ring filling up costs its producers a few
 * writes, not one per record. The drain, which alone sees that it has caught up, is the only thread that lowers it
 * ({@link #lower}), one level at a time. So between two reads of the word by the drain, the level only went up, and the
 * new word's level is the highest it had in between: what lets the drain keep an exact upper bound of the level over
 * time (core's {@code SheddingHistory}).
 * <p>
 * Progress: {@link #follows} is wait-free; {@link #raiseTo} gives up after {@link #MAX_RAISE_ATTEMPTS} lost races (a
 * later probe raises again).
 */
public final class ThreadShedding {
    /** Threshold of "every thread": the mix is 24 bits. */
    public static final int TRACE_ALL = 1 << 24;
    /** The highest level: {@code base >> 25} is 0 for any base, so no thread is followed (ends are still recorded). */
    public static final int MAX_LEVEL = 25;

    private static final int LEVEL_SHIFT = 25;
    private static final long BELOW_MASK = (1L << LEVEL_SHIFT) - 1;
    private static final long LEVEL_MASK = 0x7F;
    private static final int GENERATION_SHIFT = 32;
    /** Lost CAS races a raise tolerates: bounds the work of a producer in the middle of the scheduler. */
    private static final int MAX_RAISE_ATTEMPTS = 8;

    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(ThreadShedding.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** See the class comment; read with {@link #lvWord}, changed by CAS only. */
    @SuppressWarnings("unused") // accessed through WORD
    private volatile long word = pack(0, 0, TRACE_ALL);
    /** {@code threadSample}'s threshold: the one of level 0. Written before recording starts. */
    private volatile int base = TRACE_ALL;

    /**
     * Follows about one virtual thread in {@code oneIn} (1: all) at level 0, chosen by thread id; resets the level
     * to 0. Call before recording starts.
     */
    public void followOneIn(int oneIn) {
        base = oneIn <= 1 ? TRACE_ALL : Math.max(1, TRACE_ALL / oneIn);
        long w = lvWord();
        WORD.setVolatile(this, pack(generation(w) + 1, 0, base));
    }

    /** Whether {@code virtualThreadId}'s transitions are recorded now. The recorder's hot path: one volatile read. */
    public boolean follows(long virtualThreadId) {
        int below = below(lvWord());
        return below == TRACE_ALL || mix(virtualThreadId) < below;
    }

    /**
     * Whether {@code virtualThreadId} is one of the threads shed now (not merely one {@code threadSample} does not
     * follow): its creation is then counted rather than recorded ({@link Recorder#onCreate}).
     */
    public boolean shedNow(long virtualThreadId) {
        long w = lvWord();
        return level(w) > 0 && mix(virtualThreadId) >= below(w);
    }

    /** Whether {@code virtualThreadId} is followed at shed level {@code level} (whatever the level is now). */
    public boolean followsAt(long virtualThreadId, int level) {
        int below = belowAt(level);
        return below == TRACE_ALL || mix(virtualThreadId) < below;
    }

    /** The threshold of {@code level}: {@code base >> level}. */
    public int belowAt(int level) {
        return level >= MAX_LEVEL ? 0 : base >> level;
    }

    /** The level word now. */
    public long word() {
        return lvWord();
    }

    /**
     * Raises the level to at least {@code level} (at most {@link #MAX_LEVEL}); does nothing, not even a write, when it
     * is there already. Any thread; on a producer's path only when its ring is past the high-water mark.
     */
    public void raiseTo(int level) {
        int target = Math.min(level, MAX_LEVEL);
        for (int attempt = 0; attempt < MAX_RAISE_ATTEMPTS; attempt++) {
            long w = lvWord();
            if (level(w) >= target) {
                return;
            }
            if (casWord(w, pack(generation(w) + 1, target, belowAt(target)))) {
                return;
            }
        }
    }

    /**
     * Lowers the level by one, if the word is still {@code expected} (a producer may have raised it since the drain
     * read it). Drain thread only: the one thread that lowers.
     *
     * @return the new word, or 0 if the word was no longer {@code expected} or the level is 0
     */
    public long lower(long expected) {
        int level = level(expected);
        if (level == 0) {
            return 0;
        }
        long lowered = pack(generation(expected) + 1, level - 1, belowAt(level - 1));
        return casWord(expected, lowered) ? lowered : 0;
    }

    /** The shed level of a word: 0 when every thread {@code threadSample} follows is followed. */
    public static int level(long word) {
        return (int) ((word >>> LEVEL_SHIFT) & LEVEL_MASK);
    }

    /** The threshold of a word: a thread is followed when its {@link #mix} is below it. */
    public static int below(long word) {
        return (int) (word & BELOW_MASK);
    }

    static long generation(long word) {
        return word >>> GENERATION_SHIFT;
    }

    /**
     * The top 24 bits of the thread id's Fibonacci product: consecutive ids spread evenly over the 2^24 values, so a
     * threshold follows that share of the threads whatever their ids.
     */
    public static int mix(long virtualThreadId) {
        return (int) ((virtualThreadId * 0x9E3779B97F4A7C15L) >>> 40);
    }

    /**
     * The level a ring asks for: 1 past half full, 2 past three quarters, {@code k} past {@code 1 - 2^-k}, and
     * {@link #MAX_LEVEL} (only creations and ends recorded) once fewer than two probes' worth of claims are free
     * ({@link EventRing#probeEvery}): a producer looks only every so many claims, and the ring must not fill up in
     * between. Each level halves the records of the followed threads, so a ring that the drain does not empty at all
     * fills ever more slowly: the time each level buys is the same, half the free space at the rate before it.
     *
     * @param occupied records in the ring not yet drained
     * @param capacity the ring's capacity, a power of two
     */
    public static int levelFor(long occupied, int capacity) {
        long free = capacity - occupied;
        if (free < 2L * EventRing.probeEvery(capacity)) {
            return MAX_LEVEL;
        }
        int level = 0;
        for (long headroom = capacity >> 1; headroom > 0 && free < headroom; headroom >>= 1) {
            level++;
        }
        return level;
    }

    private static long pack(long generation, int level, int below) {
        return generation << GENERATION_SHIFT | (long) level << LEVEL_SHIFT | below;
    }

    private long lvWord() {
        return (long) WORD.getVolatile(this);
    }

    private boolean casWord(long expect, long update) {
        return WORD.compareAndSet(this, expect, update);
    }
}

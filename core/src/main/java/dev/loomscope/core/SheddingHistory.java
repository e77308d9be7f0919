package dev.loomscope.core;

import dev.loomscope.bootstrap.ThreadShedding;

import java.util.concurrent.TimeUnit;

/**
 * The shed level over time as the drain knows it ({@link ThreadShedding}), and whether a thread's history between two
 * of its records can have a gap: the aggregator measures a latency only between two records of a thread that was
 * followed all the time in between ({@link #unbroken}).
 * <p>
 * <b>An upper bound of the level over time.</b> The history is a step function of the level, each step's start taken
 * so that the level in effect at any instant is at most the history's: a raise (by a producer) is dated at the last
 * clock reading the drain took before a read of the word that still showed the level before it
 * ({@link #confirm}), and a lowering (by the drain) at a clock reading taken after its CAS ({@link #lowered}). Between
 * two reads of the word by the drain only producers change it, and they only raise it, so the word read last carries
 * the highest level of the interval.
 * <p>
 * <b>Why that suffices.</b> Take two consecutive records of a thread, at {@code t1} and {@code t2} (each timestamp
 * read after the recorder asked whether the thread is followed). A transition of the thread between them that was not
 * recorded asked at some instant in {@code (t1, t2)} (the thread's transitions are sequential) and saw a level at
 * which the thread is not followed. So if the thread is followed at the highest level of the history over
 * {@code [t1, t2]} (levels nest: it is then followed at every lower one), nothing of it was skipped in between. Clocks
 * of different cores and the tick conversion differ by far less than {@link #MARGIN_NANOS}, which widens every
 * interval.
 * <p>
 * Bounded: at most {@link #MAX_STEPS} steps; beyond, the two oldest are merged into one at the higher level (an upper
 * bound still). Also counts the time spent at each level per heatmap window ({@link #windows}, microseconds per
 * level: the cells sum to the time shed, in whole microseconds, until a cell saturates at 2^31 µs, 36 minutes, in
 * the coarsest tiers), episodes and the histories the aggregator forgot. Drain thread only.
 */
final class SheddingHistory {
    /** Widens every interval checked: clocks of different cores and the tick conversion agree far better. */
    static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Steps kept; beyond, the oldest are merged. */
    static final int MAX_STEPS = 1024;
    /** What the columns of {@link #windows} are, written into every dump for its readers. */
    static final String COLUMNS = "shed level L (1 in 2^L of the threads threadSample follows are followed;"
            + " 25: none); cell = microseconds at that level in the window";

    private final ThreadShedding shedding;
    private final long originNanoTime;
    private final long originEpochNanos;
    private final long windowNanos;
    /** Time at each level per window, in microseconds; columns are levels. */
    private final WindowedHeatmap windows;

    /** Steps, a ring buffer: {@code level[i]} from {@code from[i]} (a {@code nanoTime}) to the next step's start. */
    private final long[] from = new long[MAX_STEPS];
    private final int[] level = new int[MAX_STEPS];
    private int first;
    private int size;

    private long knownWord;
    /** A clock reading taken before the drain's latest read of the word, which showed {@link #knownWord}. */
    private long confirmedNanoTime = Long.MIN_VALUE;
    /**
     * Relative to the origin: a thread whose last transition is at least this recent needs no check (the level has
     * been 0 since before it, with the margin); {@link Long#MAX_VALUE} while shedding, {@link Long#MIN_VALUE} if never.
     * Read by the aggregator for every record.
     */
    long uncheckedFromSinceOrigin = Long.MIN_VALUE;

    private long accountedUntil;
    /** Nanoseconds counted in {@link #shedNanos} but not yet in a cell: the cells sum to {@code shedNanos / 1000}. */
    private long uncountedNanos;
    private long episodes;
    private long shedNanos;
    private int maxLevel;
    private long forgotten;
    private long creationsCounted;

    /**
     * @param shedding         the recorder's levels (the thresholds of each level)
     * @param windowNanos      heatmap window length
     * @param fineWindows      windows kept at full resolution before downsampling
     * @param originNanoTime   the aggregator's origin
     * @param originEpochNanos wall-clock time at the origin
     */
    SheddingHistory(ThreadShedding shedding, long windowNanos, int fineWindows, long originNanoTime,
                    long originEpochNanos) {
        this.shedding = shedding;
        this.originNanoTime = originNanoTime;
        this.originEpochNanos = originEpochNanos;
        this.windowNanos = windowNanos;
        this.windows = new WindowedHeatmap(windowNanos, fineWindows);
        this.knownWord = shedding.word();
        this.accountedUntil = originNanoTime;
        from[0] = Long.MIN_VALUE;
        level[0] = ThreadShedding.level(knownWord);
        size = 1;
        if (level[0] > 0) {
            episodes = 1;
            maxLevel = level[0];
        }
        refreshUnchecked();
    }

    /** The recorder's levels this history follows. */
    ThreadShedding shedding() {
        return shedding;
    }

    /** The word as the history last saw it: a record drained while the recorder has another calls {@link #observe}. */
    long knownWord() {
        return knownWord;
    }

    /**
     * The word read after a record: producers have raised the level since the drain last read it (only the drain
     * lowers it), at the earliest right after its last confirmed reading.
     */
    void observe(long word) {
        if (word != knownWord) {
            append(confirmedNanoTime, ThreadShedding.level(word));
            knownWord = word;
        }
    }

    /**
     * A clock reading, then a read of the word ({@code word}), in that order: a change not seen by that read came after
     * {@code nanoTime}. The drain does this before every pass.
     */
    void confirm(long nanoTime, long word) {
        observe(word);
        confirmedNanoTime = Math.max(confirmedNanoTime, nanoTime);
    }

    /**
     * The drain lowered the level: it read the clock ({@code beforeNanoTime}) and the word, CASed it to
     * {@code loweredWord}, then read the clock ({@code afterNanoTime}) and the word ({@code wordAfter}) again. The
     * higher level lasted at most until {@code afterNanoTime}. If a producer raised the level in between (the words
     * differ), the raise came after the CAS, so after {@code beforeNanoTime}, and it is dated there: the short spell at
     * the lowered level is then covered by the higher one.
     */
    void lowered(long beforeNanoTime, long loweredWord, long afterNanoTime, long wordAfter) {
        if (wordAfter == loweredWord) {
            append(afterNanoTime, ThreadShedding.level(loweredWord));
        } else {
            append(Math.max(beforeNanoTime, confirmedNanoTime), ThreadShedding.level(wordAfter));
        }
        knownWord = wordAfter;
        confirmedNanoTime = Math.max(confirmedNanoTime, afterNanoTime);
    }

    /**
     * Whether {@code threadId} was followed all the time from {@code sinceNanoTime} to {@code untilNanoTime}, so that
     * none of its transitions in between went unrecorded.
     */
    boolean unbroken(long threadId, long sinceNanoTime, long untilNanoTime) {
        if (sinceNanoTime - originNanoTime >= uncheckedFromSinceOrigin) {
            return true;
        }
        return shedding.followsAt(threadId, maxLevel(sinceNanoTime - MARGIN_NANOS, untilNanoTime + MARGIN_NANOS));
    }

    /** The highest level of the history over {@code [a, b]}. */
    int maxLevel(long a, long b) {
        int max = 0;
        long end = Long.MAX_VALUE;
        for (int i = size - 1; i >= 0; i--) {
            int slot = slot(i);
            if (end <= a) {
                break;
            }
            if (from[slot] <= b) {
                max = Math.max(max, level[slot]);
            }
            end = from[slot];
        }
        return max;
    }

    /** The aggregator dropped what it knew of a thread's partial history. */
    void forgot() {
        forgotten++;
    }

    /** Creations of threads shed as they were created, counted by the rings instead of recorded. */
    void creationsCounted(long count) {
        creationsCounted += count;
    }

    /** The level now, as the history knows it. */
    int levelNow() {
        return level[slot(size - 1)];
    }

    /** What happened so far, the time at the current level counted up to {@code nowNanoTime}. */
    Snapshot.Shedding snapshot(long nowNanoTime) {
        account(nowNanoTime);
        return new Snapshot.Shedding(levelNow(), maxLevel, episodes, shedNanos, forgotten, creationsCounted,
                windows.rows());
    }

    private void append(long startNanoTime, int newLevel) {
        int last = slot(size - 1);
        int before = level[last];
        if (startNanoTime <= from[last]) {
            // no later than the current step: that step becomes the higher of the two, an upper bound still
            account(from[last]);
            level[last] = Math.max(before, newLevel);
        } else {
            account(startNanoTime);
            if (size == MAX_STEPS) {
                int oldest = slot(0);
                int next = slot(1);
                level[next] = Math.max(level[oldest], level[next]);
                from[next] = from[oldest];
                first = next;
                size--;
            }
            int slot = slot(size);
            from[slot] = startNanoTime;
            level[slot] = newLevel;
            size++;
        }
        int now = levelNow();
        if (before == 0 && now > 0) {
            episodes++;
        }
        maxLevel = Math.max(maxLevel, now);
        refreshUnchecked();
    }

    private void refreshUnchecked() {
        int last = slot(size - 1);
        if (level[last] > 0) {
            uncheckedFromSinceOrigin = Long.MAX_VALUE;
        } else if (maxLevel == 0 && from[last] == Long.MIN_VALUE) {
            uncheckedFromSinceOrigin = Long.MIN_VALUE; // never shed
        } else {
            uncheckedFromSinceOrigin = from[last] - originNanoTime + MARGIN_NANOS;
        }
    }

    /** Adds the time of the current step from where it was counted up to {@code untilNanoTime}. */
    private void account(long untilNanoTime) {
        int current = levelNow();
        long start = Math.max(accountedUntil, from[slot(size - 1)]);
        if (current > 0 && untilNanoTime > start) {
            shedNanos += untilNanoTime - start;
            for (long t = start; t < untilNanoTime; ) {
                long epoch = originEpochNanos + (t - originNanoTime);
                long windowEnd = t + (Math.floorDiv(epoch, windowNanos) + 1) * windowNanos - epoch;
                long end = Math.min(untilNanoTime, windowEnd);
                uncountedNanos += end - t;
                if (uncountedNanos >= 1000) {
                    windows.add(epoch, current, uncountedNanos / 1000);
                    uncountedNanos %= 1000;
                }
                t = end;
            }
        }
        accountedUntil = Math.max(accountedUntil, untilNanoTime);
    }

    private int slot(int i) {
        return (first + i) % MAX_STEPS;
    }
}

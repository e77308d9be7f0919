package dev.loomscope.core;

import dev.loomscope.bootstrap.EventRing;
import dev.loomscope.bootstrap.ThreadShedding;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The drain's side of thread shedding ({@link ThreadShedding}): before every pass it looks at how full each ring is,
 * raises the level as a producer would ({@link ThreadShedding#levelFor}: rings past half full), and lowers it, one
 * level at a time, once every ring has stayed below its low-water mark (an eighth full) and the level has not changed
 * for a while: {@link #STEP_DOWN_AFTER_NANOS} at level 1, half that at level 2, and so on down to a 64th. Back to full
 * capture when the drain has caught up, without swinging back and forth faster than the rings fill where it matters:
 * the last levels, which follow most threads, are left slowly (each raise makes the aggregator forget the histories
 * of the threads it sets aside), the high ones, which follow few, quickly (a ring that overflowed raises the level to
 * the top at once). Each decision is entered into the aggregator's {@link SheddingHistory} with the clock readings
 * that bound it.
 * <p>
 * Drain thread only, under the drain's lock.
 */
final class SheddingControl {
    /**
     * How long every ring must stay below its low-water mark, and the level unchanged, before level 1 is lowered; level
     * {@code L} waits {@code 2^(L-1)} times less, a 64th at least ({@link #stepDownAfterNanos}).
     */
    static final long STEP_DOWN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int MAX_STEP_DOWN_HALVINGS = 6;
    /** Below this share of a ring (1/8), the drain has caught up with it. */
    static final int LOW_WATER_SHIFT = 3;
    private static final long NOT_CALM = Long.MIN_VALUE;

    private final ThreadShedding shedding;
    private final SheddingHistory history;
    private final EventRing[] rings;
    /** Since when every pass found every ring below its low-water mark; {@link #NOT_CALM} if the last did not. */
    private long calmSince = NOT_CALM;
    /** When the drain last saw the word change (a raise) or changed it (a lowering). */
    private long changedAt;
    private long lastWord;

    /** @param rings the recorder's rings (not null) */
    SheddingControl(SheddingHistory history, EventRing[] rings) {
        this.shedding = history.shedding();
        this.history = history;
        this.rings = rings;
        this.lastWord = shedding.word();
    }

    /**
     * Before a pass.
     *
     * @param clock reads the records' clock, in nanoseconds ({@code nanoTime}'s scale)
     * @return whether some ring is past its low-water mark: the drain should not sleep before its next pass
     */
    boolean beforePass(LongSupplier clock) {
        long nowNanoTime = clock.getAsLong();
        long word = shedding.word(); // after the clock: a change this read misses came after nowNanoTime
        history.confirm(nowNanoTime, word);
        if (word != lastWord) {
            lastWord = word;
            changedAt = nowNanoTime;
        }
        int wanted = 0;
        boolean backlog = false;
        for (EventRing ring : rings) {
            long occupied = ring.currentProducerIndex() - ring.currentConsumerIndex();
            wanted = Math.max(wanted, ThreadShedding.levelFor(occupied, ring.capacity()));
            backlog |= occupied > ring.capacity() >> LOW_WATER_SHIFT;
        }
        int level = ThreadShedding.level(word);
        if (wanted > level) {
            shedding.raiseTo(wanted); // seen by the history at the next read of the word
            calmSince = NOT_CALM;
            return true;
        }
        if (backlog) {
            calmSince = NOT_CALM;
            return true;
        }
        if (calmSince == NOT_CALM) {
            calmSince = nowNanoTime;
        }
        long wait = stepDownAfterNanos(level);
        if (level > 0 && nowNanoTime - calmSince >= wait && nowNanoTime - changedAt >= wait) {
            long lowered = shedding.lower(word);
            if (lowered != 0) {
                long after = clock.getAsLong(); // after the CAS: the higher level lasted at most until here
                long wordAfter = shedding.word();
                history.lowered(nowNanoTime, lowered, after, wordAfter);
                lastWord = wordAfter;
                changedAt = after;
            }
        }
        return false;
    }

    /** How long level {@code level} (at least 1) must have been calm and unchanged before it is lowered. */
    static long stepDownAfterNanos(int level) {
        return STEP_DOWN_AFTER_NANOS >> Math.min(level - 1, MAX_STEP_DOWN_HALVINGS);
    }

    /** Whether threads are shed now (as far as the drain knows): it then sleeps at most a little between passes. */
    boolean shedding() {
        return ThreadShedding.level(lastWord) > 0;
    }
}

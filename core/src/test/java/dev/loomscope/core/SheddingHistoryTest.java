package dev.loomscope.core;

import dev.loomscope.bootstrap.ThreadShedding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history's upper bound of the shed level over time, from what the drain reads and when. */
class SheddingHistoryTest {
    private static final long MS = 1_000_000L;
    private static final long M = SheddingHistory.MARGIN_NANOS;

    private final ThreadShedding shedding = new ThreadShedding();
    private final SheddingHistory history = new SheddingHistory(shedding, 1000 * MS, 600, 0, 0);

    @Test
    void aRaiseIsDatedAtTheDrainsLastLookBeforeIt() {
        history.confirm(10 * MS, shedding.word());
        shedding.raiseTo(2);
        history.observe(shedding.word()); // seen while draining, at 50 ms
        assertEquals(0, history.maxLevel(0, 10 * MS - 1));
        assertEquals(2, history.maxLevel(10 * MS, 10 * MS));
        assertEquals(2, history.maxLevel(0, 60 * MS));
    }

    @Test
    void raisesBetweenTwoLooksAreDatedAtTheFirst() {
        history.confirm(10 * MS, shedding.word());
        shedding.raiseTo(1);
        shedding.raiseTo(3);
        history.confirm(20 * MS, shedding.word()); // one word, level 3: the highest of the interval
        assertEquals(3, history.maxLevel(10 * MS, 11 * MS));
        assertEquals(3, history.levelNow());
    }

    @Test
    void aLoweringIsDatedAfterItsCas() {
        history.confirm(10 * MS, shedding.word());
        shedding.raiseTo(2);
        history.confirm(20 * MS, shedding.word());
        long read = shedding.word();
        long lowered = shedding.lower(read);
        history.lowered(30 * MS, lowered, 31 * MS, shedding.word());
        assertEquals(2, history.maxLevel(31 * MS - 1, 31 * MS - 1));
        assertEquals(1, history.maxLevel(31 * MS, 40 * MS));
    }

    @Test
    void aRaiseRacingALoweringCoversTheLoweringsSpell() {
        history.confirm(10 * MS, shedding.word());
        shedding.raiseTo(2);
        history.confirm(20 * MS, shedding.word());
        long lowered = shedding.lower(shedding.word());
        shedding.raiseTo(4); // a producer, between the drain's CAS and its second look
        history.lowered(30 * MS, lowered, 31 * MS, shedding.word());
        assertEquals(2, history.maxLevel(25 * MS, 29 * MS));
        assertEquals(4, history.maxLevel(30 * MS, 30 * MS), "dated at the clock read before the CAS");
        assertEquals(4, history.levelNow());
    }

    @Test
    void aThreadIsUnbrokenWhenFollowedAtTheHighestLevelOfItsIntervalWidenedByTheMargin() {
        long kept = followedAt(2, true);
        long shedAtTwo = 1;
        while (!shedding.followsAt(shedAtTwo, 1) || shedding.followsAt(shedAtTwo, 2)) {
            shedAtTwo++;
        }
        history.confirm(10 * MS, shedding.word());
        shedding.raiseTo(2);
        history.confirm(20 * MS, shedding.word());
        history.lowered(30 * MS, shedding.lower(shedding.word()), 30 * MS, shedding.word());
        history.lowered(40 * MS, shedding.lower(shedding.word()), 40 * MS, shedding.word());
        assertTrue(history.unbroken(kept, 0, 100 * MS));
        assertFalse(history.unbroken(shedAtTwo, 0, 100 * MS));
        assertTrue(history.unbroken(shedAtTwo, 31 * MS, 39 * MS), "level 1 then");
        assertTrue(history.unbroken(shedAtTwo, 0, 10 * MS - M - 1), "before the raise, with the margin");
        assertFalse(history.unbroken(shedAtTwo, 0, 10 * MS - M), "the margin reaches the raise");
        assertTrue(history.unbroken(shedAtTwo, 40 * MS + M, 100 * MS), "level 0 since 40 ms, with the margin");
        assertEquals(40 * MS + M, history.uncheckedFromSinceOrigin);
    }

    @Test
    void aHistoryLongerThanItsStepsKeepsAnUpperBound() {
        long t = 0;
        for (int i = 0; i < 3 * SheddingHistory.MAX_STEPS; i++) {
            history.confirm(t += MS, shedding.word());
            shedding.raiseTo(i % 7 == 0 ? 5 : 1);
            history.confirm(t += MS, shedding.word());
            while (ThreadShedding.level(shedding.word()) > 0) {
                history.lowered(t, shedding.lower(shedding.word()), t += MS, shedding.word());
            }
        }
        assertEquals(5, history.maxLevel(0, 3 * MS), "the oldest steps merged into their highest level");
        assertEquals(0, history.levelNow());
        assertEquals(5, history.maxLevel(t - 30 * MS, t));
    }

    @Test
    void timeAtEachLevelIsCountedPerWindow() {
        history.confirm(500 * MS, shedding.word());
        shedding.raiseTo(3);
        history.confirm(600 * MS, shedding.word());
        history.lowered(700 * MS, shedding.lower(shedding.word()), 1200 * MS, shedding.word());
        Snapshot.Shedding shed = history.snapshot(1600 * MS);
        assertEquals(1100 * MS, shed.shedNanos(), "level 3 from 500 ms to 1200 ms, level 2 since, up to 1600 ms");
        assertEquals(2, shed.windows().size());
        assertEquals(500_000, shed.windows().get(0).cells()[3]);
        assertEquals(200_000, shed.windows().get(1).cells()[3]);
        assertEquals(400_000, shed.windows().get(1).cells()[2]);
        assertEquals(1, shed.episodes());
        assertEquals(3, shed.maxLevel());
        assertEquals(2, shed.levelNow());
    }

    private long followedAt(int level, boolean followed) {
        for (long id = 1; ; id++) {
            if (shedding.followsAt(id, level) == followed) {
                return id;
            }
        }
    }
}

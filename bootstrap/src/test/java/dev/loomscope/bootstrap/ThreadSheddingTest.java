package dev.loomscope.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadSheddingTest {
    private static final int THREADS = 1 << 16;

    @Test
    void everyThreadIsFollowedUntilTheLevelRises() {
        ThreadShedding shedding = new ThreadShedding();
        assertEquals(0, ThreadShedding.level(shedding.word()));
        for (long id = 1; id <= THREADS; id++) {
            assertTrue(shedding.follows(id));
        }
    }

    @Test
    void levelsNestAndHalveTheFollowedThreads() {
        ThreadShedding shedding = new ThreadShedding();
        for (int level = 0; level < 6; level++) {
            int followed = 0;
            for (long id = 1; id <= THREADS; id++) {
                boolean atLevel = shedding.followsAt(id, level);
                if (shedding.followsAt(id, level + 1)) {
                    assertTrue(atLevel, "thread " + id + " followed at level " + (level + 1) + " but not at " + level);
                }
                followed += atLevel ? 1 : 0;
            }
            double expected = (double) THREADS / (1 << level);
            assertEquals(expected, followed, expected * 0.02, "threads followed at level " + level);
        }
    }

    @Test
    void theHighestLevelFollowsNoThread() {
        ThreadShedding shedding = new ThreadShedding();
        shedding.raiseTo(ThreadShedding.MAX_LEVEL);
        for (long id = 1; id <= THREADS; id++) {
            assertFalse(shedding.follows(id));
        }
    }

    @Test
    void followsReadsTheLevelNow() {
        ThreadShedding shedding = new ThreadShedding();
        shedding.raiseTo(3);
        for (long id = 1; id <= THREADS; id++) {
            assertEquals(shedding.followsAt(id, 3), shedding.follows(id));
        }
    }

    @Test
    void threadSampleIsLevelZeroAndSheddingNestsInsideIt() {
        ThreadShedding shedding = new ThreadShedding();
        shedding.followOneIn(4);
        int followed = 0;
        for (long id = 1; id <= THREADS; id++) {
            followed += shedding.follows(id) ? 1 : 0;
            assertTrue(!shedding.followsAt(id, 1) || shedding.followsAt(id, 0));
        }
        assertEquals(THREADS / 4.0, followed, THREADS / 4.0 * 0.02);
        assertEquals(shedding.belowAt(0) >> 2, shedding.belowAt(2));
    }

    @Test
    void aRaiseNeverLowersAndWritesNothingWhenTheLevelIsThere() {
        ThreadShedding shedding = new ThreadShedding();
        shedding.raiseTo(2);
        long word = shedding.word();
        assertEquals(2, ThreadShedding.level(word));
        shedding.raiseTo(1);
        shedding.raiseTo(2);
        assertEquals(word, shedding.word(), "the word is left as it was");
        shedding.raiseTo(ThreadShedding.MAX_LEVEL + 10);
        assertEquals(ThreadShedding.MAX_LEVEL, ThreadShedding.level(shedding.word()));
    }

    @Test
    void onlyTheWordReadIsLoweredByOneLevel() {
        ThreadShedding shedding = new ThreadShedding();
        shedding.raiseTo(3);
        long read = shedding.word();
        shedding.raiseTo(4); // a producer raises after the drain read the word
        assertEquals(0, shedding.lower(read), "a stale word is not lowered");
        long lowered = shedding.lower(shedding.word());
        assertEquals(3, ThreadShedding.level(lowered));
        assertEquals(lowered, shedding.word());
        assertEquals(shedding.belowAt(3), ThreadShedding.below(lowered));
        assertEquals(0, shedding.lower(shedding.lower(shedding.lower(shedding.lower(lowered)))),
                "level 0 is not lowered");
        assertEquals(0, ThreadShedding.level(shedding.word()));
    }

    @Test
    void everyChangeMakesANewWord() {
        ThreadShedding shedding = new ThreadShedding();
        long before = shedding.word();
        shedding.raiseTo(1);
        long lowered = shedding.lower(shedding.word());
        assertEquals(ThreadShedding.level(before), ThreadShedding.level(lowered));
        assertTrue(before != lowered, "the same level after a raise and a lowering is a new word");
    }

    @Test
    void theLevelOfARingDoublesItsShedEveryTimeItsFreeSpaceHalves() {
        assertEquals(0, ThreadShedding.levelFor(0, 1024));
        assertEquals(0, ThreadShedding.levelFor(512, 1024));
        assertEquals(1, ThreadShedding.levelFor(513, 1024));
        assertEquals(1, ThreadShedding.levelFor(768, 1024));
        assertEquals(2, ThreadShedding.levelFor(769, 1024));
        assertEquals(4, ThreadShedding.levelFor(992, 1024));
        assertEquals(ThreadShedding.MAX_LEVEL, ThreadShedding.levelFor(993, 1024),
                "fewer than two probes of 16 claims free");
        assertEquals(ThreadShedding.MAX_LEVEL, ThreadShedding.levelFor(1024, 1024));
        assertEquals(5, ThreadShedding.levelFor(32768 - 600, 32768));
        assertEquals(ThreadShedding.MAX_LEVEL, ThreadShedding.levelFor(32768 - 511, 32768));
    }
}

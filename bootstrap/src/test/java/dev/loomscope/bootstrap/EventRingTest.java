package dev.loomscope.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventRingTest {

    @Test
    void recordsComeOutInOrderWithEveryField() {
        EventRing ring = new EventRing(8);
        assertTrue(ring.offer(100, EventKind.MOUNT, 42, 7));
        assertTrue(ring.offer(200, EventKind.END, 43, 8));
        List<List<Long>> seen = new ArrayList<>();
        assertEquals(2, ring.drain((ts, kind, thread, arg) -> seen.add(List.of(ts, (long) kind, thread, arg)), 100));
        assertEquals(List.of(List.of(100L, (long) EventKind.MOUNT, 42L, 7L),
                List.of(200L, (long) EventKind.END, 43L, 8L)), seen);
        assertEquals(0, ring.drain((ts, kind, thread, arg) -> { }, 100));
    }

    @Test
    void fullRingDropsAndCountsByKindInsteadOfWaiting() {
        EventRing ring = new EventRing(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(ring.offer(i, EventKind.BLOCK, 1, 0));
        }
        assertFalse(ring.offer(4, EventKind.BLOCK, 1, 0));
        assertFalse(ring.offer(5, EventKind.SUBMIT, 1, 0));
        assertEquals(1, ring.dropped(EventKind.BLOCK));
        assertEquals(1, ring.dropped(EventKind.SUBMIT));
        assertEquals(4, ring.drain((ts, kind, thread, arg) -> { }, 100));
        assertTrue(ring.offer(6, EventKind.BLOCK, 1, 0), "a drained slot is free again");
    }

    @Test
    void aFillingRingShedsThreadsBeforeItDropsAnything() {
        ThreadShedding shedding = new ThreadShedding();
        EventRing ring = new EventRing(1024, shedding);
        int offered = 0;
        while (ThreadShedding.level(shedding.word()) == 0) {
            assertTrue(ring.offer(offered, EventKind.BLOCK, 1, 0));
            offered++;
        }
        // the first probe past half full (one in 16 claims for this ring) raised the level
        assertTrue(offered > 512 && offered <= 512 + EventRing.probeEvery(1024) + 1, "raised after " + offered);
        assertEquals(0, ring.dropped(EventKind.BLOCK));
        while (offered < 1024) {
            assertTrue(ring.offer(offered, EventKind.BLOCK, 1, 0));
            offered++;
        }
        // the last probes, at index 992 and 1008, saw fewer than two probes' worth of claims free: shed all
        assertEquals(ThreadShedding.MAX_LEVEL, ThreadShedding.level(shedding.word()));
        assertEquals(0, ring.dropped(EventKind.BLOCK));
        assertFalse(ring.offer(offered, EventKind.BLOCK, 1, 0), "shedding does not make room: the ring drops");
    }

    @Test
    void aRingThatTheDrainKeepsBelowHalfFullNeverSheds() {
        ThreadShedding shedding = new ThreadShedding();
        EventRing ring = new EventRing(1024, shedding);
        for (int i = 0; i < 100_000; i++) {
            ring.offer(i, EventKind.MOUNT, 1, 0);
            if (i % 500 == 0) {
                ring.drain((ts, kind, thread, arg) -> { }, 1024);
            }
        }
        assertEquals(0, ThreadShedding.level(shedding.word()));
    }

    @Test
    void aRecordDroppedByAFullRingAsksForTheHighestLevel() {
        ThreadShedding shedding = new ThreadShedding();
        EventRing ring = new EventRing(1024, shedding);
        for (int i = 0; i < 1024; i++) {
            ring.offer(i, EventKind.MOUNT, 1, 0);
        }
        while (ThreadShedding.level(shedding.word()) > 0) {
            shedding.lower(shedding.word()); // a drain that lowered the level too soon
        }
        assertFalse(ring.offer(1024, EventKind.MOUNT, 1, 0));
        assertEquals(ThreadShedding.MAX_LEVEL, ThreadShedding.level(shedding.word()));
    }

    @Test
    void drainStopsAtTheLimitAndResumesWhereItStopped() {
        EventRing ring = new EventRing(16);
        for (int i = 0; i < 10; i++) {
            ring.offer(i, EventKind.MOUNT, i + 1, 0);
        }
        List<Long> timestamps = new ArrayList<>();
        assertEquals(4, ring.drain((ts, kind, thread, arg) -> timestamps.add(ts), 4));
        assertEquals(6, ring.drain((ts, kind, thread, arg) -> timestamps.add(ts), 100));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), timestamps);
    }

    @Test
    void drainingUpToTheProducerIndexReadAtTheStartEndsWhileAProducerKeepsRefilling() throws Exception {
        EventRing ring = new EventRing(1024);
        for (int i = 0; i < 1000; i++) {
            ring.offer(i, EventKind.MOUNT, 1, 0);
        }
        // what a dump does: read where the producers stand, then take only what lies below it
        long end = ring.currentProducerIndex();
        assertEquals(1000, end);
        CountDownLatch producing = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            long timestamp = 1000;
            producing.countDown();
            while (!Thread.currentThread().isInterrupted()) {
                ring.offer(timestamp++, EventKind.BLOCK, 2, 0);
            }
        });
        producer.start();
        producing.await();
        List<Integer> kinds = new ArrayList<>();
        long backlog = end - ring.currentConsumerIndex();
        while (backlog > 0) {
            int drained = ring.drain((ts, kind, thread, arg) -> kinds.add(kind), (int) Math.min(64, backlog));
            backlog -= drained;
        }
        producer.interrupt();
        producer.join();
        assertEquals(1000, kinds.size(), "exactly what was recorded before the start");
        assertTrue(kinds.stream().allMatch(kind -> kind == EventKind.MOUNT), "nothing recorded after it");
        assertEquals(end, ring.currentConsumerIndex());
    }

    @Test
    void threadIdKeepsItsLow56BitsNextToTheKind() {
        EventRing ring = new EventRing(2);
        long largeId = (1L << 55) + 12345;
        ring.offer(1, EventKind.END, largeId, -1);
        long[] seen = new long[3];
        ring.drain((ts, kind, thread, arg) -> {
            seen[0] = kind;
            seen[1] = thread;
            seen[2] = arg;
        }, 1);
        assertEquals(EventKind.END, seen[0]);
        assertEquals(largeId, seen[1]);
        assertEquals(-1, seen[2]);
    }

    /**
     * Conservation under contention: with producers racing each other and the consumer, every offer is either
     * consumed exactly once or counted as dropped, and each producer's records stay in its own order.
     */
    @Test
    void concurrentProducersLoseNothingUncountedAndKeepPerProducerOrder() throws Exception {
        EventRing ring = new EventRing(1024);
        int producers = 4;
        int perProducer = 200_000;
        long[] accepted = new long[producers];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    if (ring.offer(i, EventKind.SUBMIT, producer + 1, i)) {
                        accepted[producer]++;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        long[] consumed = new long[producers];
        long[] lastSequence = {-1, -1, -1, -1};
        boolean[] outOfOrder = {false};
        EventSink sink = (ts, kind, thread, arg) -> {
            int producer = (int) thread - 1;
            consumed[producer]++;
            if (arg <= lastSequence[producer]) {
                outOfOrder[0] = true;
            }
            lastSequence[producer] = arg;
        };
        start.countDown();
        while (threads.stream().anyMatch(Thread::isAlive)) {
            ring.drain(sink, 512);
        }
        for (Thread t : threads) {
            t.join(); // also makes accepted[] visible
        }
        while (ring.drain(sink, 512) > 0) {
            // empty the rest
        }
        long totalConsumed = 0;
        for (int p = 0; p < producers; p++) {
            assertEquals(accepted[p], consumed[p], "producer " + p);
            totalConsumed += consumed[p];
        }
        assertEquals((long) producers * perProducer, totalConsumed + ring.dropped(EventKind.SUBMIT));
        assertFalse(outOfOrder[0], "records of one producer came out of order");
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new EventRing(1000));
    }
}

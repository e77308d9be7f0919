package dev.loomscope.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScopeTableTest {

    @Test
    void putGetRemoveAndZeroRemoves() {
        ScopeTable table = new ScopeTable(64);
        assertEquals(0, table.get(7));
        assertTrue(table.put(7, 42));
        assertEquals(42, table.get(7));
        assertTrue(table.put(7, 43));
        assertEquals(43, table.get(7));
        assertTrue(table.put(7, 0));
        assertEquals(-1, table.slotOf(7), "a value of 0 frees the slot");
        assertTrue(table.put(8, 5));
        assertEquals(5, table.remove(8));
        assertEquals(0, table.remove(8));
    }

    /** With one bucket, the ninth thread is refused and nothing it had is stored; a freed slot is reused. */
    @Test
    void aFullBucketRefusesTheInsertAndAFreedSlotIsReused() {
        ScopeTable table = new ScopeTable(ScopeTable.BUCKET);
        for (long id = 1; id <= ScopeTable.BUCKET; id++) {
            assertTrue(table.put(id, id * 10));
        }
        assertFalse(table.put(100, 1));
        assertEquals(0, table.get(100));
        assertEquals(30, table.remove(3));
        assertTrue(table.put(100, 1));
        assertEquals(1, table.get(100));
        for (long id = 1; id <= ScopeTable.BUCKET; id++) {
            assertEquals(id == 3 ? 0 : id * 10, table.get(id), "id " + id);
        }
    }

    /** Threads claiming and freeing slots of shared buckets at once never see each other's values. */
    @Test
    void concurrentOwnersKeepTheirOwnValues() throws Exception {
        ScopeTable table = new ScopeTable(256);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            long base = 1 + t * 1_000_000L;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 0; i < 100_000; i++) {
                    long id = base + (i % 16);
                    if (table.put(id, id * 3)) {
                        if (table.get(id) != id * 3) {
                            errors.add("id " + id + " read " + table.get(id));
                        }
                        table.remove(id);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(List.of(), errors);
    }
}

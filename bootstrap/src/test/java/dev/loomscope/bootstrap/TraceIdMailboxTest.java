package dev.loomscope.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TraceIdMailboxTest {

    @Test
    void aTraceIdIsReadByItsHandleAnyNumberOfTimesUntilOverwritten() {
        TraceIdMailbox mailbox = new TraceIdMailbox(4, 40);
        long a = mailbox.publish("a");
        assertNotEquals(0, a);
        assertEquals("a", mailbox.read(a));
        assertEquals("a", mailbox.read(a), "reading does not remove");
        List<Long> later = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            later.add(mailbox.publish("t" + i));
        }
        assertNull(mailbox.read(a), "four trace ids later its slot holds another");
        assertEquals("t3", mailbox.read(later.get(3)));
        assertNull(mailbox.read(12345), "never written");
    }

    /** Handles stay within their bits and are never 0, also after the sequence passes the handle's range. */
    @Test
    void handlesFitTheirBitsAndAreNeverZero() {
        TraceIdMailbox mailbox = new TraceIdMailbox(2, 3);
        for (int i = 0; i < 20; i++) {
            long handle = mailbox.publish("id" + i);
            assertNotEquals(0, handle);
            assertEquals(0, handle >>> 3, "handle " + handle);
            assertEquals("id" + i, mailbox.read(handle));
        }
    }

    /** Under concurrent writers a handle reads as its own trace id or as lost, never as another's. */
    @Test
    void concurrentWritersNeverHandOutAnotherOnesTraceId() throws Exception {
        TraceIdMailbox mailbox = new TraceIdMailbox(16, 40);
        CountDownLatch start = new CountDownLatch(1);
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        ConcurrentHashMap<String, Boolean> readBack = new ConcurrentHashMap<>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int writer = t;
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50_000; i++) {
                    String id = writer + "-" + i;
                    long handle = mailbox.publish(id);
                    if (handle != 0) {
                        String read = mailbox.read(handle);
                        if (read != null && !read.equals(id)) {
                            wrong.add(id + " read as " + read);
                        } else if (read != null) {
                            readBack.put(id, true);
                        }
                    }
                }
            }));
        }
        start.countDown();
        for (Thread w : writers) {
            w.join();
        }
        assertEquals(List.of(), wrong);
        assertNotEquals(0, readBack.size());
    }
}

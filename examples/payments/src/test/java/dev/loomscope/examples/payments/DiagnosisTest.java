package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiagnosisTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String diagnose(String dump, List<String> app) throws Exception {
        JsonNode node = JSON.readTree(dump);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Diagnosis(node, app).print("dump.json", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static final String EMPTY = """
            {"schema":"loomscope/1","jvm":{"pid":42,"javaVersion":"25"},
             "recording":{"trigger":"exit","durationNs":2000000000},
             "counts":{"created":3,"blocks":0,"pinnedBlocks":0,"dropped":0},
             "latencies":{"wakeToRun":{"count":0,"p50":0,"p99":0,"p999":0,"max":0}},
             "sites":{"sampleEvery":10,"block":[],"pinned":[]},
             "leaks":{"thresholdNs":5000000000,"clusters":[]},
             "longSlices":{"thresholdNs":20000000,"count":0,"longest":[]}}
            """;

    @Test
    void emptySectionsSayNone() throws Exception {
        String out = diagnose(EMPTY, List.of());
        assertTrue(out.contains("exit dump after 2.00 s of Java 25 (pid 42): 3 virtual threads created"), out);
        assertEquals(4, out.split("\n  none", -1).length - 1, out);
        assertTrue(out.contains("Leaks (virtual threads blocked for 5.00 s or more at the dump)"), out);
    }

    @Test
    void sitesAreNamedByTheirInnermostApplicationFrameAndWhatItCalled() throws Exception {
        String dump = EMPTY.replace("\"block\":[]", """
                "block":[{"count":7,"kinds":{"park":7},"blocked":{"count":7,"totalNs":3000000000,"p99Ns":900000000},
                  "frames":["java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)",
                            "java.util.concurrent.locks.ReentrantLock.lock(ReentrantLock.java:323)",
                            "com.example.shop.Orders.place(Orders.java:40)",
                            "com.example.shop.Api.handle(Api.java:12)"]},
                 {"count":2,"kinds":{"park":2},"blocked":{"count":2,"totalNs":1000000000,"p99Ns":800000000},
                  "frames":["java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)",
                            "java.util.concurrent.locks.ReentrantLock.lock(ReentrantLock.java:323)",
                            "com.example.shop.Orders.place(Orders.java:40)",
                            "com.example.shop.Batch.run(Batch.java:5)"]}]""")
                .replace("\"clusters\":[]", """
                "clusters":[{"threads":120,"oldestBlockedNs":9000000000,"kinds":{"park":120},
                  "frames":["java.util.concurrent.locks.LockSupport.park(LockSupport.java:371)",
                            "java.util.concurrent.ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)",
                            "com.example.lib.Outbox.offer(Outbox.java:9)",
                            "com.example.shop.Notify.send(Notify.java:20)"]}]""")
                .replace("\"longest\":[]", """
                "longest":[{"durationNs":61000000,"ongoing":false,
                  "frames":["sun.security.provider.SHA2.implCompress(SHA2.java:1)",
                            "com.example.shop.Fraud.score(Fraud.java:58)"]},
                 {"durationNs":30000000,"ongoing":true,"frames":null}]""");
        String out = diagnose(dump, List.of());
        // The two stacks share their innermost application frame: one line, counts and totals added.
        assertTrue(out.contains("1. Orders.place(Orders.java:40)  park  9 blocks  total 4.00 s  p99 900.0 ms"
                + "  via ReentrantLock.lock"), out);
        assertTrue(out.contains("1. 120 threads at Outbox.offer(Outbox.java:9)  park  oldest blocked 9.00 s"
                + "  via ArrayBlockingQueue.put"), out);
        assertTrue(out.contains("1. 61.0 ms at Fraud.score(Fraud.java:58)"), out);
        assertTrue(out.contains("2. 30.0 ms (still running) at (stack not sampled)"), out);

        // With an application package, library frames are skipped.
        String app = diagnose(dump, List.of("com.example.shop."));
        assertTrue(app.contains("1. 120 threads at Notify.send(Notify.java:20)  park  oldest blocked 9.00 s"
                + "  via Outbox.offer"), app);
    }

    @Test
    void blocksStillGoingOnAtTheDumpAreSaidToBe() throws Exception {
        String dump = EMPTY.replace("\"block\":[]", """
                "block":[{"count":5,"kinds":{"park":5},"blocked":{"count":2,"totalNs":2000000,"p99Ns":1000000},
                  "frames":["java.util.concurrent.ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)",
                            "com.example.Outbox.offer(Outbox.java:9)"]}]""");
        String out = diagnose(dump, List.of());
        assertTrue(out.contains("1. Outbox.offer(Outbox.java:9)  park  5 blocks (3 still blocked)  total 2.00 ms"), out);
    }

    @Test
    void shortFrames() {
        assertEquals("ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)",
                Diagnosis.shortFrame("java.util.concurrent.ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)"));
        assertEquals("AbstractQueuedSynchronizer$ConditionNode.block", Diagnosis.shortMethod(
                "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionNode.block(AbstractQueuedSynchronizer.java:520)"));
        assertEquals("850 ns", Diagnosis.duration(850));
        assertEquals("12.3 µs", Diagnosis.duration(12_300));
        assertEquals("4.56 ms", Diagnosis.duration(4_560_000));
        assertEquals("1.23 s", Diagnosis.duration(1_230_000_000));
    }
}

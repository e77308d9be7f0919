package dev.loomscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.loomscope.report.TestDumps.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diff of runs of different length: counts per second beside the totals, and the sites of both runs side by side. */
class DiffCommandTest {
    private static final String PLACE = "com.example.shop.Orders.place(Orders.java:40)";
    private static final String DELIVER = "com.example.shop.Outbox.deliver(Outbox.java:30)";

    @TempDir
    Path dir;

    /** A run of {@code seconds} with {@code created} threads and the block sites given as [frame, count, total ms]. */
    private static ObjectNode run(long pid, long seconds, long created, Object[]... blockSites) {
        ObjectNode d = TestDumps.dump(pid);
        ((ObjectNode) d.get("recording")).put("durationNs", seconds * 1_000 * MS);
        ((ObjectNode) d.get("counts")).put("created", created).put("ended", created);
        TestDumps.latency(d, "wakeToRun", TestDumps.add(TestDumps.histogram(), MS, 1_000));
        TestDumps.latency(d, "blocked", TestDumps.add(TestDumps.histogram(), 10 * MS, 100));
        TestDumps.latency(d, "startDelay", TestDumps.add(TestDumps.histogram(), MS, 100));
        ObjectNode sites = d.putObject("sites");
        sites.put("sampleEvery", 10).put("samples", 0).put("samplesLost", 0).put("distinctStacks", blockSites.length);
        sites.putArray("create");
        ArrayNode block = sites.putArray("block");
        for (Object[] site : blockSites) {
            long count = (Long) site[1];
            ObjectNode entry = block.addObject().put("count", count);
            entry.putObject("kinds").put("park", count);
            entry.putObject("blocked").put("count", count).put("totalNs", (Long) site[2] * MS).put("p99Ns", 20 * MS);
            entry.putArray("frames").add("java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)")
                    .add((String) site[0]);
        }
        sites.putArray("wake");
        sites.putArray("pinned");
        return d;
    }

    private String diff(ObjectNode a, ObjectNode b) throws Exception {
        return DiffCommand.table(TestDumps.write(dir, "a.json", a), TestDumps.write(dir, "b.json", b),
                MetricSelection.parse(MetricSelection.DEFAULT_METRICS, MetricSelection.DEFAULT_PERCENTILES), 10);
    }

    private static String row(String md, String first) {
        return md.lines().filter(line -> line.startsWith("| " + first + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + first + " in\n" + md));
    }

    private static List<String> cells(String row) {
        return List.of(row.substring(1, row.length() - 1).split("\\|")).stream().map(String::strip).toList();
    }

    @Test
    void countsOfRunsOfDifferentLengthCompareBySecond() throws Exception {
        // B ran twice as long and created four times as many threads: twice the rate.
        String md = diff(run(1, 10, 100), run(2, 20, 400));
        assertEquals(List.of("count", "A", "B", "B/A", "A per s", "B per s", "B/A per s"),
                cells(md.lines().filter(l -> l.startsWith("| count ")).findFirst().orElseThrow()));
        assertEquals(List.of("counts.created", "100", "400", "4.00x", "10.0", "20.0", "2.00x"),
                cells(row(md, "counts.created")));
        assertEquals(List.of("recording duration", "10 s", "20 s", "2.00x", "", "", ""),
                cells(row(md, "recording duration")));
        assertTrue(md.contains("The runs differ in length: compare counts per second"), md);
    }

    @Test
    void aRunThatShedThreadsSaysSoUnderTheTables() throws Exception {
        ObjectNode shed = run(2, 10, 100);
        ((ObjectNode) shed.get("recorder")).putObject("shedding").put("levelNow", 0).put("maxLevel", 3)
                .put("episodes", 2).put("shedNs", 2_500 * MS).put("historiesForgotten", 40)
                .put("creationsCounted", 12).put("columns", "shed level L").putArray("windows");
        String md = diff(run(1, 10, 100), shed);
        assertTrue(md.contains("\nB: threads shed for 2.5 s in 2 episodes, down to 1 in 8 followed; creations, ends"
                + " and live threads are exact;"), md);
        assertFalse(md.contains("\nA: threads shed"), md);
        assertFalse(diff(run(1, 10, 100), run(2, 10, 100)).contains("threads shed"));
    }

    @Test
    void sitesAreMatchedByStackAndComparedPerSecond() throws Exception {
        String md = diff(run(1, 10, 100, new Object[]{PLACE, 10L, 1_000L}),
                run(2, 20, 400, new Object[]{PLACE, 20L, 4_000L}, new Object[]{DELIVER, 40L, 800L}));
        assertTrue(md.contains("\n### Block sites (time: blocked)\n"), md);
        assertEquals(List.of("site", "A count/s", "B count/s", "A time/s", "B time/s", "B/A", "A p99", "B p99"),
                cells(md.lines().filter(l -> l.startsWith("| site ")).findFirst().orElseThrow()));
        // A: 10 blocks, 1 s blocked in 10 s; B: 20 blocks, 4 s in 20 s. Per second: the same count, twice the time.
        assertEquals(List.of("Orders.place(Orders.java:40) via LockSupport.park", "1.00", "1.00", "100 ms", "200 ms",
                "2.00x", "20 ms ~", "20 ms ~"), cells(row(md, "Orders.place(Orders.java:40)")));
        assertEquals(List.of("Outbox.deliver(Outbox.java:30) via LockSupport.park", "-", "2.00", "-", "40 ms", "-",
                "-", "20 ms ~"), cells(row(md, "Outbox.deliver(Outbox.java:30)")));
        assertTrue(md.indexOf("Orders.place") < md.indexOf("Outbox.deliver"), "most time per second first");
        assertTrue(md.contains("(sampleEvery 10 in both)"), md);
        assertFalse(md.contains("### Wake sites"), "no table for lists both runs have empty");
    }

    /**
     * Operations are matched by name: payments got worse in B (p99 1 ms → 40 ms), health stayed; an operation of one
     * run only is shown with "-" for the other; the worst p99 of either run first; threads per second of recording.
     */
    @Test
    void operationsAreComparedByName() throws Exception {
        ObjectNode a = run(1, 10, 100);
        TestDumps.withOperation(a, "GET /health", MS / 10, 2_000, MS / 10, "h", "app.H.h(H.java:1)");
        TestDumps.withOperation(a, "POST /payments", MS, 2_000, MS, "p", "app.P.p(P.java:1)");
        ObjectNode b = run(2, 20, 400);
        TestDumps.withOperation(b, "POST /payments", 40 * MS, 2_000, 40 * MS, "p", "app.P.p(P.java:1)");
        TestDumps.withOperation(b, "GET /health", MS / 10, 2_000, MS / 10, "h", "app.H.h(H.java:1)");
        TestDumps.withOperation(b, "GET /new", MS, 10, MS, "n", "app.N.n(N.java:1)");
        String md = diff(a, b);
        assertTrue(md.contains("\n### Operations\n"), md);
        List<String> operationRows = md.lines().filter(l -> l.startsWith("| POST /payments ")
                || l.startsWith("| GET /health ") || l.startsWith("| GET /new ")).toList();
        assertTrue(operationRows.get(0).startsWith("| POST /payments "), "the worst p99 first: " + operationRows);
        List<String> p99 = md.lines().filter(l -> l.startsWith("| POST /payments ") && l.contains("wakeToRun p99"))
                .map(DiffCommandTest::cells).findFirst().orElseThrow();
        assertEquals(List.of("POST /payments", "wakeToRun p99", "1 ms", "40 ms", "40.0x"), p99);
        List<String> threads = md.lines().filter(l -> l.startsWith("| POST /payments ") && l.contains("threads"))
                .map(DiffCommandTest::cells).findFirst().orElseThrow();
        assertEquals(List.of("POST /payments", "threads per s", "200", "100", "0.50x"), threads,
                "2,000 threads in 10 s, then in 20 s");
        List<String> onlyB = md.lines().filter(l -> l.startsWith("| GET /new ") && l.contains("wakeToRun p50"))
                .map(DiffCommandTest::cells).findFirst().orElseThrow();
        assertEquals("-", onlyB.get(2));
        assertTrue(onlyB.get(3).endsWith("~"), "10 wakes: too few to judge p50 " + onlyB);
    }

    @Test
    void noSiteTablesWhenAskedForNone() throws Exception {
        String md = DiffCommand.table(TestDumps.write(dir, "a.json", run(1, 10, 1, new Object[]{PLACE, 1L, 1L})),
                TestDumps.write(dir, "b.json", run(2, 10, 1)),
                MetricSelection.parse(MetricSelection.DEFAULT_METRICS, MetricSelection.DEFAULT_PERCENTILES), 10, 0, 0);
        assertFalse(md.contains("### "), md);
        assertFalse(md.contains("The runs differ in length"), "same length: " + md);
    }
}

package dev.loomscope.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.report.CheckResult.Kind;
import dev.loomscope.report.CheckResult.Status;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.loomscope.report.TestDumps.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** check's verdicts on hand-made distributions whose percentiles are known by construction. */
class RegressionCheckTest {
    @TempDir
    Path dir;

    /** 2,000 samples: 98 % at {@code body}, 2 % at {@code tail}, so p50 = body and p99 = tail. */
    private static Histogram twoLevels(long body, long tail) {
        return TestDumps.add(TestDumps.add(TestDumps.histogram(), body, 1_960), tail, 40);
    }

    private Dump dump(String name, long pid, Histogram wakeToRun) throws Exception {
        ObjectNode json = TestDumps.dump(pid);
        TestDumps.latency(json, "wakeToRun", wakeToRun);
        return TestDumps.write(dir, name, json);
    }

    private static CheckCriteria wakeToRun(String percentiles) {
        CheckCriteria d = CheckCriteria.defaults();
        return new CheckCriteria(MetricSelection.parse("wakeToRun", percentiles), d.thresholds(), d.budgets(),
                d.minDeltaNanos(), d.tail(), false, false);
    }

    private static CheckResult only(RegressionCheck.Report report, String id) {
        return report.results().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aRunPassesAgainstItself() throws Exception {
        Dump base = dump("base.json", 1, twoLevels(200_000, 20 * MS));
        RegressionCheck.Report report = RegressionCheck.run(base, base, wakeToRun("p50,p99"));
        assertFalse(report.failed());
        assertEquals(2, report.count(Status.PASS));
        assertEquals("+0.0%", only(report, "wakeToRun.p99").change());
    }

    @Test
    void aTailRegressionBeyondLimitAndFloorFails() throws Exception {
        Dump base = dump("base.json", 1, twoLevels(200_000, 20 * MS));
        Dump cur = dump("cur.json", 2, twoLevels(200_000, 100 * MS));
        RegressionCheck.Report report = RegressionCheck.run(base, cur, wakeToRun("p50,p99"));
        assertTrue(report.failed());
        assertEquals(Status.PASS, only(report, "wakeToRun.p50").status());
        CheckResult p99 = only(report, "wakeToRun.p99");
        assertEquals(Status.FAIL, p99.status());
        assertEquals(Kind.REGRESSION, p99.kind());
        assertTrue(p99.message().startsWith("wakeToRun.p99 regressed: 100 ms vs 20 ms baseline"), p99.message());
        // HdrHistogram's values are equivalent within 3 significant digits: 100 ms / 20 ms is 4.999.. here.
        assertTrue(p99.change().matches("\\+(399\\.9|400\\.0)%"), p99.change());
    }

    @Test
    void aRelativeRegressionBelowTheMinimumDeltaPasses() throws Exception {
        // p50 triples, but from 0.2 ms to 0.6 ms: under the 1 ms floor.
        Dump base = dump("base.json", 1, twoLevels(200_000, 20 * MS));
        Dump cur = dump("cur.json", 2, twoLevels(600_000, 20 * MS));
        CheckResult p50 = only(RegressionCheck.run(base, cur, wakeToRun("p50")), "wakeToRun.p50");
        assertEquals(Status.PASS, p50.status());
        assertTrue(p50.message().contains("less than the 1 ms floor"), p50.message());
        CheckCriteria d = wakeToRun("p50");
        CheckCriteria noFloor = new CheckCriteria(d.selection(), d.thresholds(), d.budgets(), 100_000, d.tail(),
                false, false);
        assertEquals(Status.FAIL, only(RegressionCheck.run(base, cur, noFloor), "wakeToRun.p50").status());
    }

    @Test
    void aRegressionWithinTheLimitPasses() throws Exception {
        Dump base = dump("base.json", 1, twoLevels(200_000, 20 * MS));
        Dump cur = dump("cur.json", 2, twoLevels(200_000, 23 * MS)); // +15 % < +20 %
        assertEquals(Status.PASS, only(RegressionCheck.run(base, cur, wakeToRun("p99")), "wakeToRun.p99").status());
        CheckCriteria d = wakeToRun("p99");
        CheckCriteria strict = new CheckCriteria(d.selection(), Thresholds.parse("p99=10%"), d.budgets(),
                d.minDeltaNanos(), d.tail(), false, false);
        assertEquals(Status.FAIL, only(RegressionCheck.run(base, cur, strict), "wakeToRun.p99").status());
    }

    @Test
    void tooFewSamplesAreSkippedWhateverTheValues() throws Exception {
        // 500 samples: enough for p50 (20) but not for p99 (1000), in either run.
        Histogram few = TestDumps.add(TestDumps.add(TestDumps.histogram(), 200_000, 490), 20 * MS, 10);
        Histogram fewAndBad = TestDumps.add(TestDumps.add(TestDumps.histogram(), 200_000, 490), 900 * MS, 10);
        RegressionCheck.Report report = RegressionCheck.run(dump("a.json", 1, few), dump("b.json", 2, fewAndBad),
                wakeToRun("p50,p99,p999"));
        assertFalse(report.failed(), "p99 went from 20 ms to 900 ms, on 10 samples: noise, not judged");
        assertEquals(Status.PASS, only(report, "wakeToRun.p50").status());
        CheckResult p99 = only(report, "wakeToRun.p99");
        assertEquals(Status.SKIP, p99.status());
        assertEquals("too few samples: p99 needs 1000 per run, baseline has 500, current 500", p99.message());
        assertEquals(Status.SKIP, only(report, "wakeToRun.p999").status());

        // Enough in the current run is not enough: the baseline must have them too.
        report = RegressionCheck.run(dump("a.json", 1, few), dump("c.json", 3, twoLevels(200_000, 900 * MS)),
                wakeToRun("p99"));
        assertEquals(Status.SKIP, only(report, "wakeToRun.p99").status());
    }

    @Test
    void nothingJudgedIsSaidInANote() throws Exception {
        Histogram one = TestDumps.add(TestDumps.histogram(), MS, 1);
        RegressionCheck.Report report = RegressionCheck.run(dump("a.json", 1, one), dump("b.json", 2, one),
                wakeToRun("p50"));
        assertFalse(report.failed());
        assertEquals(List.of("no percentile had enough samples to be judged: nothing was compared with the baseline"),
                report.notes());
    }

    /**
     * A run that shed threads is judged as usual (its latencies come from whole histories of the threads followed), and
     * the output says that it shed, and that the windows it shed weigh less in its distributions.
     */
    @Test
    void aShedRunIsJudgedAndSaidToHaveShed() throws Exception {
        ObjectNode json = TestDumps.dump(2);
        TestDumps.latency(json, "wakeToRun", twoLevels(200_000, 100 * MS));
        ((ObjectNode) json.get("recorder")).putObject("shedding").put("levelNow", 1).put("maxLevel", 2)
                .put("episodes", 1).put("shedNs", 2_500 * MS).put("historiesForgotten", 3).put("creationsCounted", 0)
                .put("columns", "shed")
                .set("windows", TestDumps.rows(TestDumps.row(1_700_000_002_000L, 1000, 0, 2, 1_000_000)));
        Dump cur = TestDumps.write(dir, "cur.json", json);
        Dump base = dump("base.json", 1, twoLevels(200_000, 20 * MS));
        RegressionCheck.Report report = RegressionCheck.run(base, cur, wakeToRun("p99"));
        assertTrue(report.failed(), "judged");
        assertEquals(List.of("current: threads shed for 2.5 s in 1 episode, down to 1 in 4 followed (1 in 2 at the"
                + " dump) (recorder.shedding): its distributions are those of the threads followed, judged as usual,"
                + " with the shed windows weighing less in them"), report.notes());
        assertTrue(CheckCommand.markdown(base, cur, report, wakeToRun("p99")).contains("- note: current: threads"
                + " shed for 2.5 s"));
    }

    @Test
    void fromAZeroBaselineAnyIncreaseBeyondTheFloorIsARegression() throws Exception {
        Dump base = dump("base.json", 1, TestDumps.add(TestDumps.histogram(), 0, 100));
        Dump cur = dump("cur.json", 2, TestDumps.add(TestDumps.histogram(), 5 * MS, 100));
        CheckResult p50 = only(RegressionCheck.run(base, cur, wakeToRun("p50")), "wakeToRun.p50");
        assertEquals(Status.FAIL, p50.status());
        assertEquals("new", p50.change());
    }

    @Test
    void budgetsJudgeTheCurrentRunAlone() throws Exception {
        Dump base = dump("base.json", 1, twoLevels(200_000, 100 * MS));
        CheckCriteria d = wakeToRun("p50");
        CheckCriteria budgets = new CheckCriteria(d.selection(), d.thresholds(),
                Budget.parseAll("wakeToRun.p99=50ms,wakeToRun.p50=1ms,wakeToRun.p9999=1ms"), d.minDeltaNanos(),
                d.tail(), false, false);
        RegressionCheck.Report report = RegressionCheck.run(base, base, budgets);
        List<CheckResult> results = report.results().stream().filter(r -> r.kind() == Kind.BUDGET).toList();
        assertEquals(List.of(Status.FAIL, Status.PASS, Status.SKIP),
                results.stream().map(CheckResult::status).toList());
        assertTrue(results.get(0).message().contains("over its budget of 50 ms"), results.get(0).message());
        assertTrue(report.failed());
    }

    /**
     * A budget per operation judges that operation's own distribution: payments (p99 40 ms in 2,000 wakes) is over
     * 20 ms while the JVM's whole p99 is not looked at; health is within; an operation with too few wakes is skipped;
     * a name the dump does not have is unusable input, naming the ones it has.
     */
    @Test
    void operationBudgetsJudgeThatOperationAlone() throws Exception {
        ObjectNode json = TestDumps.dump(3);
        TestDumps.withOperation(json, "POST /payments", MS, 2_000, 40 * MS, "t", "app.Pay.charge(Pay.java:1)");
        TestDumps.withOperation(json, "GET /health, v1.2", MS / 10, 2_000, MS, "h", "app.Health.ping(H.java:1)");
        TestDumps.withOperation(json, "GET /rare", MS, 50, 90 * MS, "r", "app.X.y(X.java:1)");
        // payments: 1,999 wakes at 1 ms, one at 40 ms: p99 is 1 ms, p999 40 ms
        Dump cur = TestDumps.write(dir, "ops.json", json);
        CheckCriteria d = wakeToRun("p50");
        CheckCriteria budgets = new CheckCriteria(d.selection(), d.thresholds(), Budget.parseAll(
                "op[POST /payments].wakeToRun.p99=500us,op[GET /health, v1.2].wakeToRun.p99=1ms,"
                        + "op[GET /rare].wakeToRun.p99=1ms"), d.minDeltaNanos(), d.tail(), false, false);
        RegressionCheck.Report report = RegressionCheck.run(null, cur, budgets);
        assertEquals(List.of("op[POST /payments].wakeToRun.p99", "op[GET /health, v1.2].wakeToRun.p99",
                "op[GET /rare].wakeToRun.p99"), report.results().stream().map(CheckResult::id).toList());
        assertEquals(List.of(Status.FAIL, Status.PASS, Status.SKIP),
                report.results().stream().map(CheckResult::status).toList());
        assertTrue(report.results().get(0).message().contains("over its budget of 500 µs")
                || report.results().get(0).message().contains("over its budget of 500 us"),
                report.results().get(0).message());

        CheckCriteria typo = new CheckCriteria(d.selection(), d.thresholds(),
                Budget.parseAll("op[POST /payment].wakeToRun.p99=1ms"), d.minDeltaNanos(), d.tail(), false, false);
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> RegressionCheck.run(null, cur, typo));
        assertTrue(e.getMessage().contains("no operation 'POST /payment' (operations: POST /payments,"),
                e.getMessage());
    }

    @Test
    void pinningAndLeaksFailOnlyWhenForbidden() throws Exception {
        ObjectNode json = TestDumps.dump(2);
        TestDumps.latency(json, "wakeToRun", twoLevels(200_000, 20 * MS));
        ((ObjectNode) json.get("counts")).put("pinnedBlocks", 2);
        ObjectNode leaks = json.putObject("leaks");
        leaks.put("thresholdNs", 300 * MS);
        leaks.put("threads", 3);
        ObjectNode cluster = leaks.putArray("clusters").addObject().put("threads", 3).put("oldestBlockedNs", 400 * MS);
        cluster.putObject("kinds").put("park", 3);
        cluster.putArray("frames").add("app.Notifier.await(X.java:1)");
        Dump cur = TestDumps.write(dir, "cur.json", json);
        ObjectNode earlierAgent = TestDumps.dump(1);
        TestDumps.latency(earlierAgent, "wakeToRun", twoLevels(200_000, 20 * MS));
        earlierAgent.remove("leaks");
        Dump base = TestDumps.write(dir, "base.json", earlierAgent);
        assertFalse(RegressionCheck.run(base, cur, wakeToRun("p50")).failed(), "not forbidden");

        CheckCriteria d = wakeToRun("p50");
        CheckCriteria forbid = new CheckCriteria(d.selection(), d.thresholds(), d.budgets(), d.minDeltaNanos(),
                d.tail(), true, true);
        RegressionCheck.Report report = RegressionCheck.run(base, cur, forbid);
        CheckResult pinning = only(report, "pinning");
        assertEquals(Status.FAIL, pinning.status());
        CheckResult leak = only(report, "leaks");
        assertEquals(Status.FAIL, leak.status());
        assertEquals("3 virtual threads blocked for 300 ms or longer at the dump; largest group at"
                + " app.Notifier.await(X.java:1)", leak.message());

        RegressionCheck.Report clean = RegressionCheck.run(cur, base, forbid);
        assertEquals(Status.PASS, only(clean, "pinning").status());
        assertEquals(Status.SKIP, only(clean, "leaks").status(), "a dump without leak data is not judged");
    }

    @Test
    void anUnknownMetricIsRefusedAnAbsentKindIsEmpty() throws Exception {
        Dump base = dump("base.json", 1, twoLevels(200_000, 20 * MS));
        CheckCriteria d = CheckCriteria.defaults();
        CheckCriteria typo = new CheckCriteria(MetricSelection.parse("wakeToRn", "p50"), d.thresholds(),
                d.budgets(), d.minDeltaNanos(), d.tail(), false, false);
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> RegressionCheck.run(base, base, typo));
        assertTrue(e.getMessage().startsWith("unknown metric 'wakeToRn'"), e.getMessage());

        // No monitor block in either run: a known kind with no samples, skipped.
        CheckCriteria monitor = new CheckCriteria(MetricSelection.parse("blockedByKind.monitor", "p50"),
                d.thresholds(), d.budgets(), d.minDeltaNanos(), d.tail(), false, false);
        assertEquals(Status.SKIP, RegressionCheck.run(base, base, monitor).results().get(0).status());
    }

    @Test
    void aCorruptHistogramIsUnusableInputBeforeAnythingIsCompared() {
        ObjectNode json = TestDumps.dump(1);
        TestDumps.latency(json, "wakeToRun", twoLevels(200_000, 20 * MS));
        ((ObjectNode) json.at("/latencies/wakeToRun")).put("hdr", "bm90IGEgaGlzdG9ncmFt");
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> TestDumps.write(dir, "bad.json", json));
        assertEquals(dir.resolve("bad.json") + ": /latencies/wakeToRun/hdr: not a valid HdrHistogram (corrupt or"
                + " truncated)", e.getMessage());
    }
}

package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.format.HistogramCodec;
import dev.loomscope.format.LatencyBuckets;
import dev.loomscope.format.LoomscopeDump;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.loomscope.report.TestDumps.MS;
import static dev.loomscope.report.TestDumps.row;
import static dev.loomscope.report.TestDumps.rows;
import static dev.loomscope.report.TestDumps.withOperation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** merge on hand-made dumps whose every field is known. */
class DumpMergerTest {
    private static final long T = 1_700_000_040_000L;
    @TempDir
    Path dir;

    /** A dump of JVM {@code pid}; {@code k} varies the values so that no two dumps are alike. */
    private static ObjectNode dump(long pid, int k) {
        ObjectNode d = TestDumps.dump(pid);
        ObjectNode agent = d.putObject("agent");
        agent.put("version", "0.1.0");
        agent.putObject("options").put("out", "/tmp/loomscope-" + pid + ".json").put("sampleEvery", 1);
        ObjectNode hooks = agent.putObject("hooks");
        hooks.putArray("applied").add("VirtualThread.start").add("VirtualThread.mount");
        hooks.putArray("missing");
        ObjectNode counts = (ObjectNode) d.get("counts");
        counts.put("created", 10 * k).put("ended", 10 * k - 1).put("live", 1).put("blocks", 100 * k);
        ((ObjectNode) counts.get("blocksByKind")).put("sleep", 100 * k);

        Histogram wakeToRun = TestDumps.add(TestDumps.add(TestDumps.histogram(), 50_000L * k, 900), k * MS, 100);
        TestDumps.latency(d, "wakeToRun", wakeToRun);
        TestDumps.latency(d, "blocked", TestDumps.add(TestDumps.histogram(), 10 * MS + k, 100 * k));
        TestDumps.latency(d, "blockedByKind.sleep", TestDumps.add(TestDumps.histogram(), 10 * MS + k, 100 * k));

        ObjectNode carriers = d.putObject("carriers");
        carriers.put("started", 2).put("exited", 0).put("idlePeriods", k);
        ArrayNode per = carriers.putArray("perCarrier");
        per.addObject().put("column", 1).put("threadId", 30).put("name", "ForkJoinPool-1-worker-1").put("mounts", k)
                .put("busyNs", 1000L * k).put("idleNs", 5).put("longestSliceNs", 100L * k).put("mountedNow", false);
        per.addObject().put("column", 2).put("threadId", 30 + k).put("mounts", 2 * k).put("busyNs", 7)
                .put("idleNs", 1).put("longestSliceNs", 50).put("mountedNow", k == 2);

        ObjectNode slices = d.putObject("longSlices");
        slices.put("thresholdNs", 20 * MS).put("count", k);
        slices.putArray("longest").addObject().put("threadId", 40 + k).put("carrierThreadId", 30)
                .put("startEpochMs", T + k).put("durationNs", 25 * MS * k).put("ongoing", false).putNull("frames");

        ObjectNode sites = d.putObject("sites");
        sites.put("sampleEvery", 1).put("samples", 10 * k).put("samplesLost", 0).put("distinctStacks", 2);
        sites.putArray("create").addObject().put("count", 10 * k).putArray("frames").add("app.Main.main(Main.java:5)");
        ObjectNode block = sites.putArray("block").addObject();
        block.put("count", 5 * k);
        block.putObject("kinds").put("sleep", 5 * k);
        block.putObject("blocked").put("count", 5 * k).put("totalNs", 50 * MS * k).put("p99Ns", 10 * MS + k)
                .set("buckets", TestDumps.JSON.createArrayNode().add(TestDumps.JSON.createArrayNode().add(92)
                        .add(5 * k)));
        block.putArray("frames").add("java.lang.Thread.sleep(Thread.java:1)")
                .add("app.Worker.run(Worker.java:" + k + ")");
        sites.putArray("wake");
        sites.putArray("pinned");

        ObjectNode leaks = d.putObject("leaks");
        leaks.put("thresholdNs", 60_000 * MS).put("threads", k);
        ObjectNode cluster = leaks.putArray("clusters").addObject();
        cluster.put("threads", k).put("oldestBlockedNs", 61_000 * MS + k);
        cluster.putObject("kinds").put("park", k);
        cluster.putArray("frames").add("app.Notifier.await(Notifier.java:9)");

        ObjectNode heatmaps = d.putObject("heatmaps");
        heatmaps.put("windowMs", 1000);
        ObjectNode activity = heatmaps.putObject("activity");
        activity.set("create", rows(row(T + 1000L * k, 1000, 0, 0, 10L * k)));
        ObjectNode latency = heatmaps.putObject("latency");
        latency.putObject("buckets").put("scheme", "base2-exponential").put("count", 161);
        latency.set("wakeToRun", rows(row(T, 10_000, 1, 60, 900), row(T + 10_000L * k, 1000, 0, 80, 100)));

        ObjectNode context = d.putObject("context");
        context.putObject("gc").put("pauses", k).put("pauseNs", MS * k).putArray("collectors").add("G1 Young");
        context.set("windows", rows(row(T, 1000, 0, 0, k)));
        d.putObject("scheduler").put("parallelism", 2).put("poolSize", 2);
        return d;
    }

    private Dump write(String name, JsonNode json) throws Exception {
        return TestDumps.write(dir, name, json);
    }

    private Dump write(String name, LoomscopeDump dump) throws Exception {
        return TestDumps.write(dir, name, dump);
    }

    private Dump merged(String name, int top, Dump... inputs) throws Exception {
        return write(name, DumpMerger.merge(List.of(inputs), top).dump());
    }

    /** A recorder that shed threads: {@code k} episodes, levels up to {@code k + 1}, one window. */
    private static ObjectNode withShedding(ObjectNode dump, int k) {
        ObjectNode shedding = ((ObjectNode) dump.get("recorder")).putObject("shedding");
        shedding.put("levelNow", k - 1).put("maxLevel", k + 1).put("episodes", k).put("shedNs", 100 * MS * k)
                .put("historiesForgotten", 7L * k).put("creationsCounted", 5L * k).put("columns", "shed level L");
        shedding.set("windows", rows(row(T, 1000, 0, 1, 60_000L * k, k + 1, 40_000L * k)));
        return dump;
    }

    /**
     * Shedding adds up: time, episodes, forgotten histories, and window by window the time at each level (JVM-µs);
     * the levels are the highest of any JVM. An input of an agent before shedding brings nothing to it.
     */
    @Test
    void sheddingAddsUpWindowByWindow() throws Exception {
        Dump a = write("a.json", withShedding(dump(1, 1), 1));
        Dump b = write("b.json", withShedding(dump(2, 2), 2));
        Dump earlier = write("c.json", dump(3, 3));
        JsonNode shed = merged("m.json", 20, a, b, earlier).json().at("/recorder/shedding");
        assertEquals(300 * MS, shed.get("shedNs").asLong());
        assertEquals(3, shed.get("episodes").asLong());
        assertEquals(21, shed.get("historiesForgotten").asLong());
        assertEquals(15, shed.get("creationsCounted").asLong());
        assertEquals(3, shed.get("maxLevel").asInt());
        assertEquals(1, shed.get("levelNow").asInt());
        assertEquals(TestDumps.JSON.readTree("[[1, 180000], [2, 40000], [3, 80000]]"),
                shed.at("/windows/0/cells"));
        assertTrue(merged("n.json", 20, earlier, write("d.json", dump(4, 1))).json().at("/recorder/shedding")
                .isMissingNode(), "no input says: the merge does not either");
    }

    @Test
    void distributionsAreThePooledHistograms() throws Exception {
        Dump a = write("a.json", dump(1, 1));
        ObjectNode bJson = dump(2, 2);
        TestDumps.latency(bJson, "blockedByKind.monitor", TestDumps.add(TestDumps.histogram(), 3 * MS, 7));
        Dump b = write("b.json", bJson);
        Dump m = merged("m.json", 20, a, b);

        for (String metric : new String[]{"wakeToRun", "blocked", "blockedByKind/sleep"}) {
            Histogram pooled = decode(a, metric);
            pooled.add(decode(b, metric));
            JsonNode s = m.json().at("/latencies/" + metric);
            assertEquals(pooled, decode(m, metric), metric);
            assertEquals(pooled.getTotalCount(), s.get("count").asLong());
            assertEquals(pooled.getValueAtPercentile(50), s.get("p50").asLong(), metric);
            assertEquals(pooled.getValueAtPercentile(90), s.get("p90").asLong(), metric);
            assertEquals(pooled.getValueAtPercentile(99), s.get("p99").asLong(), metric);
            assertEquals(pooled.getValueAtPercentile(99.9), s.get("p999").asLong(), metric);
            assertEquals(pooled.getMinValue(), s.get("min").asLong(), metric);
            assertEquals(pooled.getMaxValue(), s.get("max").asLong(), metric);
            assertEquals(Math.round(pooled.getMean()), s.get("mean").asLong(), metric);
        }
        // wakeToRun: a has 10 % of its samples at 1 ms, b 10 % at 2 ms: pooled p99 is b's tail, p50 a's body.
        assertTrue(m.json().at("/latencies/wakeToRun/p99").asLong() >= 2 * MS - 2000);
        assertEquals(b.json().at("/latencies/blockedByKind/monitor"), m.json().at("/latencies/blockedByKind/monitor"),
                "a distribution of one input only is that input's");
    }

    /**
     * Pinned blocks by kind: an earlier agent's dump has none, and its pinned blocks were all parks; merged with a
     * dump that has them, the kinds still sum to the merged pinnedBlocks. Two earlier dumps merge without the field.
     */
    @Test
    void pinnedBlocksByKindOfEarlierDumpsAreParks() throws Exception {
        ObjectNode earlier = dump(1, 1);
        ((ObjectNode) earlier.get("counts")).put("pinnedBlocks", 2);
        ObjectNode later = dump(2, 2);
        ObjectNode counts = (ObjectNode) later.get("counts");
        counts.put("pinnedBlocks", 3);
        counts.putObject("pinnedByKind").put("park", 1).put("monitor", 2).put("wait", 0).put("classInit", 0)
                .put("other", 0);
        JsonNode merged = merged("m.json", 20, write("a.json", earlier), write("b.json", later)).json();
        assertEquals(5, merged.at("/counts/pinnedBlocks").asLong());
        assertEquals(3, merged.at("/counts/pinnedByKind/park").asLong());
        assertEquals(2, merged.at("/counts/pinnedByKind/monitor").asLong());
        assertEquals(0, merged.at("/counts/pinnedByKind/classInit").asLong());

        JsonNode both = merged("n.json", 20, write("c.json", earlier), write("d.json", dump(3, 1))).json();
        assertTrue(both.at("/counts/pinnedByKind").isMissingNode(), both.at("/counts").toString());
    }

    @Test
    void countsCarriersAndContextAddUp() throws Exception {
        Dump m = merged("m.json", 20, write("a.json", dump(1, 1)), write("b.json", dump(2, 2)));
        JsonNode j = m.json();
        assertEquals(30, j.at("/counts/created").asLong());
        assertEquals(300, j.at("/counts/blocksByKind/sleep").asLong());
        assertEquals(3, j.at("/carriers/idlePeriods").asLong());
        JsonNode first = j.at("/carriers/perCarrier/0");
        assertEquals(TestDumps.JSON.readTree("""
                {"column": 1, "threadId": 30, "name": "ForkJoinPool-1-worker-1", "mounts": 3, "busyNs": 3000,
                 "idleNs": 10, "longestSliceNs": 200, "mountedNow": false}"""), first);
        JsonNode second = j.at("/carriers/perCarrier/1");
        assertFalse(second.has("threadId"), "thread ids 31 and 32 are not one carrier's");
        assertTrue(second.get("mountedNow").asBoolean());
        assertEquals(3, j.at("/context/gc/pauses").asLong());
        assertEquals("[\"G1 Young\"]", j.at("/context/gc/collectors").toString());
        assertEquals(rows(row(T, 1000, 0, 0, 3)).toString(), j.at("/context/windows").toString());
        assertEquals(4, j.at("/scheduler/parallelism").asLong(), "fleet totals");
    }

    @Test
    void recordingSpansAllInputsAndInputsAreListed() throws Exception {
        ObjectNode late = dump(2, 2);
        ((ObjectNode) late.get("recording")).put("attach", "late").put("startEpochMs", 1_700_000_005_000L)
                .put("durationNs", 20_000_000_000L);
        Dump m = merged("m.json", 20, write("a.json", dump(1, 1)), write("b.json", late));
        JsonNode r = m.json().get("recording");
        assertEquals("late", r.get("attach").asText());
        assertEquals(1_700_000_000_001L, r.get("startEpochMs").asLong());
        assertEquals(1_700_000_025_000L - 1_700_000_000_001L, r.get("durationNs").asLong() / MS);
        assertEquals(1_700_000_010_002L, r.get("dumpEpochMs").asLong());
        assertEquals(1, m.json().at("/jvm/pid").asLong(), "the first input's jvm");
        assertEquals("[1, 2]", m.json().at("/merged/inputs").findValues("pid").toString());
        assertEquals("a.json", m.json().at("/merged/inputs/0/file").asText());
    }

    @Test
    void sitesClustersAndSlicesMergeByFramesAndAreCut() throws Exception {
        Dump a = write("a.json", dump(1, 1));
        Dump b = write("b.json", dump(2, 2));
        Dump m = merged("m.json", 20, a, b);
        JsonNode create = m.json().at("/sites/create");
        assertEquals(1, create.size(), "the same frames: one site");
        assertEquals(30, create.get(0).get("count").asLong());
        JsonNode block = m.json().at("/sites/block");
        assertEquals(2, block.size(), "Worker.java:1 and Worker.java:2 are different sites");
        assertEquals("app.Worker.run(Worker.java:2)", block.get(0).at("/frames/1").asText(), "most time first");
        JsonNode cluster = m.json().at("/leaks/clusters/0");
        assertEquals(3, cluster.get("threads").asLong());
        assertEquals(3, cluster.at("/kinds/park").asLong());
        assertEquals(61_000 * MS + 2, cluster.get("oldestBlockedNs").asLong(), "the oldest of all");
        assertEquals(3, m.json().at("/leaks/threads").asLong());
        JsonNode longest = m.json().at("/longSlices/longest");
        assertEquals(2, longest.size());
        assertEquals(2, longest.get(0).get("pid").asLong(), "each slice says which JVM it ran in");
        assertEquals(50 * MS, longest.get(0).get("durationNs").asLong());

        Dump cut = merged("cut.json", 1, a, b);
        assertEquals(1, cut.json().at("/sites/block").size());
        assertEquals(1, cut.json().at("/longSlices/longest").size());
        assertEquals(3, cut.json().at("/longSlices/count").asLong(), "counts are not cut");
    }

    /**
     * A wake site of {@code frame} whose wake-to-run latencies are {@code pairs} of [bucket, count], written with its
     * buckets or, as by an agent before them, without.
     */
    private static ObjectNode withWakeSite(ObjectNode dump, String frame, boolean writeBuckets, long... pairs) {
        ObjectNode site = ((ArrayNode) dump.at("/sites/wake")).addObject();
        long count = 0;
        ArrayNode buckets = TestDumps.JSON.createArrayNode();
        for (int i = 0; i < pairs.length; i += 2) {
            buckets.addArray().add(pairs[i]).add(pairs[i + 1]);
            count += pairs[i + 1];
        }
        site.put("count", count);
        ObjectNode charges = site.putObject("wakeToRun").put("count", count).put("totalNs", count * MS)
                .put("p99Ns", LatencyBuckets.percentileNanos(TestDumps.JSON.convertValue(buckets, long[][].class),
                        99));
        if (writeBuckets) {
            charges.set("buckets", buckets);
        }
        site.putArray("frames").add(frame);
        return dump;
    }

    @Test
    void siteBucketsAddUpSoTheMergedP99IsThePooledOne() throws Exception {
        // a: 989 fast wakes (bucket 60) and 11 slow (bucket 100), so its p99 (rank 990) is slow; b: 1000 fast.
        // Pooled, 11 of 2000 are slow: the p99 (rank 1980) is fast. The largest of the two p99s would say slow.
        Dump a = write("a.json", withWakeSite(dump(1, 1), "app.Timer.fire(Timer.java:1)", true, 60, 989, 100, 11));
        Dump b = write("b.json", withWakeSite(dump(2, 2), "app.Timer.fire(Timer.java:1)", true, 60, 1000));
        Dump m = merged("m.json", 20, a, b);
        JsonNode charges = m.json().at("/sites/wake/0/wakeToRun");
        assertEquals(2000, charges.get("count").asLong());
        assertEquals("[[60,1989],[100,11]]", charges.get("buckets").toString(), "added bucket by bucket");
        assertEquals((long) Math.ceil(LatencyBuckets.upperBoundNanos(60)), charges.get("p99Ns").asLong());
        assertEquals((long) Math.ceil(LatencyBuckets.upperBoundNanos(100)),
                a.json().at("/sites/wake/0/wakeToRun/p99Ns").asLong(), "a alone is slow at p99");

        // An input without buckets (an older agent): no buckets, and the largest p99, an upper bound.
        ObjectNode old = withWakeSite(dump(3, 3), "app.Timer.fire(Timer.java:1)", false, 90, 100);
        JsonNode mixed = merged("mixed.json", 20, a, write("old.json", old)).json().at("/sites/wake/0/wakeToRun");
        assertFalse(mixed.has("buckets"), mixed.toString());
        assertEquals(a.json().at("/sites/wake/0/wakeToRun/p99Ns").asLong(), mixed.get("p99Ns").asLong());
    }

    @Test
    void mergeIsAssociative() throws Exception {
        Dump a = write("a.json", dump(1, 1));
        Dump b = write("b.json", dump(2, 2));
        Dump c = write("c.json", dump(3, 3));
        Dump flat = merged("abc.json", 20, a, b, c);
        Dump left = merged("ab_c.json", 20, merged("ab.json", 20, a, b), c);
        Dump right = merged("a_bc.json", 20, a, merged("bc.json", 20, b, c));
        assertEquals(left.json(), right.json());
        assertEquals(flat.json(), left.json());
        assertEquals(3, flat.json().at("/merged/inputs").size());
    }

    @Test
    void theMergedDumpIsAValidDumpForCheck() throws Exception {
        Dump m = merged("m.json", 20, write("a.json", dump(1, 1)), write("b.json", dump(2, 2)));
        assertEquals("loomscope/1", m.json().get("schema").asText());
        assertFalse(RegressionCheck.run(m, m, CheckCriteria.defaults()).failed());
    }

    @Test
    void differingSettingsAreNotedAndThresholdsTakeTheSmallest() throws Exception {
        ObjectNode b = dump(2, 2);
        ((ObjectNode) b.at("/agent/options")).put("sampleEvery", 100);
        ((ArrayNode) b.at("/agent/hooks/missing")).add("VirtualThread.mount");
        ((ObjectNode) b.get("leaks")).put("thresholdNs", 300 * MS);
        ((ObjectNode) b.get("sites")).put("sampleEvery", 100);
        DumpMerger.Result r = DumpMerger.merge(List.of(write("a.json", dump(1, 1)), write("b.json", b)), 20);
        JsonNode merged = write("r.json", r.dump()).json();
        assertEquals(300 * MS, merged.at("/leaks/thresholdNs").asLong());
        assertEquals(1, merged.at("/sites/sampleEvery").asLong(), "the first input's");
        assertEquals("[\"VirtualThread.start\"]", merged.at("/agent/hooks/applied").toString());
        assertEquals("[\"VirtualThread.mount\"]", merged.at("/agent/hooks/missing").toString());
        assertEquals(List.of(
                "inputs differ in agent options sampleEvery; agent.options of the merged dump are the first input's",
                "inputs differ in sites.sampleEvery; the merged dump has the first input's (1)",
                "inputs differ in leaks.thresholdNs; the merged dump has the smallest (300000000)"), r.notes());

        // out differs between JVMs by design: no note for it.
        assertEquals(List.of(), DumpMerger.merge(List.of(write("a.json", dump(1, 1)), write("c.json", dump(3, 1))),
                20).notes());
        // nor do the metrics endpoint's address and the service label, which change nothing that is recorded
        ObjectNode d = dump(4, 1);
        ObjectNode e = dump(5, 1);
        ((ObjectNode) d.at("/agent/options")).put("metrics", "10.0.0.4:9404").put("service", "payments");
        ((ObjectNode) e.at("/agent/options")).put("metrics", "10.0.0.5:9404").put("service", "ledger");
        assertEquals(List.of(), DumpMerger.merge(List.of(write("d.json", d), write("e.json", e)), 20).notes());
    }

    @Test
    void sectionsAndFieldsOfLaterAgentsAreLeftOutWithANote() throws Exception {
        ObjectNode later = dump(2, 2);
        later.putObject("gpu").put("kernels", 3);
        ((ObjectNode) later.get("counts")).put("teleports", 5);
        ((ObjectNode) later.at("/sites/block/0")).put("hotness", 9);
        DumpMerger.Result r = DumpMerger.merge(List.of(write("a.json", dump(1, 1)), write("b.json", later)), 20);
        assertEquals(List.of("left out sections this version does not know how to merge: gpu",
                "left out fields this version does not know how to merge: counts.teleports, sites.block.hotness"),
                r.notes());
        JsonNode merged = write("r.json", r.dump()).json();
        assertFalse(merged.has("gpu"));
        assertFalse(merged.get("counts").has("teleports"));
        assertEquals(30, merged.at("/counts/created").asLong(), "the fields it knows are merged as ever");
    }

    @Test
    void twoDumpsOfOneJvmAreNotAddedUpOnlyTheLatestIsMergedWithANote() throws Exception {
        ObjectNode early = dump(7, 1);
        ObjectNode late = dump(7, 2);
        ((ObjectNode) late.get("recording")).put("dumpEpochMs", early.at("/recording/dumpEpochMs").asLong() + 60_000);
        Dump earlyFile = write("interval-1.json", early);
        Dump lateFile = write("interval-2.json", late);
        Dump other = write("other.json", dump(8, 3));

        DumpMerger.Result result = DumpMerger.merge(List.of(lateFile, earlyFile, other), DumpMerger.DEFAULT_TOP);

        assertEquals(2, result.dump().merged().inputs().size(), "two JVMs");
        assertEquals(late.at("/counts/created").asLong() + 30, result.dump().counts().created(),
                "the later dump of JVM 7 and JVM 8");
        assertEquals(List.of(lateFile.file() + ", " + earlyFile.file() + " are dumps of one JVM (pid 7, started "
                        + java.time.Instant.ofEpochMilli(early.at("/jvm/startEpochMs").asLong())
                        + "): merged only the latest, " + lateFile.file() + " (each dump holds its recording from the"
                        + " start)"),
                result.notes().stream().filter(n -> n.contains("one JVM")).toList());
    }

    @Test
    void oneFileGivenTwiceCountsOnce() throws Exception {
        Dump once = write("once.json", dump(7, 1));
        Dump again = Dump.read(once.file());
        DumpMerger.Result result = DumpMerger.merge(List.of(once, again), DumpMerger.DEFAULT_TOP);
        assertEquals(1, result.dump().merged().inputs().size());
        assertEquals(10, result.dump().counts().created());
    }

    @Test
    void aMergeThatCoversAJvmAnotherInputCoversIsRefused() throws Exception {
        Dump a = write("a.json", dump(7, 1));
        Dump b = write("b.json", dump(8, 2));
        Dump ab = merged("ab.json", DumpMerger.DEFAULT_TOP, a, b);
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> DumpMerger.merge(List.of(ab, a), DumpMerger.DEFAULT_TOP));
        assertTrue(e.getMessage().contains("ab.json is a merge that covers a JVM (pid 7"), e.getMessage());
        assertTrue(e.getMessage().contains("a.json covers too"), e.getMessage());
    }

    @Test
    void heatmapsOfDifferentWindowsOrBucketsAreRefused() throws Exception {
        ObjectNode b = dump(2, 2);
        ((ObjectNode) b.get("heatmaps")).put("windowMs", 500);
        Dump a = write("a.json", dump(1, 1));
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> DumpMerger.merge(List.of(a, write("b.json", b)), 20));
        assertTrue(e.getMessage().startsWith("cannot merge heatmaps of different windows"), e.getMessage());

        ObjectNode c = dump(3, 3);
        ((ObjectNode) c.at("/heatmaps/latency/buckets")).put("count", 200);
        e = assertThrows(UnusableInputException.class, () -> write("c.json", c));
        assertEquals(dir.resolve("c.json") + ": /heatmaps/latency/buckets/count: must be 161", e.getMessage(),
                "another bucket layout is not loomscope/1: refused when read, before merge sees it");
    }


    /**
     * Operations of one name in several JVMs are one: counts add up, the wake-to-run histograms pool exactly (the
     * merged p99 is the p99 of all samples), the worst events of all JVMs compete with their pids, and the sites add up
     * by frames. Names only one JVM has stay as they were; the order is the order of first sight.
     */
    @Test
    void operationsOfOneNameMergeExactly() throws Exception {
        Dump a = write("a.json", withOperation(withOperation(dump(1, 1), "POST /payments", MS, 1000, 90 * MS,
                "trace-a", "app.Pay.charge(Pay.java:1)"), "GET /health", MS / 10, 50, 2 * MS, "h-a",
                "app.Health.ping(Health.java:1)"));
        Dump b = write("b.json", withOperation(dump(2, 2), "POST /payments", 3 * MS, 500, 120 * MS, "trace-b",
                "app.Pay.charge(Pay.java:1)"));
        JsonNode merged = merged("m.json", 20, a, b).json();
        JsonNode payments = merged.at("/operations/perOperation/0");
        assertEquals("POST /payments", payments.get("name").asText());
        assertEquals("GET /health", merged.at("/operations/perOperation/1/name").asText());
        assertEquals(1500, payments.get("threads").asLong());
        assertEquals(2, payments.get("inheritedThreads").asLong());
        assertEquals(1500, payments.at("/blocksByKind/park").asLong());
        Histogram pooled = HistogramCodec.decode(a.json().at("/operations/perOperation/0/latencies/wakeToRun/hdr")
                .asText());
        pooled.add(HistogramCodec.decode(b.json().at("/operations/perOperation/0/latencies/wakeToRun/hdr").asText()));
        assertEquals(pooled, HistogramCodec.decode(payments.at("/latencies/wakeToRun/hdr").asText()));
        assertEquals(pooled.getValueAtPercentile(99), payments.at("/latencies/wakeToRun/p99").asLong());
        assertEquals(1500, payments.at("/latencies/wakeToRun/count").asLong());
        JsonNode worst = payments.at("/exemplars/wakeToRun");
        assertEquals(2, worst.size());
        assertEquals("trace-b", worst.get(0).get("traceId").asText(), "the longest first, whichever JVM");
        assertEquals(2, worst.get(0).get("pid").asLong());
        assertEquals(1, worst.get(1).get("pid").asLong());
        assertEquals(1, payments.get("blockSites").size(), "one site, the same frames");
        assertEquals(1500, payments.at("/blockSites/0/count").asLong());
        ObjectNode healthWithoutPid = merged.at("/operations/perOperation/1").deepCopy();
        ((ObjectNode) healthWithoutPid.at("/exemplars/wakeToRun/0")).remove("pid");
        assertEquals(a.json().at("/operations/perOperation/1"), healthWithoutPid,
                "an operation of one JVM only is that JVM's (its exemplars marked with its pid)");
        assertEquals(1, merged.at("/operations/perOperation/1/exemplars/wakeToRun/0/pid").asLong());
        assertEquals(2, merged.at("/operations/named").asLong());
        assertEquals(2, merged.at("/operations/scopesIgnored").asLong());
        assertEquals(8, merged.at("/operations/critical/samples").asLong());
        assertEquals(1000, merged.at("/operations/critical/samplesPerSecond").asLong());

        Dump c = write("c.json", withOperation(dump(3, 3), "GET /health", MS, 7, 9 * MS, "h-c",
                "app.Health.ping(Health.java:1)"));
        assertEquals(merged("abc.json", 20, merged("ab.json", 20, a, b), c).json(),
                merged("a_bc.json", 20, a, merged("bc.json", 20, b, c)).json(), "associative");
        JsonNode without = merged("ad.json", 20, a, write("d.json", dump(4, 1))).json();
        assertEquals(a.json().at("/operations/perOperation/0/threads"),
                without.at("/operations/perOperation/0/threads"), "an input without operations adds nothing");
    }

    private static Histogram decode(Dump dump, String metric) {
        return HistogramCodec.decode(dump.json().at("/latencies/" + metric + "/hdr").asText());
    }
}

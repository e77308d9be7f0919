package dev.loomscope.report.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.LatencyBuckets;
import dev.loomscope.report.Dump;
import dev.loomscope.validation.DumpValidation;
import dev.loomscope.validation.DumpValidation.Contract;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** merge on dumps of three real JVMs recorded with the same options (every stack sampled, leaks after 300 ms). */
class MergeIT {
    private static final String[] ACTIVITY = {"create", "block", "wake", "mount"};
    private static final String[] LATENCY = {"startDelay", "wakeToRun", "blocked", "runSlice"};
    private static final String NOTIFIER_FRAME = "dev.loomscope.agent.it.workloads.Leak.awaitNotification(";

    private static Path a;
    private static Path b;
    private static Path c;

    @BeforeAll
    static void record() throws Exception {
        a = RealDumps.leak(3);
        b = RealDumps.leak(4);
        c = RealDumps.sleep20(100);
    }

    @Test
    void mergedDistributionsAreThoseOfThePooledSamples() throws Exception {
        Dump merged = merge("abc.json", a, b, c);
        List<Dump> inputs = List.of(Dump.read(a), Dump.read(b), Dump.read(c));
        List<String> metrics = new ArrayList<>(List.of("startDelay", "wakeToRun", "blocked", "runSlice",
                "pinnedBlocked"));
        merged.json().at("/latencies/blockedByKind").fieldNames()
                .forEachRemaining(kind -> metrics.add("blockedByKind/" + kind));
        assertTrue(metrics.contains("blockedByKind/sleep"), metrics.toString()); // the leaked parks never end
        for (String metric : metrics) {
            Histogram pooled = null;
            for (Dump input : inputs) {
                JsonNode summary = input.json().at("/latencies/" + metric);
                if (summary.isMissingNode()) {
                    continue;
                }
                Histogram h = decode(summary.get("hdr").asText());
                if (pooled == null) {
                    pooled = h;
                } else {
                    pooled.add(h);
                }
            }
            assertNotNull(pooled, metric);
            JsonNode summary = merged.json().at("/latencies/" + metric);
            assertEquals(pooled, decode(summary.get("hdr").asText()),
                    metric + ": the merged histogram is the pooled one");
            assertEquals(pooled.getTotalCount(), summary.get("count").asLong(), metric);
            if (pooled.getTotalCount() > 0) {
                assertEquals(pooled.getMinValue(), summary.get("min").asLong(), metric);
                assertEquals(pooled.getMaxValue(), summary.get("max").asLong(), metric);
                assertEquals(Math.round(pooled.getMean()), summary.get("mean").asLong(), metric);
                assertEquals(pooled.getValueAtPercentile(50), summary.get("p50").asLong(), metric);
                assertEquals(pooled.getValueAtPercentile(90), summary.get("p90").asLong(), metric);
                assertEquals(pooled.getValueAtPercentile(99), summary.get("p99").asLong(), metric);
                assertEquals(pooled.getValueAtPercentile(99.9), summary.get("p999").asLong(), metric);
            }
        }
    }

    @Test
    void countsAddUpAndTheHeatmapsStillSumToThem() throws Exception {
        Dump merged = merge("abc.json", a, b, c);
        List<Dump> inputs = List.of(Dump.read(a), Dump.read(b), Dump.read(c));
        for (Map.Entry<String, JsonNode> count : merged.json().get("counts").properties()) {
            if (count.getValue().isNumber()) {
                long sum = inputs.stream().mapToLong(d -> d.json().path("counts").path(count.getKey()).asLong()).sum();
                assertEquals(sum, count.getValue().asLong(), count.getKey());
            }
        }
        JsonNode counts = merged.json().get("counts");
        assertEquals(counts.get("created").asLong(), counts.get("ended").asLong() + counts.get("live").asLong());
        assertHeatmapsSumToCounts(merged);
        assertEquals(7, merged.json().at("/leaks/threads").asLong());
    }

    @Test
    void mergeIsAssociative() throws Exception {
        merge("ab.json", a, b);
        Dump abThenC = merge("ab_c.json", RealDumps.file("ab.json"), c);
        merge("bc.json", b, c);
        Dump aThenBc = merge("a_bc.json", a, RealDumps.file("bc.json"));
        Dump flat = merge("abc.json", a, b, c);
        assertEquals(abThenC.json(), aThenBc.json(), "merge(merge(a,b),c) == merge(a,merge(b,c))");
        assertEquals(flat.json(), abThenC.json(), "a nested merge equals the flat one");
    }

    @Test
    void sitesAndLeakClustersAddUpByFrames() throws Exception {
        Dump merged = merge("ab.json", a, b);
        JsonNode clusters = merged.json().at("/leaks/clusters");
        JsonNode notifiers = null;
        for (JsonNode cluster : clusters) {
            if (cluster.get("frames").toString().contains(NOTIFIER_FRAME)) {
                assertEquals(null, notifiers, "one cluster per identical stack");
                notifiers = cluster;
            }
        }
        assertNotNull(notifiers, clusters.toString());
        assertEquals(7, notifiers.get("threads").asLong(), "3 + 4 leaked notifiers");
        assertEquals(7, notifiers.at("/kinds/park").asLong());
        long oldest = Math.max(Dump.read(a).json().at("/leaks/clusters/0/oldestBlockedNs").asLong(),
                Dump.read(b).json().at("/leaks/clusters/0/oldestBlockedNs").asLong());
        assertEquals(oldest, notifiers.get("oldestBlockedNs").asLong());

        // Each Leak run starts its 3 or 4 notifiers at one line: one create site, its counts added.
        long notifierCreates = 0;
        int sites = 0;
        for (JsonNode site : merged.json().at("/sites/create")) {
            if (site.get("frames").toString().contains("Leak.main(Leak.java:21)")) {
                notifierCreates += site.get("count").asLong();
                sites++;
            }
        }
        assertEquals(1, sites, merged.json().at("/sites/create").toString());
        assertEquals(7, notifierCreates);
    }

    @Test
    void siteLatencyBucketsAddUpBucketByBucket() throws Exception {
        Dump merged = merge("ab-buckets.json", a, b);
        int inBoth = 0;
        for (String[] list : new String[][]{{"block", "blocked"}, {"wake", "wakeToRun"}}) {
            for (JsonNode site : merged.json().at("/sites/" + list[0])) {
                long[] expected = new long[LatencyBuckets.COUNT];
                int inputs = 0;
                for (Path input : new Path[]{a, b}) {
                    for (JsonNode same : Dump.read(input).json().at("/sites/" + list[0])) {
                        if (same.get("frames").equals(site.get("frames"))) {
                            inputs++;
                            same.at("/" + list[1] + "/buckets").forEach(c -> expected[c.get(0).asInt()] += c.get(1)
                                    .asLong());
                        }
                    }
                }
                long[] actual = new long[LatencyBuckets.COUNT];
                JsonNode charges = site.get(list[1]);
                assertTrue(charges.has("buckets"), "every input has buckets, so the merge has: " + site);
                charges.get("buckets").forEach(c -> actual[c.get(0).asInt()] += c.get(1).asLong());
                assertArrayEquals(expected, actual, site.toString());
                List<long[]> pairs = new ArrayList<>();
                charges.get("buckets").forEach(c -> pairs.add(new long[]{c.get(0).asLong(), c.get(1).asLong()}));
                long[][] cells = pairs.toArray(long[][]::new);
                assertEquals(LatencyBuckets.percentileNanos(cells, 99), charges.get("p99Ns").asLong(),
                        "the p99 of the pooled buckets: " + site);
                inBoth += inputs == 2 ? 1 : 0;
            }
        }
        assertTrue(inBoth > 0, "the healthy sleepers block at one site in both runs: " + merged.json().at("/sites"));
    }

    @Test
    void mergingTwoJvmsWithTheSameRecordingDoublesEveryCellAndKeepsEveryPercentile() throws Exception {
        JsonNode one = Dump.read(a).json();
        // the same recording, as if from a second JVM: merge keeps only the latest dump of one JVM
        ObjectNode twin = one.deepCopy();
        ((ObjectNode) twin.get("jvm")).put("pid", one.at("/jvm/pid").asLong() + 1);
        Path twinFile = RealDumps.file("a-twin.json");
        java.nio.file.Files.write(twinFile, new ObjectMapper().writeValueAsBytes(twin));
        JsonNode two = merge("aa.json", a, twinFile).json();
        assertEquals(2 * one.at("/counts/blocks").asLong(), two.at("/counts/blocks").asLong());
        for (String metric : LATENCY) {
            for (String field : new String[]{"min", "p50", "p90", "p99", "p999", "max"}) {
                assertEquals(one.at("/latencies/" + metric + "/" + field), two.at("/latencies/" + metric + "/" + field),
                        metric + "." + field);
            }
        }
        for (String heatmap : new String[]{"/heatmaps/activity/mount", "/heatmaps/latency/wakeToRun",
                "/context/windows"}) {
            JsonNode rows = one.at(heatmap);
            JsonNode doubled = two.at(heatmap);
            assertEquals(rows.size(), doubled.size(), heatmap);
            for (int r = 0; r < rows.size(); r++) {
                assertEquals(rows.get(r).get("startEpochMs"), doubled.get(r).get("startEpochMs"), heatmap);
                assertEquals(rows.get(r).get("lengthMs"), doubled.get(r).get("lengthMs"), heatmap);
                JsonNode cells = rows.get(r).get("cells");
                for (int i = 0; i < cells.size(); i++) {
                    assertEquals(cells.get(i).get(0), doubled.get(r).get("cells").get(i).get(0), heatmap);
                    assertEquals(2 * cells.get(i).get(1).asLong(), doubled.get(r).get("cells").get(i).get(1).asLong(),
                            heatmap);
                }
            }
        }
    }

    @Test
    void oneDumpGivenTwiceCountsOnceWithANote() throws Exception {
        ReportJar.Result r = ReportJar.run("merge", a, a, "-o", RealDumps.file("a-twice.json"));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stderr().contains("are dumps of one JVM (pid " + Dump.read(a).model().jvm().pid()), r.stderr());
        assertTrue(r.stdout().startsWith("merged 1 JVM into"), r.stdout());
        assertEquals(Dump.read(a).json().at("/counts"), Dump.read(RealDumps.file("a-twice.json")).json().at("/counts"));
    }

    @Test
    void theMergedDumpRecordsItsInputsAndEveryCommandReadsIt() throws Exception {
        ReportJar.Result merging = ReportJar.run("merge", a, b, c, "-o", RealDumps.file("abc.json"));
        assertEquals(0, merging.exitCode(), merging.stderr());
        assertEquals("", merging.stderr(), "inputs recorded with the same options: no notes");
        Dump merged = Dump.read(RealDumps.file("abc.json"));
        JsonNode inputs = merged.json().at("/merged/inputs");
        assertEquals(3, inputs.size());
        Path[] files = {a, b, c};
        for (int i = 0; i < 3; i++) {
            JsonNode jvm = Dump.read(files[i]).json().get("jvm");
            assertEquals(jvm.get("pid"), inputs.get(i).get("pid"));
            assertEquals(files[i].getFileName().toString(), inputs.get(i).get("file").asText());
        }
        assertEquals(Dump.read(a).json().get("jvm"), merged.json().get("jvm"), "the first input's jvm");
        assertEquals(0, ReportJar.run("check", "--baseline", merged.file(), "--current", merged.file()).exitCode());
        ReportJar.Result diff = ReportJar.run("diff", a, merged.file());
        assertEquals(0, diff.exitCode(), diff.stderr());
        assertTrue(diff.stdout().contains("3 JVMs merged"), diff.stdout());
    }

    @Test
    void theMergedDumpMatchesTheJsonSchema() throws Exception {
        Dump merged = merge("abc.json", a, b, c);
        // the schema as written (no field it does not list), as bundled: the file the docs publish
        assertEquals(Optional.empty(), DumpValidation.check(merged.json(), Contract.AS_WRITTEN));
    }

    @Test
    void malformedInputIsRefusedWithExitCode2AndNothingIsWritten() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode missing = (ObjectNode) json.readTree(a.toFile());
        ((ObjectNode) missing.get("counts")).remove("created");
        ObjectNode infinite = (ObjectNode) json.readTree(a.toFile());
        ((ObjectNode) infinite.get("counts")).put("created", "Infinity");
        for (ObjectNode bad : List.of(missing, infinite)) {
            Path input = RealDumps.file("malformed.json");
            json.writeValue(input.toFile(), bad);
            Path output = RealDumps.file("from-malformed.json");
            java.nio.file.Files.deleteIfExists(output);
            ReportJar.Result merging = ReportJar.run("merge", a, input, "-o", output);
            assertEquals(2, merging.exitCode(), merging.stdout() + merging.stderr());
            assertEquals(1, merging.stderr().lines().count(), "one line: " + merging.stderr());
            assertTrue(merging.stderr().contains("counts") && merging.stderr().contains("created"),
                    merging.stderr());
            assertTrue(!java.nio.file.Files.exists(output), "nothing written");
        }
    }

    private static Dump merge(String output, Path... inputs) throws Exception {
        Object[] args = new Object[inputs.length + 3];
        args[0] = "merge";
        System.arraycopy(inputs, 0, args, 1, inputs.length);
        args[inputs.length + 1] = "-o";
        args[inputs.length + 2] = RealDumps.file(output);
        ReportJar.Result r = ReportJar.run(args);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        return Dump.read(RealDumps.file(output));
    }

    private static Histogram decode(String base64) throws Exception {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    }

    /** The agent's invariant, kept by merge: each activity heatmap sums to its count, each latency one to its count. */
    static void assertHeatmapsSumToCounts(Dump merged) {
        JsonNode dump = merged.json();
        Heatmaps.Activity activity = merged.model().heatmaps().activity();
        List<List<HeatmapRow>> activityRows = List.of(activity.create(), activity.block(), activity.wake(),
                activity.mount());
        String[] counts = {"created", "blocks", "wakes", "mounts"};
        for (int i = 0; i < ACTIVITY.length; i++) {
            assertEquals(dump.at("/counts/" + counts[i]).asLong(), HeatmapRow.sum(activityRows.get(i)), ACTIVITY[i]);
        }
        Heatmaps.Latency latency = merged.model().heatmaps().latency();
        List<List<HeatmapRow>> latencyRows = List.of(latency.startDelay(), latency.wakeToRun(), latency.blocked(),
                latency.runSlice());
        for (int i = 0; i < LATENCY.length; i++) {
            assertEquals(dump.at("/latencies/" + LATENCY[i] + "/count").asLong(), HeatmapRow.sum(latencyRows.get(i)),
                    LATENCY[i]);
        }
    }
}

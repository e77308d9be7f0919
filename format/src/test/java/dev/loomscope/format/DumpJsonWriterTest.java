package dev.loomscope.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the writer writes, read back the way readers read (databind, here strictly: an unknown field fails), is the
 * records it wrote from; a merged dump's own fields included. The agent's dumps are guarded the same way from a
 * snapshot in core ({@code SnapshotRoundTripTest}).
 */
class DumpJsonWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LatencySummary summary(long... values) {
        Histogram h = new Histogram(1, 7L * 24 * 3600 * 1_000_000_000L, 3);
        for (long v : values) {
            h.recordValue(v);
        }
        return LatencySummary.of(h, 0);
    }

    /** A merged dump: every section, every optional field, a carrier without thread id, slices with their pid. */
    static LoomscopeDump merged() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("out", "/tmp/a.json");
        options.put("rings", 16);
        options.put("recording", true);
        options.put("window", "1s");
        Map<String, Long> blocksByKind = new LinkedHashMap<>();
        blocksByKind.put("park", 3L);
        blocksByKind.put("pinned", 1L);
        Map<String, LatencySummary> byKind = new LinkedHashMap<>();
        byKind.put("park", summary(5_000, 9_000, 1_000_000));
        List<HeatmapRow> rows = List.of(HeatmapRow.earlier(1_700_000_000_000L, new long[][]{{1, 2}}),
                HeatmapRow.window(1_700_000_001_000L, 1000, 0, new long[][]{{0, 1}, {1, 3}}));
        return new LoomscopeDump(LoomscopeDump.SCHEMA,
                new Jvm(42, "25", "vendor \"quoted\"", 1_700_000_000_000L),
                new Agent("0.1.0", options, new Agent.Hooks(List.of("VirtualThread.mount"), List.of())),
                new Recording("exit", Recording.LATE, 1_700_000_000_001L, 1_700_000_010_000L, 9_999_000_000L),
                new Counts(4, 4, 3, 1, 4, 1, 3, 0, 9, 8, 0, 0, 0, 2, blocksByKind, Map.of("create", 0L),
                        Map.of("park", 0L, "monitor", 1L)),
                new Recorder(1000, 3, -1, "tsc", new Recorder.Shedding(0, 2, 3, 1_500_000_000L, 17, 40, "shed level L",
                        List.of(HeatmapRow.window(1_700_000_001_000L, 1000, 0,
                                        new long[][]{{1, 400_000}, {2, 100_000}}),
                                HeatmapRow.window(1_700_000_002_000L, 1000, 0, new long[][]{{1, 1_000_000}})))),
                new Carriers(2, 0, 5, List.of(new Carriers.Carrier(1, 28L, "ForkJoinPool-1-worker-1", 9, 100, 200,
                        50, true), new Carriers.Carrier(2, null, null, 1, 1, 1, 1, false))),
                new Latencies(summary(100), summary(), summary(5_000, 9_000), summary(300), summary(2_000_000),
                        byKind, Map.of("monitor", summary(2_000_000))),
                new LongSlices(20_000_000, 2, List.of(
                        new LongSlices.LongSlice(42L, 78, 28, 1_700_000_005_000L, 30_000_000, true,
                                List.of("app.Hog.spin(Hog.java:1)")),
                        new LongSlices.LongSlice(43L, 79, 28, 1_700_000_006_000L, 25_000_000, false, null))),
                new Sites(1, 9, 0, 4,
                        List.of(new Sites.CreateSite(5, List.of("app.Main.main(Main.java:1)"))),
                        List.of(new Sites.BlockSite(3, Map.of("park", 3L), Sites.Charges.of(3, 30, new long[][]{{12, 1}, {14, 2}}),
                                List.of("app.B.b(B.java:2)"))),
                        List.of(new Sites.WakeSite(1, new Sites.Charges(1, 7, 8), List.of("app.W.w(W.java:3)"))),
                        List.of(new Sites.PinnedSite(1, Map.of("monitor", 1L), new Sites.Charges(0, 0, 0),
                                List.of("app.P.p(line 4)")))),
                new Leaks(300_000_000, 3, List.of(
                        new Leaks.Cluster(2, 900_000_000, Map.of("park", 2L), List.of("app.L.l(L.java:5)")),
                        new Leaks.Cluster(1, 400_000_000, Map.of("sleep", 1L), null))),
                new Heatmaps(1000, new Heatmaps.Activity("carrier column", rows, rows, List.of(), rows),
                        new Heatmaps.Latency(new Heatmaps.Buckets("base2-exponential", 4, 161, "i holds ..."), rows,
                                List.of(), rows, rows)),
                new Scheduler(2L, 2L, 1L, 1L, 0L, 3L, 17L, new Scheduler.MxBean(2, 2, 1, 4)),
                new Context(new Context.Gc(List.of("G1 Young Generation"), 1, 2_000_000, 1_000_000L),
                        new Context.CpuThrottling(true, "/sys/fs/cgroup/cpu.stat", 1, 500), List.of("gcPauses"),
                        rows),
                new Merged(List.of(new Merged.Input("a.json", 42L, "25", 1L, 2L, 3L, "exit"),
                        new Merged.Input("b.json", 43L, null, null, null, null, null))));
    }

    static byte[] write(LoomscopeDump dump) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpJsonWriter.write(dump, out);
        return out.toByteArray();
    }

    @Test
    void whatIsWrittenReadsBackAsTheSameRecords() throws Exception {
        LoomscopeDump dump = merged();
        assertEquals(dump, JSON.readValue(write(dump), LoomscopeDump.class));
    }

    @Test
    void absentFieldsAreLeftOutButUnsampledFramesAndTheEarlierRowsStartAreNull() throws Exception {
        JsonNode json = JSON.readTree(write(merged()));
        assertFalse(json.at("/carriers/perCarrier/1").has("threadId"), "the JVMs disagreed: no thread id");
        assertFalse(json.at("/carriers/perCarrier/1").has("name"));
        assertFalse(json.at("/merged/inputs/1").has("javaVersion"));
        assertTrue(json.at("/longSlices/longest/1/frames").isNull());
        assertTrue(json.at("/leaks/clusters/1/frames").isNull());
        assertEquals("[[12,1],[14,2]]", json.at("/sites/block/0/blocked/buckets").toString());
        assertFalse(json.at("/sites/wake/0/wakeToRun").has("buckets"), "charges without buckets");
        assertTrue(json.at("/heatmaps/activity/create/0/startEpochMs").isNull());
        assertEquals(List.of("pid", "threadId", "carrierThreadId", "startEpochMs", "durationNs", "ongoing", "frames"),
                iterable(json.at("/longSlices/longest/0").fieldNames()), "a merged slice's pid first");
        assertEquals("[[1,400000],[2,100000]]", json.at("/recorder/shedding/windows/0/cells").toString());
        LoomscopeDump beforeShedding = new LoomscopeDump(LoomscopeDump.SCHEMA, merged().jvm(), null, null,
                merged().counts(), new Recorder(1000, 3, -1, "tsc"), null, merged().latencies(), null, null, null, null,
                null, null, null);
        assertFalse(JSON.readTree(write(beforeShedding)).at("/recorder").has("shedding"));
        assertNull(JSON.readValue(write(beforeShedding), LoomscopeDump.class).recorder().shedding());

        LoomscopeDump old = new LoomscopeDump(LoomscopeDump.SCHEMA, merged().jvm(), null, null, merged().counts(),
                null, null, merged().latencies(), null, null, null, null, null, null, null);
        JsonNode sparse = JSON.readTree(write(old));
        assertEquals(List.of("schema", "jvm", "counts", "latencies"), iterable(sparse.fieldNames()));
        assertEquals(old, JSON.readValue(write(old), LoomscopeDump.class));
    }

    @Test
    void fieldsAreWrittenInTheSchemasOrderPrettyPrinted() throws Exception {
        String text = new String(write(merged()), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\n  \"schema\" : \"loomscope/1\",\n  \"jvm\" : {\n    \"pid\" : 42,"), text);
        assertEquals(List.of("schema", "jvm", "agent", "recording", "counts", "recorder", "carriers", "latencies",
                "longSlices", "sites", "leaks", "heatmaps", "scheduler", "context", "merged"),
                iterable(JSON.readTree(text).fieldNames()));
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}

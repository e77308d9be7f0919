package dev.loomscope.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Sites;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot → records → JSON → records: a dump read back the way readers read it (databind onto the format's records,
 * here strictly: a field the records do not know fails) is the records the writer wrote from. The snapshot is made by
 * hand so that every section and every optional field has a value: sites of every kind, a carrier with a name and one
 * without, the scheduler's pool and MXBean, a throttling file, unwalked slices and an unsampled leak cluster, the
 * earlier heatmap row.
 */
class SnapshotRoundTripTest {
    private static final long MS = 1_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void whatTheAgentWritesReadsBackAsTheRecordsItWroteFrom() throws Exception {
        LoomscopeDump written = SnapshotJsonWriter.dump(snapshot());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpJsonWriter.write(written, out);
        LoomscopeDump read = JSON.readValue(out.toByteArray(), LoomscopeDump.class);
        assertEquals(written, read);

        // The records hold what the snapshot held (spot checks; the JSON itself is checked against the schema by
        // SnapshotJsonSchemaTest and, for real dumps, SchemaIT).
        assertEquals(LoomscopeDump.SCHEMA, read.schema());
        assertEquals(20, read.counts().created());
        assertEquals(27, HeatmapRow.sum(read.heatmaps().activity().create()));
        assertEquals(Thread.currentThread().getName(), read.carriers().perCarrier().get(0).name());
        assertNull(read.carriers().perCarrier().get(1).name(), "no live thread has that id");
        assertNull(read.longSlices().longest().get(1).frames(), "not walked");
        assertNull(read.leaks().clusters().get(1).frames(), "not sampled");
        assertEquals(List.of("app.Two.a(A.java:1)", "app.Two.b(B.java:2)"), read.sites().block().get(0).frames(),
                "most blocked time first");
        Sites.Charges blocked = read.sites().block().get(0).blocked();
        assertArrayEquals(new long[][]{{LogLatencyBuckets.index(40 * MS), 1}}, blocked.buckets(),
                "the site's latencies by bucket");
        assertEquals((long) Math.ceil(LogLatencyBuckets.upperBoundNanos(LogLatencyBuckets.index(40 * MS))),
                blocked.p99Ns(), "p99 is the upper bound of its bucket");
        assertEquals(4L, read.scheduler().mxBean().queuedVirtualThreadCount());
        assertTrue(read.context().cpuThrottling().available());
        assertEquals(3, read.recorder().shedding().maxLevel());
        assertEquals(1_500_000L, HeatmapRow.columnSum(read.recorder().shedding().windows(), 1)
                + HeatmapRow.columnSum(read.recorder().shedding().windows(), 3), "µs at each level");
        dev.loomscope.format.Operations.Operation payments = read.operations().operation("POST /payments");
        assertEquals(Map.of("park", 4L), payments.blocksByKind(), "pinned blocks are counted apart");
        assertEquals(40, payments.latencies().wakeToRun().count(), "a sparse histogram, written as any other");
        assertEquals(40 * 997, payments.latencies().wakeToRun().histogram().getMaxValue(), 40);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", payments.exemplars().wakeToRun().get(0).traceId());
        assertNull(payments.exemplars().blocked().get(0).traceId());
        assertEquals(List.of("app.One.a(A.java:1)", "app.One.b(B.java:2)"),
                payments.exemplars().blocked().get(0).frames(), "the site of the block");
        assertEquals(List.of("app.Two.a(A.java:1)", "app.Two.b(B.java:2)"), payments.blockSites().get(0).frames());
        assertEquals(1_700_003_610_300L, payments.exemplars().blocked().get(0).startEpochMs());
        assertEquals(1000, read.operations().critical().samplesPerSecond());
    }

    @Test
    void theJsonIsTheWritersWhicheverWayItIsCalled() throws Exception {
        Snapshot snapshot = snapshot();
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        SnapshotJsonWriter.write(snapshot, direct);
        ByteArrayOutputStream viaRecords = new ByteArrayOutputStream();
        DumpJsonWriter.write(SnapshotJsonWriter.dump(snapshot), viaRecords);
        assertArrayEquals(viaRecords.toByteArray(), direct.toByteArray());
        JsonNode json = JSON.readTree(direct.toByteArray());
        assertEquals("loomscope/1", json.get("schema").asText());
    }

    private static LatencyDistribution distribution(long seed, int n) {
        return histogram(seed, n).snapshot();
    }

    private static LatencyHistogram histogram(long seed, int n) {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < n; i++) {
            h.record((seed * (i + 1) * 7919) % 50_000_000L + i);
        }
        return h;
    }

    private static WindowedHeatmap.Row row(long startMs, long lengthMs, int tier, int... columnCountPairs) {
        int[] cells = new int[LogLatencyBuckets.BUCKETS];
        for (int i = 0; i < columnCountPairs.length; i += 2) {
            cells[columnCountPairs[i]] = columnCountPairs[i + 1];
        }
        return new WindowedHeatmap.Row(startMs * MS, lengthMs * MS, tier, cells);
    }

    private static SiteTable.Site site(String name, long creates, int blockKind, long blocks, long[] blocked,
                                       long[] wakeToRun, long[] pinned) {
        SiteTable.SiteStats site = new SiteTable.SiteStats(List.of(name + ".a(A.java:1)", name + ".b(B.java:2)"));
        for (long i = 0; i < creates; i++) {
            site.created();
        }
        for (long i = 0; i < blocks; i++) {
            site.blockBegan(blockKind);
        }
        for (long v : blocked) {
            site.blocked(v);
        }
        for (long v : wakeToRun) {
            site.wokeToRun(v);
        }
        for (long v : pinned) {
            site.pinnedBlockBegan(PinnedKind.WAIT);
            site.pinned(v);
        }
        return site.snapshot();
    }

    static Snapshot snapshot() {
        long[] blocksByKind = new long[BlockKind.COUNT];
        blocksByKind[BlockKind.PARK] = 11;
        blocksByKind[BlockKind.SLEEP] = 3;
        blocksByKind[BlockKind.PINNED] = 2;
        long[] droppedByKind = new long[EventKind.COUNT];
        droppedByKind[EventKind.CREATE] = 4;
        long[] pinnedByKind = new long[PinnedKind.COUNT];
        pinnedByKind[PinnedKind.PARK] = 1;
        pinnedByKind[PinnedKind.MONITOR] = 1;
        Counts counts = new Counts(20, 19, 15, 5, 1, 16, 2, 13, 3, 40, 38, 0, 4, 0, blocksByKind, droppedByKind, 2, 0,
                9, 12_345, 6, pinnedByKind);
        List<LatencyDistribution> byKind = new ArrayList<>();
        for (int kind = 0; kind < BlockKind.COUNT; kind++) {
            boolean seen = kind == BlockKind.PARK || kind == BlockKind.SLEEP || kind == BlockKind.PINNED;
            byKind.add(seen ? distribution(kind + 3, 50) : null);
        }
        LatencyHistogram clamped = histogram(17, 10);
        clamped.record(Long.MAX_VALUE / 2);
        List<LatencyDistribution> pinnedByKindLatencies = new ArrayList<>();
        for (int kind = 0; kind < PinnedKind.COUNT; kind++) {
            pinnedByKindLatencies.add(kind == PinnedKind.MONITOR ? distribution(kind + 7, 2) : null);
        }
        Snapshot.Latencies latencies = new Snapshot.Latencies(distribution(1, 100), distribution(2, 1000),
                clamped.snapshot(), new LatencyHistogram().snapshot(), distribution(5, 3), byKind,
                pinnedByKindLatencies);
        List<WindowedHeatmap.Row> rows = List.of(
                new WindowedHeatmap.Row(Long.MIN_VALUE, 1_699_000_000_000L * MS, -1, row(0, 0, -1, 1, 5, 2, 7).cells()),
                row(1_700_000_000_000L, 3_600_000, 3, 0, 1, 1, 3), row(1_700_003_600_000L, 10_000, 1, 1, 3),
                row(1_700_003_610_000L, 1000, 0, 0, 2, 1, 5, 160, 1), row(1_700_003_611_000L, 1000, 0));
        Snapshot.Heatmaps heatmaps = new Snapshot.Heatmaps(rows, rows, List.of(), rows, rows, List.of(rows.get(3)),
                rows, List.of());
        long alive = Thread.currentThread().threadId();
        List<Snapshot.Carrier> carriers = List.of(new Snapshot.Carrier(1, alive, 10, 1000, 2000, 300, true),
                new Snapshot.Carrier(2, 987_654_321L, 30, 3000, 0, 900, false));
        long[] none = {};
        List<SiteTable.Site> sites = List.of(
                site("app.One", 3, BlockKind.PARK, 3, new long[]{10 * MS, 20 * MS}, new long[]{5000, 7000}, none),
                site("app.Two", 7, BlockKind.SLEEP, 2, new long[]{40 * MS}, new long[]{900}, new long[]{3 * MS}),
                site("app.Three", 3, BlockKind.PARK, 5, new long[]{MS}, none, none),
                site("app.Four", 0, BlockKind.PARK, 0, none, new long[]{100_000}, none));
        List<LongSlice> slices = List.of(
                new LongSlice(71, alive, 1_700_003_610_500L * MS + 123, 90 * MS, 2, true),
                new LongSlice(72, 987_654_321L, 1_700_003_600_100L * MS, 30 * MS, SiteTable.NONE, false));
        long[] sampledKinds = new long[BlockKind.COUNT];
        sampledKinds[BlockKind.PARK] = 1;
        sampledKinds[BlockKind.SLEEP] = 1;
        LeakCluster sampled = new LeakCluster(1, 2, 70_000 * MS, sampledKinds);
        long[] unsampledKinds = new long[BlockKind.COUNT];
        unsampledKinds[BlockKind.PARK] = 1;
        LeakCluster unsampled = new LeakCluster(SiteTable.NONE, 1, 61_000 * MS, unsampledKinds);
        Snapshot.Shedding shedding = new Snapshot.Shedding(1, 3, 2, 1_500 * MS, 12, 30,
                List.of(row(1_700_003_610_000L, 1000, 0, 1, 400_000, 3, 100_000), row(1_700_003_611_000L, 1000, 0, 1,
                        1_000_000)));
        long[] operationBlocks = new long[BlockKind.COUNT];
        operationBlocks[BlockKind.PARK] = 4;
        operationBlocks[BlockKind.PINNED] = 1;
        SparseLatencyHistogram sparse = new SparseLatencyHistogram();
        for (int i = 1; i <= 40; i++) {
            sparse.record(i * 997L);
        }
        Snapshot.Operation payments = new Snapshot.Operation("POST /payments", 12, 8, 5, 1, 4, 1, operationBlocks,
                sparse.snapshot(), distribution(9, 4), new SparseLatencyHistogram().snapshot(),
                List.of(new Snapshot.OperationSite(2, 3, 60 * MS)), 1,
                List.of(new Exemplars.Exemplar(9 * MS, 1_700_003_610_400L * MS, 71, "4bf92f3577b34da6a3ce929d0e0e4736",
                        SiteTable.NONE)),
                List.of(new Exemplars.Exemplar(40 * MS, 1_700_003_610_300L * MS + 7, 72, null, 1)),
                List.of());
        Snapshot.Operations operations = new Snapshot.Operations(200, 1, 0, 2, 0, 200, 0, 0, 0, 3, 30, 0, 1,
                List.of(payments));
        Snapshot.Data data = new Snapshot.Data(counts, latencies, heatmaps, carriers, 7, 20 * MS, slices, sites, 44,
                1, List.of(sampled, unsampled), 60_000 * MS, operations, shedding);

        Map<String, Object> scheduler = new LinkedHashMap<>();
        scheduler.put("parallelism", 2);
        scheduler.put("poolSize", 2);
        scheduler.put("activeThreads", 1);
        scheduler.put("runningThreads", 1);
        scheduler.put("queuedTasks", 0L);
        scheduler.put("queuedSubmissions", 3L);
        scheduler.put("steals", 17L);
        Map<String, Object> mxBean = new LinkedHashMap<>();
        mxBean.put("parallelism", 2);
        mxBean.put("poolSize", 2);
        mxBean.put("mountedVirtualThreadCount", 1);
        mxBean.put("queuedVirtualThreadCount", 4L);
        scheduler.put("mxBean", mxBean);
        Snapshot.Context context = new Snapshot.Context(List.of("G1 Young Generation"), 3, 12 * MS,
                "/sys/fs/cgroup/cpu.stat", 1, 500, scheduler,
                List.of(row(1_700_003_610_000L, 1000, 0, 0, 1, 1, 12_000), row(1_700_003_611_000L, 1000, 0)));
        AgentOptions options = AgentOptions.parse("sampleEvery=1,topSites=3", warning -> {
            throw new AssertionError(warning);
        });
        return new Snapshot(new Snapshot.JvmInfo(4242, "25.0.1", "Eclipse \"Adoptium\"", 1_700_000_000_000L),
                "0.1.0-SNAPSHOT", options.asMap(),
                new HookReport(List.of("VirtualThread.mount", "VirtualThread.park"), List.of()), false, "exit",
                1_700_000_000_500L, 1_700_003_612_000L, 3_611_500 * MS, 1000 * MS, data, context, 123_456_789L, "tsc");
    }
}

package dev.loomscope.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.ThreadShedding;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the metrics read from a snapshot is what the JSON of the same snapshot says. */
class MetricsReadingTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;
    private static final long CARRIER = 900;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCountIsTheJsonsCount() throws Exception {
        Snapshot snapshot = snapshot();
        MetricsReading reading = MetricsReading.of(snapshot);
        JsonNode dump = json(snapshot);
        JsonNode counts = dump.get("counts");

        assertEquals(counts.get("created").asLong(), reading.created());
        assertEquals(counts.get("started").asLong(), reading.started());
        assertEquals(counts.get("ended").asLong(), reading.ended());
        assertEquals(counts.get("live").asLong(), reading.live());
        assertEquals(counts.get("preexistingEnded").asLong(), reading.preexistingEnded());
        assertEquals(counts.get("wakes").asLong(), reading.wakes());
        assertEquals(counts.get("yields").asLong(), reading.yields());
        assertEquals(counts.get("mounts").asLong(), reading.mounts());
        assertEquals(counts.get("unmounts").asLong(), reading.unmounts());
        assertEquals(counts.get("submitFailed").asLong(), reading.submitFailed());
        assertEquals(counts.get("agentErrors").asLong(), reading.agentErrors());
        assertEquals(dump.at("/recorder/events").asLong(), reading.events());
        assertEquals(fields(counts.get("blocksByKind")), reading.blocksByKind());
        assertEquals(fields(counts.get("droppedByKind")), reading.droppedByKind());
        assertEquals(counts.get("blocks").asLong(), sum(reading.blocksByKind()));
        assertEquals(counts.get("pinnedBlocks").asLong(), reading.blocksByKind().get("pinned"));
        assertEquals(counts.get("dropped").asLong(), sum(reading.droppedByKind()));
        assertEquals(3, reading.droppedByKind().get("mount"));
        assertEquals(2, reading.agentErrors());

        assertEquals(dump.at("/carriers/started").asLong(), reading.carriersStarted());
        assertEquals(dump.at("/carriers/idlePeriods").asLong(), reading.carrierIdlePeriods());
        long busy = 0;
        int mountedNow = 0;
        for (JsonNode carrier : dump.at("/carriers/perCarrier")) {
            busy += carrier.get("busyNs").asLong();
            mountedNow += carrier.get("mountedNow").asBoolean() ? 1 : 0;
        }
        assertEquals(busy, reading.carrierBusyNanos());
        assertEquals(mountedNow, reading.carriersMountedNow());
        assertEquals(1, mountedNow);
        assertEquals(123_456_789L, reading.drainCpuNanos());
    }

    @Test
    void sheddingIsTheJsons() throws Exception {
        Snapshot snapshot = snapshot(Map.of(), new ThreadShedding(), 2);
        MetricsReading reading = MetricsReading.of(snapshot);
        JsonNode shedding = json(snapshot).at("/recorder/shedding");

        assertEquals(2, reading.sheddingLevel(), "raised to 2 and never lowered (no drain)");
        assertEquals(1, reading.sheddingEpisodes());
        assertEquals(shedding.get("levelNow").asInt(), reading.sheddingLevel());
        assertEquals(shedding.get("episodes").asLong(), reading.sheddingEpisodes());
        assertEquals(shedding.get("shedNs").asLong(), reading.sheddingNanos());
        assertTrue(reading.sheddingNanos() > 0);
        assertEquals(shedding.get("historiesForgotten").asLong(), reading.sheddingHistoriesForgotten());
        assertEquals(shedding.get("creationsCounted").asLong(), reading.sheddingCreationsCounted());
    }

    @Test
    void latenciesLeaksAndLongSlicesAreTheJsons() throws Exception {
        Snapshot snapshot = snapshot();
        MetricsReading reading = MetricsReading.of(snapshot);
        JsonNode dump = json(snapshot);

        assertEquals(dump.at("/latencies/wakeToRun/count").asLong(), reading.wakeToRun().count());
        assertEquals(dump.at("/latencies/startDelay/count").asLong(), reading.startDelay().count());
        assertEquals(dump.at("/latencies/runSlice/count").asLong(), reading.runSlice().count());
        assertEquals(dump.at("/latencies/pinnedBlocked/count").asLong(), reading.pinned().count());
        assertEquals(1, reading.pinned().count());
        Map<String, MetricsReading.Latency> blocked = reading.blockedByKind();
        assertEquals(List.of("park", "timedPark", "sleep", "monitor", "wait", "timedWait", "unknown"),
                List.copyOf(blocked.keySet()), "every unpinned kind, pinned apart");
        long blockedCount = 0;
        for (Map.Entry<String, MetricsReading.Latency> kind : blocked.entrySet()) {
            assertEquals(dump.at("/latencies/blockedByKind/" + kind.getKey() + "/count").asLong(0),
                    kind.getValue().count(), kind.getKey());
            blockedCount += kind.getValue().count();
        }
        assertEquals(dump.at("/latencies/blocked/count").asLong(), blockedCount);

        // the values a distribution reports add up to its count, the highest to the JSON's max
        List<long[]> ranges = new ArrayList<>();
        reading.wakeToRun().forEachRecordedValue((highest, median, count) -> ranges.add(new long[]{highest, count}));
        assertEquals(reading.wakeToRun().count(), ranges.stream().mapToLong(r -> r[1]).sum());
        assertEquals(dump.at("/latencies/wakeToRun/max").asLong(), ranges.get(ranges.size() - 1)[0]);

        assertEquals(dump.at("/leaks/threads").asLong(), reading.leakedThreads());
        assertEquals(3, reading.leakedThreads());
        assertEquals(dump.at("/leaks/clusters").size(), reading.leakClusters());
        assertEquals(dump.at("/leaks/clusters/0/threads").asLong(), reading.largestLeakClusterThreads());
        assertEquals(dump.at("/leaks/clusters/0/oldestBlockedNs").asLong(), reading.largestLeakClusterOldestNanos());
        assertEquals(dump.at("/longSlices/count").asLong(), reading.longSlices());
        assertEquals(2, reading.longSlices(), "one 30 ms slice of each of the two threads");
        assertEquals(1, reading.longSlicesRunning());
        long ongoing = 0;
        for (JsonNode slice : dump.at("/longSlices/longest")) {
            if (slice.get("ongoing").asBoolean()) {
                ongoing = slice.get("durationNs").asLong();
            }
        }
        // the JSON's ongoing slice is measured when it is written, a little later than the reading's
        assertEquals(ongoing, reading.longestRunningSliceNanos(), 100 * MS);
    }

    @Test
    void schedulerValuesPreferTheMxBean() {
        Map<String, Object> scheduler = new java.util.LinkedHashMap<>();
        assertEquals(MetricsReading.UNKNOWN, MetricsReading.of(snapshot(scheduler)).schedulerQueued());
        scheduler.put("parallelism", 2);
        scheduler.put("poolSize", 3);
        scheduler.put("queuedTasks", 4L);
        scheduler.put("queuedSubmissions", 5L);
        scheduler.put("steals", 6L);
        MetricsReading pool = MetricsReading.of(snapshot(scheduler));
        assertEquals(2, pool.schedulerParallelism());
        assertEquals(3, pool.schedulerPoolSize());
        assertEquals(9, pool.schedulerQueued());
        assertEquals(6, pool.schedulerSteals());
        assertEquals(MetricsReading.UNKNOWN, pool.schedulerMounted());
        scheduler.put("mxBean", Map.of("parallelism", 8, "poolSize", 7, "mountedVirtualThreadCount", 1,
                "queuedVirtualThreadCount", 10L));
        MetricsReading mxBean = MetricsReading.of(snapshot(scheduler));
        assertEquals(8, mxBean.schedulerParallelism());
        assertEquals(7, mxBean.schedulerPoolSize());
        assertEquals(10, mxBean.schedulerQueued());
        assertEquals(1, mxBean.schedulerMounted());
    }

    private static long sum(Map<String, Long> values) {
        return values.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Long> fields(JsonNode object) {
        Map<String, Long> map = new java.util.LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asLong()));
        return map;
    }

    private static JsonNode json(Snapshot snapshot) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotJsonWriter.write(snapshot, out);
        return JSON.readTree(out.toByteArray());
    }

    private static Snapshot snapshot() {
        return snapshot(Map.of());
    }

    private static Snapshot snapshot(Map<String, Object> scheduler) {
        return snapshot(scheduler, new ThreadShedding(), 0);
    }

    /**
     * Two threads that block, wake and run; one pinned block; three threads parked for two minutes (leaked at the
     * default 60 s threshold); a 30 ms slice (long) in each of the first two, and one still running for a second.
     */
    private static Snapshot snapshot(Map<String, Object> scheduler, ThreadShedding shedding, int shedLevel) {
        AgentOptions options = AgentOptions.DEFAULTS;
        long now = System.nanoTime();
        long origin = now - 600 * SECOND;
        long originEpochNanos = System.currentTimeMillis() * MS - 600 * SECOND;
        Aggregator aggregator = new Aggregator(100, origin, originEpochNanos, options.windowNanos(),
                options.fineWindows(), options.longSliceNanos(), null, options.leakThresholdNanos(),
                options.stackDepth(), ClockConversion.identity(), shedding);
        if (shedLevel > 0) {
            shedding.raiseTo(shedLevel); // a ring past its high-water mark, before the first record
        }
        long t = now - 300 * SECOND;
        long thread = 100;
        for (int i = 0; i < 2; i++) {
            aggregator.accept(t, EventKind.CREATE, ++thread, 1);
            aggregator.accept(t + MS, EventKind.MOUNT, thread, CARRIER);
            aggregator.accept(t + 2 * MS, EventKind.BLOCK, thread, BlockKind.PARK);
            aggregator.accept(t + 7 * MS, EventKind.SUBMIT, thread, 5);
            aggregator.accept(t + 9 * MS, EventKind.MOUNT, thread, CARRIER);
            aggregator.accept(t + 39 * MS, EventKind.BLOCK, thread, 2 * MS << 8 | BlockKind.SLEEP); // a 30 ms slice
            aggregator.accept(t + 42 * MS, EventKind.SUBMIT, thread, 5);
            aggregator.accept(t + 43 * MS, EventKind.MOUNT, thread, CARRIER);
            aggregator.accept(t + 44 * MS, EventKind.END, thread, 0);
            t += SECOND;
        }
        aggregator.accept(t, EventKind.CREATE, ++thread, 1);
        aggregator.accept(t + MS, EventKind.MOUNT, thread, CARRIER);
        aggregator.accept(t + 2 * MS, EventKind.PINNED_BLOCK, thread, CARRIER);
        aggregator.accept(t + 5 * MS, EventKind.PINNED_UNBLOCK, thread, CARRIER);
        aggregator.accept(t + 6 * MS, EventKind.END, thread, 0);
        t = now - 120 * SECOND;
        for (int i = 0; i < 3; i++) {
            aggregator.accept(t, EventKind.CREATE, ++thread, 1);
            aggregator.accept(t + MS, EventKind.MOUNT, thread, CARRIER);
            aggregator.accept(t + 2 * MS, EventKind.BLOCK, thread, BlockKind.PARK);
        }
        aggregator.accept(now - SECOND, EventKind.CREATE, ++thread, 1);
        aggregator.accept(now - SECOND + MS, EventKind.MOUNT, thread, CARRIER + 1); // still running at the dump
        long[] dropped = new long[EventKind.COUNT];
        dropped[EventKind.MOUNT] = 3;
        ContextSampler context = new ContextSampler(options.windowNanos(), options.fineWindows(), null, null, origin,
                originEpochNanos);
        return new Snapshot(new Snapshot.JvmInfo(ProcessHandle.current().pid(), "25", "test", 1), "dev",
                options.asMap(), new HookReport(List.of(), List.of()), false, DumpTriggers.ATTACH_DUMP,
                System.currentTimeMillis() - 600_000, System.currentTimeMillis(), 600 * SECOND, options.windowNanos(),
                aggregator.snapshot(dropped, 2), context.snapshot(scheduler), 123_456_789L, "tsc");
    }
}

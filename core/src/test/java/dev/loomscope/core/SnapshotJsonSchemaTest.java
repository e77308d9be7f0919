package dev.loomscope.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.bootstrap.OperationScopes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The writer's output for what a real run in a test cannot reach in reasonable time is valid against
 * {@code docs/loomscope-1.schema.json}: nine hours of history at 10 ms windows, so every heatmap tier and the
 * "earlier" row appear, with a late attach, an unknown block kind, a leak without a sampled site, unwalked long slices
 * (finished and ongoing) and a carrier without a name. Real dumps are validated by the agent's SchemaIT.
 */
class SnapshotJsonSchemaTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;
    private static final long HOUR = 3600 * SECOND;
    private static final long CARRIER = 900;
    private static final int OTHER = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nineHoursOfHistoryAtTenMillisecondWindowsIsValidWithEveryTierAndTheEarlierRow() throws Exception {
        AgentOptions options = AgentOptions.parse("window=10ms,retention=0ms,leakThreshold=1h", w -> fail(w));
        long now = System.nanoTime();
        long origin = now - 10 * HOUR;
        long originEpochNanos = System.currentTimeMillis() * MS - 10 * HOUR;
        // operations: "POST /payments" with trace ids, "other" without; limit and counts as the recorder gives them
        Map<Integer, String> names = Map.of(2, "POST /payments", OTHER, "other");
        Aggregator aggregator = new Aggregator(100, origin, originEpochNanos, options.windowNanos(),
                options.fineWindows(), options.longSliceNanos(), null, options.leakThresholdNanos(),
                options.stackDepth(), ClockConversion.identity(),
                new OperationMetrics(names::get,
                        handle -> handle % 3 == 0 ? null : "4bf92f3577b34da6a3ce929d0e0e" + handle,
                        operations -> new Snapshot.Operations(2, 1, 7, 1, 0, 200, 0, 1, 2, 3, 30, 4, 1, operations)));
        long thread = 100;
        for (long t = origin + SECOND; t < origin + 9 * HOUR; t += 30 * SECOND) {
            thread++;
            aggregator.accept(t, EventKind.CREATE, thread, 1);
            aggregator.accept(t, EventKind.OPERATION, thread, OperationScopes.recordArg(thread % 2 == 0 ? 2 : OTHER,
                    thread % 4, OperationScopes.INHERIT));
            aggregator.accept(t + MS, EventKind.MOUNT, thread, CARRIER);
            aggregator.accept(t + 2 * MS, EventKind.BLOCK, thread, 5 * MS << 8 | BlockKind.TIMED_PARK);
            aggregator.accept(t + 8 * MS, EventKind.SUBMIT, thread, 5);
            aggregator.accept(t + 9 * MS, EventKind.MOUNT, thread, CARRIER);
            aggregator.accept(t + 10 * MS, EventKind.END, thread, 0);
        }
        long t = now - 2 * HOUR;
        aggregator.accept(t, EventKind.CREATE, ++thread, 1); // blocked for two hours at the dump: a leak
        aggregator.accept(t + MS, EventKind.MOUNT, thread, CARRIER);
        aggregator.accept(t + 2 * MS, EventKind.BLOCK, thread, BlockKind.PARK);
        aggregator.accept(t + 3 * MS, EventKind.CREATE, ++thread, 1); // a kind the agent does not know, then pinned
        aggregator.accept(t + 4 * MS, EventKind.MOUNT, thread, CARRIER);
        aggregator.accept(t + 54 * MS, EventKind.BLOCK, thread, 0xFF); // after a 50 ms slice: a long one
        aggregator.accept(t + 55 * MS, EventKind.SUBMIT, thread, 5);
        aggregator.accept(t + 56 * MS, EventKind.MOUNT, thread, CARRIER);
        aggregator.accept(t + 57 * MS, EventKind.PINNED_BLOCK, thread, CARRIER);
        aggregator.accept(t + 58 * MS, EventKind.PINNED_UNBLOCK, thread, CARRIER);
        aggregator.accept(t + 59 * MS, EventKind.BLOCK, thread, BlockKind.YIELD);
        aggregator.accept(t + 60 * MS, EventKind.SUBMIT, thread, 5);
        aggregator.accept(t + 61 * MS, EventKind.MOUNT, thread, CARRIER);
        aggregator.accept(t + 62 * MS, EventKind.END, thread, 0);
        aggregator.accept(t + 63 * MS, EventKind.END, 50, 0); // a thread from before the (late) attach
        aggregator.accept(now - SECOND, EventKind.CREATE, ++thread, 1);
        aggregator.accept(now - SECOND + MS, EventKind.MOUNT, thread, CARRIER + 1); // still running at the dump

        ContextSampler context = new ContextSampler(options.windowNanos(), options.fineWindows(), null, null, origin,
                originEpochNanos);
        context.sample(System.nanoTime());
        Snapshot snapshot = new Snapshot(new Snapshot.JvmInfo(ProcessHandle.current().pid(), "25", "test", 1),
                "dev", options.asMap(),
                new HookReport(List.of("VirtualThread.mount"), List.of("VirtualThread.parkOnCarrierThread")), true,
                DumpTriggers.ATTACH_DUMP, System.currentTimeMillis() - 10 * 3_600_000, System.currentTimeMillis(),
                10 * HOUR, options.windowNanos(), aggregator.snapshot(new long[EventKind.COUNT], 0),
                context.snapshot(context.schedulerNow()), 123_456_789L, "tsc");
        LoomscopeDump records = SnapshotJsonWriter.dump(snapshot);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpJsonWriter.write(records, out);
        JsonNode dump = JSON.readTree(out.toByteArray());

        assertEquals(List.of(), violations(dump));
        assertEquals(records, JSON.readValue(out.toByteArray(), LoomscopeDump.class), "read back as written");

        JsonNode rows = dump.at("/heatmaps/activity/create");
        List<Integer> tiers = new ArrayList<>();
        rows.forEach(row -> {
            if (!tiers.contains(row.get("tier").asInt())) {
                tiers.add(row.get("tier").asInt());
            }
        });
        assertEquals(List.of(-1, 3, 2, 1, 0), tiers, "the earlier row, then tiers from coarse to fine");
        JsonNode earlier = rows.get(0);
        assertTrue(earlier.get("startEpochMs").isNull());
        assertTrue(earlier.get("endEpochMs").asLong() <= rows.get(1).get("startEpochMs").asLong());
        assertEquals("0ns", dump.at("/agent/options/retention").asText());
        assertEquals(1, dump.at("/counts/preexistingEnded").asLong());
        assertEquals(1, dump.at("/counts/blocksByKind/unknown").asLong());
        assertEquals(1, dump.at("/latencies/blockedByKind/unknown/count").asLong());
        assertEquals(1, dump.at("/leaks/clusters").size());
        assertTrue(dump.at("/leaks/clusters/0/frames").isNull());
        assertEquals(2, dump.at("/longSlices/longest").size(), dump.at("/longSlices").toString());
        for (JsonNode slice : dump.at("/longSlices/longest")) {
            assertTrue(slice.get("frames").isNull(), "not walked: " + slice);
        }
        assertTrue(dump.at("/longSlices/longest/0/ongoing").asBoolean(), "a second is longer than 50 ms");
        assertTrue(dump.at("/carriers/perCarrier/0").has("threadId"));
        assertTrue(!dump.at("/carriers/perCarrier/0").has("name"), "no live thread has id 900");
        assertTrue(!dump.at("/scheduler").has("parallelism"), "no scheduler pool given");
        assertEquals("other", dump.at("/operations/perOperation/0/name").asText(), "in the order first seen");
        JsonNode payments = dump.at("/operations/perOperation/1");
        assertEquals("POST /payments", payments.get("name").asText());
        assertEquals(5, payments.at("/exemplars/wakeToRun").size());
        List<Boolean> withTraceIds = new ArrayList<>();
        dump.at("/operations/perOperation").forEach(operation -> operation.at("/exemplars/blocked")
                .forEach(exemplar -> withTraceIds.add(exemplar.has("traceId"))));
        assertTrue(withTraceIds.contains(true) && withTraceIds.contains(false), "with and without: " + withTraceIds);
    }

    /** A row is either regular or the earlier row, never a mix (each form checked alone, on the schema's own $defs). */
    @Test
    void aRowIsEitherRegularOrTheEarlierRow() throws Exception {
        JsonNode full = JSON.readTree(schemaFile().toFile());
        com.fasterxml.jackson.databind.node.ObjectNode rowOnly = JSON.createObjectNode();
        rowOnly.set("$schema", full.get("$schema"));
        rowOnly.set("$defs", full.get("$defs"));
        rowOnly.put("$ref", "#/$defs/row");
        Schema row = registry().getSchema(rowOnly);
        for (String valid : List.of(
                "{\"startEpochMs\": 1000, \"lengthMs\": 1000, \"tier\": 0, \"cells\": [[0, 1], [3, 7]]}",
                "{\"startEpochMs\": null, \"endEpochMs\": 5, \"tier\": -1, \"cells\": []}")) {
            assertEquals(List.of(), row.validate(JSON.readTree(valid)).stream().map(Object::toString).toList(), valid);
        }
        for (String invalid : List.of(
                "{\"startEpochMs\": null, \"lengthMs\": 1000, \"tier\": 0, \"cells\": []}",
                "{\"startEpochMs\": null, \"endEpochMs\": 5, \"tier\": 0, \"cells\": []}",
                "{\"startEpochMs\": 1000, \"endEpochMs\": 5, \"tier\": -1, \"cells\": []}",
                "{\"startEpochMs\": 1000, \"lengthMs\": 1000, \"tier\": 0, \"cells\": [[0, 0]]}",
                "{\"startEpochMs\": 1000, \"lengthMs\": 1000, \"tier\": 0, \"cells\": [[0]]}")) {
            assertTrue(!row.validate(JSON.readTree(invalid)).isEmpty(), invalid);
        }
    }

    private static Path schemaFile() {
        return Path.of("..", "docs", "loomscope-1.schema.json").toAbsolutePath().normalize();
    }

    private static SchemaRegistry registry() {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    }

    private static List<String> violations(JsonNode dump) throws Exception {
        Path file = schemaFile();
        assertTrue(Files.isRegularFile(file), "no schema at " + file);
        Schema schema = registry().getSchema(JSON.readTree(file.toFile()));
        return schema.validate(dump).stream().map(Object::toString).toList();
    }
}

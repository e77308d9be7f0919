package dev.loomscope.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.format.Agent;
import dev.loomscope.format.Carriers;
import dev.loomscope.format.Context;
import dev.loomscope.format.Counts;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.Jvm;
import dev.loomscope.format.Latencies;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.Leaks;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Recorder;
import dev.loomscope.format.Recording;
import dev.loomscope.format.Scheduler;
import dev.loomscope.format.Sites;
import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hand-made dumps for unit tests, all from one complete dump ({@link #dump}): a test sets the fields it is about and
 * {@link #complete} fills in the rest, so every dump a test reads is valid against the JSON Schema, as every command
 * now checks.
 */
final class TestDumps {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MS = 1_000_000;

    private TestDumps() {
    }

    /** A histogram as the agent configures it (1 ns to 7 days, 3 significant digits). */
    static Histogram histogram() {
        return new Histogram(1, TimeUnit.DAYS.toNanos(7), 3);
    }

    /** {@code count} samples of {@code valueNs}, added to {@code h}. */
    static Histogram add(Histogram h, long valueNs, long count) {
        h.recordValueWithCount(valueNs, count);
        return h;
    }

    /** Block kinds as counts.blocksByKind lists them. */
    static final List<String> BLOCK_KINDS = List.of("park", "timedPark", "sleep", "monitor", "wait", "timedWait",
            "pinned", "unknown");
    private static final List<String> RECORD_KINDS = List.of("create", "mount", "block", "submit", "end",
            "submitFailed", "pinnedBlock", "pinnedUnblock", "sleepBegin", "sleepEnd", "carrierIdle", "carrierActive",
            "carrierStart", "carrierExit", "sample");
    /** The constants the agent writes into every dump (core's SnapshotJsonWriter; the schema checks them). */
    private static final String ACTIVITY_COLUMNS = "carrier column (carriers.perCarrier[].column); 0 = other threads";
    private static final Heatmaps.Buckets LATENCY_BUCKETS = new Heatmaps.Buckets("base2-exponential", 4, 161,
            "i holds latencies v (ns) with 2^(i/4) < v <= 2^((i+1)/4); 0 also holds v <= 1; the last holds v > 2^40");
    private static final List<String> CONTEXT_COLUMNS = List.of("gcPauses", "gcPauseUs", "throttledPeriods",
            "throttledUs", "schedulerSamples", "queuedSum", "poolSizeSum");

    /**
     * A complete, valid dump of one JVM in which nothing happened: every section, every count 0, every distribution
     * empty, every list empty; written by the agent's own writer from the format's records, as a JSON tree for a test
     * to change. What a test does not set is what the writer writes for an idle JVM.
     */
    static ObjectNode dump(long pid) {
        long start = 1_700_000_000_000L + pid;
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("out", "loomscope-" + pid + ".json");
        options.put("rings", 16);
        options.put("ringCapacity", 32768);
        options.put("recording", true);
        options.put("quiet", false);
        options.put("window", "1s");
        options.put("retention", "10m");
        options.put("longSlice", "20ms");
        options.put("sampleEvery", 100);
        options.put("critical", "");
        options.put("samplesPerSecond", 1000);
        options.put("stackDepth", 32);
        options.put("topSites", 20);
        options.put("leakThreshold", "60s");
        options.put("dump", "loomscope-%p-%t.json");
        options.put("interval", "off");
        options.put("sigquit", true);
        options.put("threadSample", 1);
        options.put("clock", "auto");
        Map<String, Long> blocksByKind = new LinkedHashMap<>();
        BLOCK_KINDS.forEach(kind -> blocksByKind.put(kind, 0L));
        Map<String, Long> droppedByKind = new LinkedHashMap<>();
        RECORD_KINDS.forEach(kind -> droppedByKind.put(kind, 0L));
        LatencySummary empty = LatencySummary.of(histogram(), 0);
        LoomscopeDump dump = new LoomscopeDump(LoomscopeDump.SCHEMA,
                new Jvm(pid, "25", "test", start),
                new Agent("0.1.0", options, new Agent.Hooks(List.of("VirtualThread.mount"), List.of())),
                new Recording("exit", Recording.STARTUP, start, start + 10_000, 10_000_000_000L),
                new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, blocksByKind, droppedByKind,
                        null), // pinnedByKind: optional (absent in dumps of earlier agents), left to each test
                new Recorder(0, 0, 0, "tsc"),
                new Carriers(0, 0, 0, List.of()),
                new Latencies(empty, empty, empty, empty, empty, Map.of(), Map.of()),
                new LongSlices(20 * MS, 0, List.of()),
                new Sites(100, 0, 0, 0, List.of(), List.of(), List.of(), List.of()),
                new Leaks(60_000 * MS, 0, List.of()),
                new Heatmaps(1000, new Heatmaps.Activity(ACTIVITY_COLUMNS, List.of(), List.of(), List.of(), List.of()),
                        new Heatmaps.Latency(LATENCY_BUCKETS, List.of(), List.of(), List.of(), List.of())),
                new Scheduler(1L, 1L, 0L, 0L, 0L, 0L, 0L, new Scheduler.MxBean(1, 1, 0, 0)),
                new Context(new Context.Gc(List.of("G1 Young Generation"), 0, 0, MS),
                        new Context.CpuThrottling(false, null, 0, 0), CONTEXT_COLUMNS, List.of()),
                null);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DumpJsonWriter.write(dump, bytes);
            return (ObjectNode) JSON.readTree(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code partial}, a dump a test wrote with only the fields it is about, completed into a valid dump: each of its
     * sections (and jvm, counts and latencies, which every dump has) over the same section of {@link #dump}, field by
     * field; a latency summary of a block kind over an empty summary. Its values win, wrong ones included; arrays are
     * its own, and sections it does not have stay absent (as in an earlier agent's dump).
     */
    static ObjectNode complete(JsonNode partial) {
        ObjectNode base = dump(partial.path("jvm").path("pid").asLong(1));
        JsonNode byKind = partial.at("/latencies/blockedByKind");
        if (byKind.isObject()) {
            ObjectNode baseByKind = (ObjectNode) base.at("/latencies/blockedByKind");
            byKind.fieldNames().forEachRemaining(kind -> baseByKind.set(kind, base.at("/latencies/wakeToRun")));
        }
        ObjectNode complete = JSON.createObjectNode();
        base.fieldNames().forEachRemaining(section -> {
            if (partial.has(section) || List.of("schema", "jvm", "counts", "latencies").contains(section)) {
                complete.set(section, over(base.get(section), partial.get(section)));
            }
        });
        partial.fieldNames().forEachRemaining(name -> {
            if (!complete.has(name)) {
                complete.set(name, partial.get(name)); // merged, or a field of a later agent
            }
        });
        return complete;
    }

    /** Parses {@code partial} and {@link #complete completes} it. */
    static ObjectNode complete(String partial) {
        try {
            return complete(JSON.readTree(partial));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code partial}, {@link #complete completed}, to {@code file}. */
    static Path writeCompleted(Path file, String partial) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(complete(partial)));
        return file;
    }

    /** {@code top} over {@code base}: objects field by field, anything else {@code top}'s when it has one. */
    private static JsonNode over(JsonNode base, JsonNode top) {
        if (top == null) {
            return base.deepCopy();
        }
        if (!base.isObject() || !top.isObject()) {
            return top.deepCopy();
        }
        ObjectNode merged = base.deepCopy();
        top.fieldNames().forEachRemaining(name -> merged.set(name,
                base.has(name) ? over(base.get(name), top.get(name)) : top.get(name).deepCopy()));
        return merged;
    }

    /** Sets {@code latencies.<metric>} (dotted for nested, e.g. blockedByKind.sleep) to the histogram's summary. */
    static ObjectNode latency(ObjectNode dump, String metric, Histogram h) {
        ObjectNode parent = (ObjectNode) dump.get("latencies");
        String[] path = metric.split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            parent = parent.has(path[i]) ? (ObjectNode) parent.get(path[i]) : parent.putObject(path[i]);
        }
        parent.set(path[path.length - 1], JSON.valueToTree(LatencySummary.of(h, 0)));
        return dump;
    }

    /** A heatmap row {startEpochMs, lengthMs, tier, cells}. */
    static ObjectNode row(long startEpochMs, long lengthMs, int tier, long... columnCountPairs) {
        ObjectNode row = JSON.createObjectNode();
        row.put("startEpochMs", startEpochMs);
        row.put("lengthMs", lengthMs);
        row.put("tier", tier);
        cells(row, columnCountPairs);
        return row;
    }

    /** The "earlier" row: everything before {@code endEpochMs}. */
    static ObjectNode earlier(long endEpochMs, long... columnCountPairs) {
        ObjectNode row = JSON.createObjectNode();
        row.putNull("startEpochMs");
        row.put("endEpochMs", endEpochMs);
        row.put("tier", -1);
        cells(row, columnCountPairs);
        return row;
    }

    private static void cells(ObjectNode row, long... pairs) {
        ArrayNode cells = row.putArray("cells");
        for (int i = 0; i < pairs.length; i += 2) {
            cells.addArray().add(pairs[i]).add(pairs[i + 1]);
        }
    }

    static ArrayNode rows(JsonNode... rows) {
        ArrayNode array = JSON.createArrayNode();
        for (JsonNode row : rows) {
            array.add(row);
        }
        return array;
    }

    /** Rows made with {@link #row} and {@link #earlier}, as the format's records. */
    static List<HeatmapRow> heatmapRows(JsonNode rows) {
        return JSON.convertValue(rows, new TypeReference<>() {
        });
    }

    /** Writes the dump, {@link #complete completed}, and reads it back the way every command does. */
    static Dump write(Path dir, String name, JsonNode dump) throws IOException, UnusableInputException {
        Path file = dir.resolve(name);
        Files.write(file, JSON.writeValueAsBytes(complete(dump)));
        return Dump.read(file);
    }

    /** Writes the records as merge and the agent do, and reads them back the way every command does. */
    static Dump write(Path dir, String name, LoomscopeDump dump) throws IOException, UnusableInputException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            DumpJsonWriter.write(dump, out);
        }
        return Dump.read(file);
    }

    /**
     * An operations section: {@code name} with {@code count} wakes of {@code wakeNs} each and one worst event of
     * {@code worstNs}, a block site, and trace id {@code trace}.
     */
    static ObjectNode withOperation(ObjectNode dump, String name, long wakeNs, long count, long worstNs,
                                            String trace, String siteFrame) {
        ObjectNode operations = dump.has("operations") ? (ObjectNode) dump.get("operations")
                : dump.putObject("operations");
        if (!operations.has("limit")) {
            operations.put("limit", 200).put("named", 0).put("scopesOverLimit", 0).put("scopesIgnored", 1)
                    .put("namesTruncated", 0).put("maxNameChars", 200).put("scopesUntracked", 0)
                    .put("traceIdsIgnored", 0).put("traceIdsLost", 0).put("apiClassesWoven", 1);
            operations.putObject("critical").put("scopes", 2).put("samples", 4).put("samplesCapped", 0)
                    .put("samplesPerSecond", 1000);
            operations.putArray("perOperation");
        }
        operations.put("named", operations.get("named").asLong() + (name.equals("other") ? 0 : 1));
        ObjectNode operation = ((ArrayNode) operations.get("perOperation")).addObject();
        operation.put("name", name).put("threads", count).put("inheritedThreads", 1).put("blocks", count)
                .put("pinnedBlocks", 0).put("wakes", count).put("longSlices", 0);
        operation.putObject("blocksByKind").put("park", count);
        ObjectNode latencies = operation.putObject("latencies");
        latencies.set("wakeToRun", summary(add(add(histogram(), wakeNs, count - 1),
                worstNs, 1)));
        latencies.set("blocked", summary(add(histogram(), 10 * MS, count)));
        latencies.set("runSlice", summary(histogram()));
        ObjectNode site = operation.putArray("blockSites").addObject();
        site.put("count", count).put("blockedNs", 10 * MS * count).putArray("frames").add(siteFrame);
        operation.put("blockSitesOverflow", 0);
        ObjectNode exemplars = operation.putObject("exemplars");
        exemplars.putArray("wakeToRun").addObject().put("durationNs", worstNs).put("startEpochMs", 1_700_000_040_000L)
                .put("threadId", 77).put("traceId", trace);
        exemplars.putArray("blocked");
        exemplars.putArray("longSlice");
        return dump;
    }

    private static JsonNode summary(Histogram h) {
        return JSON.valueToTree(LatencySummary.of(h, 0));
    }
}

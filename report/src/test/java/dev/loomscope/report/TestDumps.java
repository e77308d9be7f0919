package dev.loomscope.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LoomscopeDump;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Hand-made dumps for unit tests: the fields the report tool reads, in the agent's format. */
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

    /** A minimal valid dump of one JVM: schema, jvm, recording, counts (all zero), no latencies yet. */
    static ObjectNode dump(long pid) {
        ObjectNode dump = JSON.createObjectNode();
        dump.put("schema", "loomscope/1");
        ObjectNode jvm = dump.putObject("jvm");
        jvm.put("pid", pid);
        jvm.put("javaVersion", "25");
        jvm.put("vendor", "test");
        jvm.put("startEpochMs", 1_700_000_000_000L + pid);
        ObjectNode recording = dump.putObject("recording");
        recording.put("trigger", "exit");
        recording.put("attach", "startup");
        recording.put("startEpochMs", 1_700_000_000_000L + pid);
        recording.put("dumpEpochMs", 1_700_000_010_000L + pid);
        recording.put("durationNs", 10_000_000_000L);
        ObjectNode counts = dump.putObject("counts");
        for (String name : new String[]{"created", "ended", "live", "blocks", "pinnedBlocks", "wakes", "mounts",
                "dropped"}) {
            counts.put(name, 0);
        }
        ObjectNode byKind = counts.putObject("blocksByKind");
        for (String kind : new String[]{"park", "timedPark", "sleep", "monitor", "wait", "timedWait", "pinned",
                "unknown"}) {
            byKind.put(kind, 0);
        }
        dump.putObject("latencies");
        return dump;
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

    /** Writes the dump and reads it back the way every command does. */
    static Dump write(Path dir, String name, JsonNode dump) throws IOException, UnusableInputException {
        Path file = dir.resolve(name);
        Files.write(file, JSON.writeValueAsBytes(dump));
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
}

package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        ObjectNode s = parent.putObject(path[path.length - 1]);
        long n = h.getTotalCount();
        s.put("unit", "ns");
        s.put("count", n);
        s.put("min", n == 0 ? 0 : h.getMinValue());
        s.put("mean", n == 0 ? 0 : Math.round(h.getMean()));
        s.put("p50", n == 0 ? 0 : h.getValueAtPercentile(50));
        s.put("p90", n == 0 ? 0 : h.getValueAtPercentile(90));
        s.put("p99", n == 0 ? 0 : h.getValueAtPercentile(99));
        s.put("p999", n == 0 ? 0 : h.getValueAtPercentile(99.9));
        s.put("max", n == 0 ? 0 : h.getMaxValue());
        s.put("clamped", 0);
        s.put("hdr", HdrCodec.encode(h));
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

    /** Writes the dump and reads it back the way every command does. */
    static Dump write(Path dir, String name, JsonNode dump) throws IOException, UnusableInputException {
        Path file = dir.resolve(name);
        Files.write(file, JSON.writeValueAsBytes(dump));
        return Dump.read(file);
    }
}

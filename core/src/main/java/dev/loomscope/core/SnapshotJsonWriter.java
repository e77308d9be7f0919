package dev.loomscope.core;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** Writes a {@link Snapshot} as the {@code loomscope/1} JSON documented field by field in {@code docs/schema.md}. */
public final class SnapshotJsonWriter {
    /** The schema identifier; bumped only on incompatible changes (readers reject what they do not know). */
    public static final String SCHEMA = "loomscope/1";

    /** The caller owns the stream: it must still flush and force it to disk after the JSON is written. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private SnapshotJsonWriter() {
    }

    public static void write(Snapshot snapshot, OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("schema", SCHEMA);

            json.writeObjectFieldStart("jvm");
            json.writeNumberField("pid", snapshot.jvm().pid());
            json.writeStringField("javaVersion", snapshot.jvm().javaVersion());
            json.writeStringField("vendor", snapshot.jvm().vendor());
            json.writeNumberField("startEpochMs", snapshot.jvm().startEpochMs());
            json.writeEndObject();

            json.writeObjectFieldStart("agent");
            json.writeStringField("version", snapshot.agentVersion());
            json.writeObjectFieldStart("options");
            for (Map.Entry<String, Object> option : snapshot.options().entrySet()) {
                json.writeFieldName(option.getKey());
                Object value = option.getValue();
                if (value instanceof Number n) {
                    json.writeNumber(n.longValue());
                } else if (value instanceof Boolean b) {
                    json.writeBoolean(b);
                } else {
                    json.writeString(String.valueOf(value));
                }
            }
            json.writeEndObject();
            json.writeObjectFieldStart("hooks");
            writeStrings(json, "applied", snapshot.hooks().applied());
            writeStrings(json, "missing", snapshot.hooks().missing());
            json.writeEndObject();
            json.writeEndObject();

            json.writeObjectFieldStart("recording");
            json.writeStringField("trigger", snapshot.trigger());
            json.writeStringField("attach", snapshot.lateAttach() ? "late" : "startup");
            json.writeNumberField("startEpochMs", snapshot.recordingStartEpochMs());
            json.writeNumberField("dumpEpochMs", snapshot.dumpEpochMs());
            json.writeNumberField("durationNs", snapshot.recordingNanos());
            json.writeEndObject();

            Snapshot.Data data = snapshot.data();
            writeCounts(json, data.counts(), snapshot.drainCpuNanos(), snapshot.clock());
            writeCarriers(json, data);
            writeLatencies(json, data.latencies());
            writeLongSlices(json, data);
            writeSites(json, snapshot, data);
            writeLeaks(json, data);
            writeHeatmaps(json, snapshot.windowNanos(), data.heatmaps());
            writeContext(json, snapshot.context());
            json.writeEndObject();
        }
    }

    private static void writeCounts(JsonGenerator json, Counts c, long drainCpuNanos, String clock)
            throws IOException {
        json.writeObjectFieldStart("counts");
        json.writeNumberField("created", c.created());
        json.writeNumberField("started", c.started());
        json.writeNumberField("ended", c.ended());
        json.writeNumberField("live", c.live());
        json.writeNumberField("blocks", c.blocks());
        json.writeNumberField("pinnedBlocks", c.pinnedBlocks());
        json.writeNumberField("wakes", c.wakes());
        json.writeNumberField("yields", c.yields());
        json.writeNumberField("mounts", c.mounts());
        json.writeNumberField("unmounts", c.unmounts());
        json.writeNumberField("submitFailed", c.submitFailed());
        json.writeNumberField("dropped", c.dropped());
        json.writeNumberField("agentErrors", c.agentErrors());
        json.writeNumberField("preexistingEnded", c.preexistingEnded());
        json.writeObjectFieldStart("blocksByKind");
        for (int kind = 1; kind < BlockKind.COUNT; kind++) {
            if (kind != BlockKind.YIELD) { // a yield is not a block: counted in counts.yields
                json.writeNumberField(BlockKind.name(kind), c.blocksByKind()[kind]);
            }
        }
        json.writeNumberField(BlockKind.name(BlockKind.UNKNOWN), c.blocksByKind()[BlockKind.UNKNOWN]);
        json.writeEndObject();
        json.writeObjectFieldStart("droppedByKind");
        for (int kind = 1; kind < EventKind.COUNT; kind++) {
            json.writeNumberField(EventKind.name(kind), c.droppedByKind()[kind]);
        }
        json.writeEndObject();
        json.writeEndObject();

        json.writeObjectFieldStart("recorder");
        json.writeNumberField("events", c.events());
        json.writeNumberField("trackedThreads", c.trackedThreads());
        json.writeNumberField("drainCpuNs", drainCpuNanos);
        json.writeStringField("clock", clock);
        json.writeEndObject();
    }

    private static void writeCarriers(JsonGenerator json, Snapshot.Data data) throws IOException {
        Counts c = data.counts();
        json.writeObjectFieldStart("carriers");
        json.writeNumberField("started", c.carriersStarted());
        json.writeNumberField("exited", c.carriersExited());
        json.writeNumberField("idlePeriods", c.carrierIdlePeriods());
        Map<Long, String> names = CarrierNames.of(data.carriers());
        json.writeArrayFieldStart("perCarrier");
        for (Snapshot.Carrier carrier : data.carriers()) {
            json.writeStartObject();
            json.writeNumberField("column", carrier.column());
            json.writeNumberField("threadId", carrier.threadId());
            String name = names.get(carrier.threadId());
            if (name != null) {
                json.writeStringField("name", name);
            }
            json.writeNumberField("mounts", carrier.mounts());
            json.writeNumberField("busyNs", carrier.busyNanos());
            json.writeNumberField("idleNs", carrier.idleNanos());
            json.writeNumberField("longestSliceNs", carrier.longestSliceNanos());
            json.writeBooleanField("mountedNow", carrier.mountedNow());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeLatencies(JsonGenerator json, Snapshot.Latencies latencies) throws IOException {
        json.writeObjectFieldStart("latencies");
        writeSummary(json, "startDelay", latencies.startDelay());
        writeSummary(json, "wakeToRun", latencies.wakeToRun());
        writeSummary(json, "blocked", latencies.blocked());
        writeSummary(json, "runSlice", latencies.runSlice());
        writeSummary(json, "pinnedBlocked", latencies.pinnedBlocked());
        json.writeObjectFieldStart("blockedByKind");
        for (int kind = 0; kind < latencies.blockedByKind().size(); kind++) {
            LatencyDistribution distribution = latencies.blockedByKind().get(kind);
            if (distribution != null) {
                writeSummary(json, BlockKind.name(kind), distribution);
            }
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Summarised here, after the drain's lock is released: percentiles and the compressed histogram take time. */
    private static void writeSummary(JsonGenerator json, String name, LatencyDistribution distribution)
            throws IOException {
        LatencyDistribution.Summary s = distribution.summary();
        json.writeObjectFieldStart(name);
        json.writeStringField("unit", "ns");
        json.writeNumberField("count", s.count());
        json.writeNumberField("min", s.min());
        json.writeNumberField("mean", Math.round(s.mean()));
        json.writeNumberField("p50", s.p50());
        json.writeNumberField("p90", s.p90());
        json.writeNumberField("p99", s.p99());
        json.writeNumberField("p999", s.p999());
        json.writeNumberField("max", s.max());
        json.writeNumberField("clamped", s.clamped());
        json.writeStringField("hdr", s.hdr());
        json.writeEndObject();
    }

    private static void writeLongSlices(JsonGenerator json, Snapshot.Data data) throws IOException {
        json.writeObjectFieldStart("longSlices");
        json.writeNumberField("thresholdNs", data.longSliceThresholdNanos());
        json.writeNumberField("count", data.longSlices());
        json.writeArrayFieldStart("longest");
        for (LongSlice slice : data.longestSlices()) {
            json.writeStartObject();
            json.writeNumberField("threadId", slice.threadId());
            json.writeNumberField("carrierThreadId", slice.carrierThreadId());
            json.writeNumberField("startEpochMs", slice.startEpochNanos() / 1_000_000);
            json.writeNumberField("durationNs", slice.durationNanos());
            json.writeBooleanField("ongoing", slice.ongoing());
            if (slice.site() == SiteTable.NONE) {
                json.writeNullField("frames");
            } else {
                writeFrames(json, data.sites().get(slice.site() - 1).frames);
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeSites(JsonGenerator json, Snapshot snapshot, Snapshot.Data data) throws IOException {
        int top = ((Number) snapshot.options().getOrDefault("topSites", 20)).intValue();
        json.writeObjectFieldStart("sites");
        json.writeNumberField("sampleEvery", ((Number) snapshot.options().getOrDefault("sampleEvery", 0)).intValue());
        json.writeNumberField("samples", data.samplesTaken());
        json.writeNumberField("samplesLost", data.samplesLost());
        json.writeNumberField("distinctStacks", data.sites().size());

        json.writeArrayFieldStart("create");
        for (SiteTable.Site site : top(data.sites(), s -> s.creates, top)) {
            json.writeStartObject();
            json.writeNumberField("count", site.creates);
            writeFrames(json, site.frames);
            json.writeEndObject();
        }
        json.writeEndArray();

        json.writeArrayFieldStart("block");
        // ranked by unpinned blocks only: pinned ones are listed under "pinned"
        for (SiteTable.Site site : top(data.sites(), s -> blockCount(s) - s.blocksByKind[BlockKind.PINNED] == 0 ? 0
                : s.blocked.totalNanos + blockCount(s), top)) {
            json.writeStartObject();
            json.writeNumberField("count", blockCount(site) - site.blocksByKind[BlockKind.PINNED]);
            json.writeObjectFieldStart("kinds");
            for (int kind = 0; kind < BlockKind.COUNT; kind++) {
                if (site.blocksByKind[kind] > 0 && kind != BlockKind.PINNED) {
                    json.writeNumberField(BlockKind.name(kind), site.blocksByKind[kind]);
                }
            }
            json.writeEndObject();
            writeCharges(json, "blocked", site.blocked);
            writeFrames(json, site.frames);
            json.writeEndObject();
        }
        json.writeEndArray();

        json.writeArrayFieldStart("wake");
        for (SiteTable.Site site : top(data.sites(), s -> s.wakeToRun.count == 0 ? 0 : s.wakeToRun.totalNanos + 1,
                top)) {
            json.writeStartObject();
            json.writeNumberField("count", site.wakeToRun.count);
            writeCharges(json, "wakeToRun", site.wakeToRun);
            writeFrames(json, site.frames);
            json.writeEndObject();
        }
        json.writeEndArray();

        json.writeArrayFieldStart("pinned");
        for (SiteTable.Site site : top(data.sites(), s -> s.blocksByKind[BlockKind.PINNED] == 0 ? 0
                : s.pinned.totalNanos + 1, top)) {
            json.writeStartObject();
            json.writeNumberField("count", site.blocksByKind[BlockKind.PINNED]);
            writeCharges(json, "pinnedBlocked", site.pinned);
            writeFrames(json, site.frames);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static long blockCount(SiteTable.Site site) {
        long n = 0;
        for (long k : site.blocksByKind) {
            n += k;
        }
        return n;
    }

    /** Sites with a positive rank, highest first, at most {@code limit}. */
    private static List<SiteTable.Site> top(List<SiteTable.Site> sites, java.util.function.ToLongFunction<SiteTable.Site> rank,
                                            int limit) {
        return sites.stream().filter(s -> rank.applyAsLong(s) > 0)
                .sorted(java.util.Comparator.comparingLong(rank).reversed()).limit(limit).toList();
    }

    private static void writeCharges(JsonGenerator json, String name, SiteTable.Charges charges) throws IOException {
        json.writeObjectFieldStart(name);
        json.writeNumberField("count", charges.count);
        json.writeNumberField("totalNs", charges.totalNanos);
        json.writeNumberField("p99Ns", charges.percentileNanos(99));
        json.writeEndObject();
    }

    private static void writeFrames(JsonGenerator json, List<String> frames) throws IOException {
        json.writeArrayFieldStart("frames");
        for (String frame : frames) {
            json.writeString(frame);
        }
        json.writeEndArray();
    }

    private static void writeLeaks(JsonGenerator json, Snapshot.Data data) throws IOException {
        json.writeObjectFieldStart("leaks");
        json.writeNumberField("thresholdNs", data.leakThresholdNanos());
        long threads = 0;
        for (LeakCluster cluster : data.leaks()) {
            threads += cluster.threads;
        }
        json.writeNumberField("threads", threads);
        json.writeArrayFieldStart("clusters");
        for (LeakCluster cluster : data.leaks()) {
            json.writeStartObject();
            json.writeNumberField("threads", cluster.threads);
            json.writeNumberField("oldestBlockedNs", cluster.oldestNanos);
            json.writeObjectFieldStart("kinds");
            for (int kind = 0; kind < BlockKind.COUNT; kind++) {
                if (cluster.byKind[kind] > 0) {
                    json.writeNumberField(BlockKind.name(kind), cluster.byKind[kind]);
                }
            }
            json.writeEndObject();
            if (cluster.site == SiteTable.NONE) {
                json.writeNullField("frames");
            } else {
                writeFrames(json, data.sites().get(cluster.site - 1).frames);
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeContext(JsonGenerator json, Snapshot.Context context) throws IOException {
        json.writeObjectFieldStart("scheduler");
        writeValues(json, context.scheduler());
        json.writeEndObject();
        json.writeObjectFieldStart("context");
        json.writeObjectFieldStart("gc");
        writeStrings(json, "collectors", context.pauseCollectors());
        json.writeNumberField("pauses", context.gcPauses());
        json.writeNumberField("pauseNs", context.gcPauseNanos());
        json.writeEndObject();
        json.writeObjectFieldStart("cpuThrottling");
        json.writeBooleanField("available", context.cpuStatFile() != null);
        if (context.cpuStatFile() != null) {
            json.writeStringField("file", context.cpuStatFile());
        }
        json.writeNumberField("throttledPeriods", context.throttledPeriods());
        json.writeNumberField("throttledNs", context.throttledNanos());
        json.writeEndObject();
        writeStrings(json, "columns", ContextSampler.COLUMNS);
        writeRows(json, "windows", context.series());
        json.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    private static void writeValues(JsonGenerator json, Map<String, Object> values) throws IOException {
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                json.writeObjectFieldStart(entry.getKey());
                writeValues(json, (Map<String, Object>) nested);
                json.writeEndObject();
            } else if (value instanceof Number n) {
                json.writeNumberField(entry.getKey(), n.longValue());
            } else {
                json.writeStringField(entry.getKey(), String.valueOf(value));
            }
        }
    }

    private static void writeHeatmaps(JsonGenerator json, long windowNanos, Snapshot.Heatmaps heatmaps)
            throws IOException {
        json.writeObjectFieldStart("heatmaps");
        json.writeNumberField("windowMs", windowNanos / 1_000_000);
        json.writeObjectFieldStart("activity");
        json.writeStringField("columns", "carrier column (carriers.perCarrier[].column); 0 = other threads");
        writeRows(json, "create", heatmaps.create());
        writeRows(json, "block", heatmaps.block());
        writeRows(json, "wake", heatmaps.wake());
        writeRows(json, "mount", heatmaps.mount());
        json.writeEndObject();
        json.writeObjectFieldStart("latency");
        json.writeObjectFieldStart("buckets");
        json.writeStringField("scheme", "base2-exponential");
        json.writeNumberField("subBucketsPerDoubling", LogLatencyBuckets.SUB_BUCKETS);
        json.writeNumberField("count", LogLatencyBuckets.BUCKETS);
        json.writeStringField("bucket", "i holds latencies v (ns) with 2^(i/4) < v <= 2^((i+1)/4); "
                + "0 also holds v <= 1; the last holds v > 2^40");
        json.writeEndObject();
        writeRows(json, "startDelay", heatmaps.startDelay());
        writeRows(json, "wakeToRun", heatmaps.wakeToRun());
        writeRows(json, "blocked", heatmaps.blocked());
        writeRows(json, "runSlice", heatmaps.runSlice());
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Rows with non-zero cells only, each cell as {@code [column, count]}. */
    private static void writeRows(JsonGenerator json, String name, List<WindowedHeatmap.Row> rows)
            throws IOException {
        json.writeArrayFieldStart(name);
        for (WindowedHeatmap.Row row : rows) {
            json.writeStartObject();
            if (row.tier() < 0) {
                json.writeNullField("startEpochMs");
                json.writeNumberField("endEpochMs", Math.floorDiv(row.lengthNanos(), 1_000_000));
            } else {
                json.writeNumberField("startEpochMs", Math.floorDiv(row.startEpochNanos(), 1_000_000));
                json.writeNumberField("lengthMs", row.lengthNanos() / 1_000_000);
            }
            json.writeNumberField("tier", row.tier());
            json.writeArrayFieldStart("cells");
            int[] cells = row.cells();
            for (int column = 0; column < cells.length; column++) {
                if (cells[column] != 0) {
                    json.writeStartArray();
                    json.writeNumber(column);
                    json.writeNumber(cells[column]);
                    json.writeEndArray();
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeStrings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String v : values) {
            json.writeString(v);
        }
        json.writeEndArray();
    }
}

package dev.loomscope.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link LoomscopeDump} as the {@code loomscope/1} JSON documented in {@code docs/schema.md}: the one writer
 * of the format, used by the agent for its dumps and by {@code report merge} for merged ones, so both are the same
 * bytes for the same records. Streaming (jackson-core only), pretty-printed, UTF-8; fields in the order of the
 * records' components.
 * <p>
 * A {@code null} field is left out (a section an older dump lacked, an optional field), except the two whose
 * {@code null} means something: a long slice's or leak cluster's {@code frames} (not sampled) and the earlier row's
 * {@code startEpochMs}.
 */
public final class DumpJsonWriter {
    /** The caller owns the stream: it must still flush and force it to disk after the JSON is written. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private DumpJsonWriter() {
    }

    public static void write(LoomscopeDump dump, OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            string(json, "schema", dump.schema());
            object(json, "jvm", dump.jvm(), DumpJsonWriter::jvm);
            object(json, "agent", dump.agent(), DumpJsonWriter::agent);
            object(json, "recording", dump.recording(), DumpJsonWriter::recording);
            object(json, "counts", dump.counts(), DumpJsonWriter::counts);
            object(json, "recorder", dump.recorder(), DumpJsonWriter::recorder);
            object(json, "carriers", dump.carriers(), DumpJsonWriter::carriers);
            object(json, "latencies", dump.latencies(), DumpJsonWriter::latencies);
            object(json, "longSlices", dump.longSlices(), DumpJsonWriter::longSlices);
            object(json, "sites", dump.sites(), DumpJsonWriter::sites);
            object(json, "leaks", dump.leaks(), DumpJsonWriter::leaks);
            object(json, "operations", dump.operations(), DumpJsonWriter::operations);
            object(json, "heatmaps", dump.heatmaps(), DumpJsonWriter::heatmaps);
            object(json, "scheduler", dump.scheduler(), DumpJsonWriter::scheduler);
            object(json, "context", dump.context(), DumpJsonWriter::context);
            object(json, "merged", dump.merged(), DumpJsonWriter::merged);
            json.writeEndObject();
        }
    }

    /** Writes the fields of one record into the JSON object already started for it. */
    @FunctionalInterface
    private interface Fields<T> {
        void write(JsonGenerator json, T value) throws IOException;
    }

    /** {@code "name" : { fields }}, or nothing if {@code value} is null. */
    private static <T> void object(JsonGenerator json, String name, T value, Fields<T> fields) throws IOException {
        if (value != null) {
            json.writeObjectFieldStart(name);
            fields.write(json, value);
            json.writeEndObject();
        }
    }

    /** {@code "name" : [ { fields }, ... ]}, or nothing if {@code values} is null. */
    private static <T> void objects(JsonGenerator json, String name, List<T> values, Fields<T> fields)
            throws IOException {
        if (values != null) {
            json.writeArrayFieldStart(name);
            for (T value : values) {
                json.writeStartObject();
                fields.write(json, value);
                json.writeEndObject();
            }
            json.writeEndArray();
        }
    }

    private static void jvm(JsonGenerator json, Jvm jvm) throws IOException {
        json.writeNumberField("pid", jvm.pid());
        string(json, "javaVersion", jvm.javaVersion());
        string(json, "vendor", jvm.vendor());
        json.writeNumberField("startEpochMs", jvm.startEpochMs());
    }

    private static void agent(JsonGenerator json, Agent agent) throws IOException {
        string(json, "version", agent.version());
        object(json, "options", agent.options(), DumpJsonWriter::options);
        object(json, "hooks", agent.hooks(), (j, hooks) -> {
            strings(j, "applied", hooks.applied());
            strings(j, "missing", hooks.missing());
        });
    }

    /** Numbers and booleans as JSON numbers and booleans, anything else as a string. */
    private static void options(JsonGenerator json, Map<String, Object> options) throws IOException {
        for (Map.Entry<String, Object> option : options.entrySet()) {
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
    }

    private static void recording(JsonGenerator json, Recording recording) throws IOException {
        string(json, "trigger", recording.trigger());
        string(json, "attach", recording.attach());
        json.writeNumberField("startEpochMs", recording.startEpochMs());
        json.writeNumberField("dumpEpochMs", recording.dumpEpochMs());
        json.writeNumberField("durationNs", recording.durationNs());
    }

    private static void counts(JsonGenerator json, Counts c) throws IOException {
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
        object(json, "blocksByKind", c.blocksByKind(), DumpJsonWriter::byName);
        object(json, "droppedByKind", c.droppedByKind(), DumpJsonWriter::byName);
        object(json, "pinnedByKind", c.pinnedByKind(), DumpJsonWriter::byName);
    }

    private static void recorder(JsonGenerator json, Recorder recorder) throws IOException {
        json.writeNumberField("events", recorder.events());
        json.writeNumberField("trackedThreads", recorder.trackedThreads());
        json.writeNumberField("drainCpuNs", recorder.drainCpuNs());
        string(json, "clock", recorder.clock());
        object(json, "shedding", recorder.shedding(), (j, shedding) -> {
            j.writeNumberField("levelNow", shedding.levelNow());
            j.writeNumberField("maxLevel", shedding.maxLevel());
            j.writeNumberField("episodes", shedding.episodes());
            j.writeNumberField("shedNs", shedding.shedNs());
            j.writeNumberField("historiesForgotten", shedding.historiesForgotten());
            j.writeNumberField("creationsCounted", shedding.creationsCounted());
            string(j, "columns", shedding.columns());
            rows(j, "windows", shedding.windows());
        });
    }

    private static void carriers(JsonGenerator json, Carriers carriers) throws IOException {
        json.writeNumberField("started", carriers.started());
        json.writeNumberField("exited", carriers.exited());
        json.writeNumberField("idlePeriods", carriers.idlePeriods());
        objects(json, "perCarrier", carriers.perCarrier(), (j, carrier) -> {
            j.writeNumberField("column", carrier.column());
            number(j, "threadId", carrier.threadId());
            string(j, "name", carrier.name());
            j.writeNumberField("mounts", carrier.mounts());
            j.writeNumberField("busyNs", carrier.busyNs());
            j.writeNumberField("idleNs", carrier.idleNs());
            j.writeNumberField("longestSliceNs", carrier.longestSliceNs());
            j.writeBooleanField("mountedNow", carrier.mountedNow());
        });
    }

    private static void latencies(JsonGenerator json, Latencies latencies) throws IOException {
        object(json, "startDelay", latencies.startDelay(), DumpJsonWriter::summary);
        object(json, "wakeToRun", latencies.wakeToRun(), DumpJsonWriter::summary);
        object(json, "blocked", latencies.blocked(), DumpJsonWriter::summary);
        object(json, "runSlice", latencies.runSlice(), DumpJsonWriter::summary);
        object(json, "pinnedBlocked", latencies.pinnedBlocked(), DumpJsonWriter::summary);
        object(json, "blockedByKind", latencies.blockedByKind(), DumpJsonWriter::summaries);
        object(json, "pinnedBlockedByKind", latencies.pinnedBlockedByKind(), DumpJsonWriter::summaries);
    }

    private static void summaries(JsonGenerator json, Map<String, LatencySummary> byKind) throws IOException {
        for (Map.Entry<String, LatencySummary> kind : byKind.entrySet()) {
            object(json, kind.getKey(), kind.getValue(), DumpJsonWriter::summary);
        }
    }

    private static void summary(JsonGenerator json, LatencySummary s) throws IOException {
        string(json, "unit", s.unit());
        json.writeNumberField("count", s.count());
        json.writeNumberField("min", s.min());
        json.writeNumberField("mean", s.mean());
        json.writeNumberField("p50", s.p50());
        json.writeNumberField("p90", s.p90());
        json.writeNumberField("p99", s.p99());
        json.writeNumberField("p999", s.p999());
        json.writeNumberField("max", s.max());
        json.writeNumberField("clamped", s.clamped());
        string(json, "hdr", s.hdr());
    }

    private static void longSlices(JsonGenerator json, LongSlices longSlices) throws IOException {
        json.writeNumberField("thresholdNs", longSlices.thresholdNs());
        json.writeNumberField("count", longSlices.count());
        objects(json, "longest", longSlices.longest(), (j, slice) -> {
            number(j, "pid", slice.pid());
            j.writeNumberField("threadId", slice.threadId());
            j.writeNumberField("carrierThreadId", slice.carrierThreadId());
            j.writeNumberField("startEpochMs", slice.startEpochMs());
            j.writeNumberField("durationNs", slice.durationNs());
            j.writeBooleanField("ongoing", slice.ongoing());
            framesOrNull(j, slice.frames());
        });
    }

    private static void sites(JsonGenerator json, Sites sites) throws IOException {
        json.writeNumberField("sampleEvery", sites.sampleEvery());
        json.writeNumberField("samples", sites.samples());
        json.writeNumberField("samplesLost", sites.samplesLost());
        json.writeNumberField("distinctStacks", sites.distinctStacks());
        objects(json, "create", sites.create(), DumpJsonWriter::site);
        objects(json, "block", sites.block(), DumpJsonWriter::site);
        objects(json, "wake", sites.wake(), DumpJsonWriter::site);
        objects(json, "pinned", sites.pinned(), DumpJsonWriter::site);
    }

    private static void site(JsonGenerator json, Sites.Site site) throws IOException {
        json.writeNumberField("count", site.count());
        switch (site) {
            case Sites.CreateSite create -> {
            }
            case Sites.BlockSite block -> {
                object(json, "kinds", block.kinds(), DumpJsonWriter::byName);
                object(json, "blocked", block.blocked(), DumpJsonWriter::charges);
            }
            case Sites.WakeSite wake -> object(json, "wakeToRun", wake.wakeToRun(), DumpJsonWriter::charges);
            case Sites.PinnedSite pinned -> {
                object(json, "kinds", pinned.kinds(), DumpJsonWriter::byName);
                object(json, "pinnedBlocked", pinned.pinnedBlocked(), DumpJsonWriter::charges);
            }
        }
        strings(json, "frames", site.frames());
    }

    private static void charges(JsonGenerator json, Sites.Charges charges) throws IOException {
        json.writeNumberField("count", charges.count());
        json.writeNumberField("totalNs", charges.totalNs());
        json.writeNumberField("p99Ns", charges.p99Ns());
        if (charges.buckets() != null) {
            pairs(json, "buckets", charges.buckets());
        }
    }

    private static void leaks(JsonGenerator json, Leaks leaks) throws IOException {
        json.writeNumberField("thresholdNs", leaks.thresholdNs());
        json.writeNumberField("threads", leaks.threads());
        objects(json, "clusters", leaks.clusters(), (j, cluster) -> {
            j.writeNumberField("threads", cluster.threads());
            j.writeNumberField("oldestBlockedNs", cluster.oldestBlockedNs());
            object(j, "kinds", cluster.kinds(), DumpJsonWriter::byName);
            framesOrNull(j, cluster.frames());
        });
    }

    private static void operations(JsonGenerator json, Operations operations) throws IOException {
        json.writeNumberField("limit", operations.limit());
        json.writeNumberField("named", operations.named());
        json.writeNumberField("scopesOverLimit", operations.scopesOverLimit());
        json.writeNumberField("scopesIgnored", operations.scopesIgnored());
        json.writeNumberField("namesTruncated", operations.namesTruncated());
        json.writeNumberField("maxNameChars", operations.maxNameChars());
        json.writeNumberField("scopesUntracked", operations.scopesUntracked());
        json.writeNumberField("traceIdsIgnored", operations.traceIdsIgnored());
        json.writeNumberField("traceIdsLost", operations.traceIdsLost());
        json.writeNumberField("apiClassesWoven", operations.apiClassesWoven());
        object(json, "critical", operations.critical(), (j, critical) -> {
            j.writeNumberField("scopes", critical.scopes());
            j.writeNumberField("samples", critical.samples());
            j.writeNumberField("samplesCapped", critical.samplesCapped());
            j.writeNumberField("samplesPerSecond", critical.samplesPerSecond());
        });
        objects(json, "perOperation", operations.perOperation(), (j, operation) -> {
            string(j, "name", operation.name());
            j.writeNumberField("threads", operation.threads());
            j.writeNumberField("inheritedThreads", operation.inheritedThreads());
            j.writeNumberField("blocks", operation.blocks());
            j.writeNumberField("pinnedBlocks", operation.pinnedBlocks());
            j.writeNumberField("wakes", operation.wakes());
            j.writeNumberField("longSlices", operation.longSlices());
            object(j, "blocksByKind", operation.blocksByKind(), DumpJsonWriter::byName);
            object(j, "latencies", operation.latencies(), (k, latencies) -> {
                object(k, "wakeToRun", latencies.wakeToRun(), DumpJsonWriter::summary);
                object(k, "blocked", latencies.blocked(), DumpJsonWriter::summary);
                object(k, "runSlice", latencies.runSlice(), DumpJsonWriter::summary);
            });
            objects(j, "blockSites", operation.blockSites(), (k, site) -> {
                k.writeNumberField("count", site.count());
                k.writeNumberField("blockedNs", site.blockedNs());
                strings(k, "frames", site.frames());
            });
            j.writeNumberField("blockSitesOverflow", operation.blockSitesOverflow());
            object(j, "exemplars", operation.exemplars(), (k, exemplars) -> {
                objects(k, "wakeToRun", exemplars.wakeToRun(), DumpJsonWriter::exemplar);
                objects(k, "blocked", exemplars.blocked(), DumpJsonWriter::exemplar);
                objects(k, "longSlice", exemplars.longSlice(), DumpJsonWriter::exemplar);
            });
        });
    }

    private static void exemplar(JsonGenerator json, Operations.Exemplar exemplar) throws IOException {
        number(json, "pid", exemplar.pid());
        json.writeNumberField("durationNs", exemplar.durationNs());
        json.writeNumberField("startEpochMs", exemplar.startEpochMs());
        json.writeNumberField("threadId", exemplar.threadId());
        string(json, "traceId", exemplar.traceId());
        strings(json, "frames", exemplar.frames());
    }

    private static void heatmaps(JsonGenerator json, Heatmaps heatmaps) throws IOException {
        json.writeNumberField("windowMs", heatmaps.windowMs());
        object(json, "activity", heatmaps.activity(), (j, activity) -> {
            string(j, "columns", activity.columns());
            rows(j, "create", activity.create());
            rows(j, "block", activity.block());
            rows(j, "wake", activity.wake());
            rows(j, "mount", activity.mount());
        });
        object(json, "latency", heatmaps.latency(), (j, latency) -> {
            object(j, "buckets", latency.buckets(), (k, buckets) -> {
                string(k, "scheme", buckets.scheme());
                k.writeNumberField("subBucketsPerDoubling", buckets.subBucketsPerDoubling());
                k.writeNumberField("count", buckets.count());
                string(k, "bucket", buckets.bucket());
            });
            rows(j, "startDelay", latency.startDelay());
            rows(j, "wakeToRun", latency.wakeToRun());
            rows(j, "blocked", latency.blocked());
            rows(j, "runSlice", latency.runSlice());
        });
    }

    private static void scheduler(JsonGenerator json, Scheduler scheduler) throws IOException {
        number(json, "parallelism", scheduler.parallelism());
        number(json, "poolSize", scheduler.poolSize());
        number(json, "activeThreads", scheduler.activeThreads());
        number(json, "runningThreads", scheduler.runningThreads());
        number(json, "queuedTasks", scheduler.queuedTasks());
        number(json, "queuedSubmissions", scheduler.queuedSubmissions());
        number(json, "steals", scheduler.steals());
        object(json, "mxBean", scheduler.mxBean(), (j, mxBean) -> {
            j.writeNumberField("parallelism", mxBean.parallelism());
            j.writeNumberField("poolSize", mxBean.poolSize());
            j.writeNumberField("mountedVirtualThreadCount", mxBean.mountedVirtualThreadCount());
            j.writeNumberField("queuedVirtualThreadCount", mxBean.queuedVirtualThreadCount());
        });
    }

    private static void context(JsonGenerator json, Context context) throws IOException {
        object(json, "gc", context.gc(), (j, gc) -> {
            strings(j, "collectors", gc.collectors());
            j.writeNumberField("pauses", gc.pauses());
            j.writeNumberField("pauseNs", gc.pauseNs());
            if (gc.resolutionNs() != null) {
                j.writeNumberField("resolutionNs", gc.resolutionNs());
            }
        });
        object(json, "cpuThrottling", context.cpuThrottling(), (j, throttling) -> {
            j.writeBooleanField("available", throttling.available());
            string(j, "file", throttling.file());
            j.writeNumberField("throttledPeriods", throttling.throttledPeriods());
            j.writeNumberField("throttledNs", throttling.throttledNs());
        });
        strings(json, "columns", context.columns());
        rows(json, "windows", context.windows());
    }

    private static void merged(JsonGenerator json, Merged merged) throws IOException {
        objects(json, "inputs", merged.inputs(), (j, input) -> {
            string(j, "file", input.file());
            number(j, "pid", input.pid());
            string(j, "javaVersion", input.javaVersion());
            number(j, "jvmStartEpochMs", input.jvmStartEpochMs());
            number(j, "recordingStartEpochMs", input.recordingStartEpochMs());
            number(j, "dumpEpochMs", input.dumpEpochMs());
            string(j, "trigger", input.trigger());
        });
    }

    /** Rows as the schema's row format: cells as {@code [column, count]}. */
    private static void rows(JsonGenerator json, String name, List<HeatmapRow> rows) throws IOException {
        if (rows != null) {
            json.writeFieldName(name);
            writeRows(json, rows);
        }
    }

    /**
     * Heatmap rows as a dump holds them, a JSON array: for a reader that passes rows on as they are (the HTML report
     * embeds them for its script), so that they read the same there.
     */
    public static void writeRows(JsonGenerator json, List<HeatmapRow> rows) throws IOException {
        json.writeStartArray();
        for (HeatmapRow row : rows) {
            json.writeStartObject();
            if (row.isEarlier()) {
                json.writeNullField("startEpochMs");
                number(json, "endEpochMs", row.endEpochMs());
            } else {
                json.writeNumberField("startEpochMs", row.startEpochMs());
                number(json, "lengthMs", row.lengthMs());
            }
            json.writeNumberField("tier", row.tier());
            pairs(json, "cells", row.cells());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** {@code [[key, count], ...]}: a row's cells, a site's buckets. */
    private static void pairs(JsonGenerator json, String name, long[][] pairs) throws IOException {
        json.writeArrayFieldStart(name);
        for (long[] pair : pairs) {
            json.writeStartArray();
            json.writeNumber(pair[0]);
            json.writeNumber(pair[1]);
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    /** Counts by name (block kind, event kind). */
    private static void byName(JsonGenerator json, Map<String, Long> counts) throws IOException {
        for (Map.Entry<String, Long> count : counts.entrySet()) {
            json.writeNumberField(count.getKey(), count.getValue());
        }
    }

    /** {@code frames}: the stack, or {@code null} where it was not sampled or walked. */
    private static void framesOrNull(JsonGenerator json, List<String> frames) throws IOException {
        if (frames == null) {
            json.writeNullField("frames");
        } else {
            strings(json, "frames", frames);
        }
    }

    private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
        if (values == null) {
            return;
        }
        json.writeArrayFieldStart(name);
        for (String v : values) {
            json.writeString(v);
        }
        json.writeEndArray();
    }

    private static void string(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    private static void number(JsonGenerator json, String name, Long value) throws IOException {
        if (value != null) {
            json.writeNumberField(name, value);
        }
    }
}

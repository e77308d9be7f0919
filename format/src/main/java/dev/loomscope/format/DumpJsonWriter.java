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
            if (dump.jvm() != null) {
                jvm(json, dump.jvm());
            }
            if (dump.agent() != null) {
                agent(json, dump.agent());
            }
            if (dump.recording() != null) {
                recording(json, dump.recording());
            }
            if (dump.counts() != null) {
                counts(json, dump.counts());
            }
            if (dump.recorder() != null) {
                recorder(json, dump.recorder());
            }
            if (dump.carriers() != null) {
                carriers(json, dump.carriers());
            }
            if (dump.latencies() != null) {
                latencies(json, dump.latencies());
            }
            if (dump.longSlices() != null) {
                longSlices(json, dump.longSlices());
            }
            if (dump.sites() != null) {
                sites(json, dump.sites());
            }
            if (dump.leaks() != null) {
                leaks(json, dump.leaks());
            }
            if (dump.heatmaps() != null) {
                heatmaps(json, dump.heatmaps());
            }
            if (dump.scheduler() != null) {
                scheduler(json, dump.scheduler());
            }
            if (dump.context() != null) {
                context(json, dump.context());
            }
            if (dump.merged() != null) {
                merged(json, dump.merged());
            }
            json.writeEndObject();
        }
    }

    private static void jvm(JsonGenerator json, Jvm jvm) throws IOException {
        json.writeObjectFieldStart("jvm");
        json.writeNumberField("pid", jvm.pid());
        string(json, "javaVersion", jvm.javaVersion());
        string(json, "vendor", jvm.vendor());
        json.writeNumberField("startEpochMs", jvm.startEpochMs());
        json.writeEndObject();
    }

    private static void agent(JsonGenerator json, Agent agent) throws IOException {
        json.writeObjectFieldStart("agent");
        string(json, "version", agent.version());
        if (agent.options() != null) {
            json.writeObjectFieldStart("options");
            for (Map.Entry<String, Object> option : agent.options().entrySet()) {
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
        }
        if (agent.hooks() != null) {
            json.writeObjectFieldStart("hooks");
            strings(json, "applied", agent.hooks().applied());
            strings(json, "missing", agent.hooks().missing());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void recording(JsonGenerator json, Recording recording) throws IOException {
        json.writeObjectFieldStart("recording");
        string(json, "trigger", recording.trigger());
        string(json, "attach", recording.attach());
        json.writeNumberField("startEpochMs", recording.startEpochMs());
        json.writeNumberField("dumpEpochMs", recording.dumpEpochMs());
        json.writeNumberField("durationNs", recording.durationNs());
        json.writeEndObject();
    }

    private static void counts(JsonGenerator json, Counts c) throws IOException {
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
        counts(json, "blocksByKind", c.blocksByKind());
        counts(json, "droppedByKind", c.droppedByKind());
        json.writeEndObject();
    }

    private static void recorder(JsonGenerator json, Recorder recorder) throws IOException {
        json.writeObjectFieldStart("recorder");
        json.writeNumberField("events", recorder.events());
        json.writeNumberField("trackedThreads", recorder.trackedThreads());
        json.writeNumberField("drainCpuNs", recorder.drainCpuNs());
        string(json, "clock", recorder.clock());
        json.writeEndObject();
    }

    private static void carriers(JsonGenerator json, Carriers carriers) throws IOException {
        json.writeObjectFieldStart("carriers");
        json.writeNumberField("started", carriers.started());
        json.writeNumberField("exited", carriers.exited());
        json.writeNumberField("idlePeriods", carriers.idlePeriods());
        if (carriers.perCarrier() != null) {
            json.writeArrayFieldStart("perCarrier");
            for (Carriers.Carrier carrier : carriers.perCarrier()) {
                json.writeStartObject();
                json.writeNumberField("column", carrier.column());
                number(json, "threadId", carrier.threadId());
                string(json, "name", carrier.name());
                json.writeNumberField("mounts", carrier.mounts());
                json.writeNumberField("busyNs", carrier.busyNs());
                json.writeNumberField("idleNs", carrier.idleNs());
                json.writeNumberField("longestSliceNs", carrier.longestSliceNs());
                json.writeBooleanField("mountedNow", carrier.mountedNow());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void latencies(JsonGenerator json, Latencies latencies) throws IOException {
        json.writeObjectFieldStart("latencies");
        summary(json, "startDelay", latencies.startDelay());
        summary(json, "wakeToRun", latencies.wakeToRun());
        summary(json, "blocked", latencies.blocked());
        summary(json, "runSlice", latencies.runSlice());
        summary(json, "pinnedBlocked", latencies.pinnedBlocked());
        if (latencies.blockedByKind() != null) {
            json.writeObjectFieldStart("blockedByKind");
            for (Map.Entry<String, LatencySummary> kind : latencies.blockedByKind().entrySet()) {
                summary(json, kind.getKey(), kind.getValue());
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void summary(JsonGenerator json, String name, LatencySummary s) throws IOException {
        if (s == null) {
            return;
        }
        json.writeObjectFieldStart(name);
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
        json.writeEndObject();
    }

    private static void longSlices(JsonGenerator json, LongSlices longSlices) throws IOException {
        json.writeObjectFieldStart("longSlices");
        json.writeNumberField("thresholdNs", longSlices.thresholdNs());
        json.writeNumberField("count", longSlices.count());
        if (longSlices.longest() != null) {
            json.writeArrayFieldStart("longest");
            for (LongSlices.LongSlice slice : longSlices.longest()) {
                json.writeStartObject();
                number(json, "pid", slice.pid());
                json.writeNumberField("threadId", slice.threadId());
                json.writeNumberField("carrierThreadId", slice.carrierThreadId());
                json.writeNumberField("startEpochMs", slice.startEpochMs());
                json.writeNumberField("durationNs", slice.durationNs());
                json.writeBooleanField("ongoing", slice.ongoing());
                framesOrNull(json, slice.frames());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void sites(JsonGenerator json, Sites sites) throws IOException {
        json.writeObjectFieldStart("sites");
        json.writeNumberField("sampleEvery", sites.sampleEvery());
        json.writeNumberField("samples", sites.samples());
        json.writeNumberField("samplesLost", sites.samplesLost());
        json.writeNumberField("distinctStacks", sites.distinctStacks());
        siteList(json, "create", sites.create());
        siteList(json, "block", sites.block());
        siteList(json, "wake", sites.wake());
        siteList(json, "pinned", sites.pinned());
        json.writeEndObject();
    }

    private static void siteList(JsonGenerator json, String name, List<? extends Sites.Site> sites)
            throws IOException {
        if (sites == null) {
            return;
        }
        json.writeArrayFieldStart(name);
        for (Sites.Site site : sites) {
            json.writeStartObject();
            json.writeNumberField("count", site.count());
            switch (site) {
                case Sites.CreateSite create -> {
                }
                case Sites.BlockSite block -> {
                    counts(json, "kinds", block.kinds());
                    charges(json, "blocked", block.blocked());
                }
                case Sites.WakeSite wake -> charges(json, "wakeToRun", wake.wakeToRun());
                case Sites.PinnedSite pinned -> charges(json, "pinnedBlocked", pinned.pinnedBlocked());
            }
            strings(json, "frames", site.frames());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void charges(JsonGenerator json, String name, Sites.Charges charges) throws IOException {
        if (charges == null) {
            return;
        }
        json.writeObjectFieldStart(name);
        json.writeNumberField("count", charges.count());
        json.writeNumberField("totalNs", charges.totalNs());
        json.writeNumberField("p99Ns", charges.p99Ns());
        json.writeEndObject();
    }

    private static void leaks(JsonGenerator json, Leaks leaks) throws IOException {
        json.writeObjectFieldStart("leaks");
        json.writeNumberField("thresholdNs", leaks.thresholdNs());
        json.writeNumberField("threads", leaks.threads());
        if (leaks.clusters() != null) {
            json.writeArrayFieldStart("clusters");
            for (Leaks.Cluster cluster : leaks.clusters()) {
                json.writeStartObject();
                json.writeNumberField("threads", cluster.threads());
                json.writeNumberField("oldestBlockedNs", cluster.oldestBlockedNs());
                counts(json, "kinds", cluster.kinds());
                framesOrNull(json, cluster.frames());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void heatmaps(JsonGenerator json, Heatmaps heatmaps) throws IOException {
        json.writeObjectFieldStart("heatmaps");
        json.writeNumberField("windowMs", heatmaps.windowMs());
        Heatmaps.Activity activity = heatmaps.activity();
        if (activity != null) {
            json.writeObjectFieldStart("activity");
            string(json, "columns", activity.columns());
            rows(json, "create", activity.create());
            rows(json, "block", activity.block());
            rows(json, "wake", activity.wake());
            rows(json, "mount", activity.mount());
            json.writeEndObject();
        }
        Heatmaps.Latency latency = heatmaps.latency();
        if (latency != null) {
            json.writeObjectFieldStart("latency");
            Heatmaps.Buckets buckets = latency.buckets();
            if (buckets != null) {
                json.writeObjectFieldStart("buckets");
                string(json, "scheme", buckets.scheme());
                json.writeNumberField("subBucketsPerDoubling", buckets.subBucketsPerDoubling());
                json.writeNumberField("count", buckets.count());
                string(json, "bucket", buckets.bucket());
                json.writeEndObject();
            }
            rows(json, "startDelay", latency.startDelay());
            rows(json, "wakeToRun", latency.wakeToRun());
            rows(json, "blocked", latency.blocked());
            rows(json, "runSlice", latency.runSlice());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void scheduler(JsonGenerator json, Scheduler scheduler) throws IOException {
        json.writeObjectFieldStart("scheduler");
        number(json, "parallelism", scheduler.parallelism());
        number(json, "poolSize", scheduler.poolSize());
        number(json, "activeThreads", scheduler.activeThreads());
        number(json, "runningThreads", scheduler.runningThreads());
        number(json, "queuedTasks", scheduler.queuedTasks());
        number(json, "queuedSubmissions", scheduler.queuedSubmissions());
        number(json, "steals", scheduler.steals());
        Scheduler.MxBean mxBean = scheduler.mxBean();
        if (mxBean != null) {
            json.writeObjectFieldStart("mxBean");
            json.writeNumberField("parallelism", mxBean.parallelism());
            json.writeNumberField("poolSize", mxBean.poolSize());
            json.writeNumberField("mountedVirtualThreadCount", mxBean.mountedVirtualThreadCount());
            json.writeNumberField("queuedVirtualThreadCount", mxBean.queuedVirtualThreadCount());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void context(JsonGenerator json, Context context) throws IOException {
        json.writeObjectFieldStart("context");
        Context.Gc gc = context.gc();
        if (gc != null) {
            json.writeObjectFieldStart("gc");
            strings(json, "collectors", gc.collectors());
            json.writeNumberField("pauses", gc.pauses());
            json.writeNumberField("pauseNs", gc.pauseNs());
            json.writeEndObject();
        }
        Context.CpuThrottling throttling = context.cpuThrottling();
        if (throttling != null) {
            json.writeObjectFieldStart("cpuThrottling");
            json.writeBooleanField("available", throttling.available());
            string(json, "file", throttling.file());
            json.writeNumberField("throttledPeriods", throttling.throttledPeriods());
            json.writeNumberField("throttledNs", throttling.throttledNs());
            json.writeEndObject();
        }
        strings(json, "columns", context.columns());
        rows(json, "windows", context.windows());
        json.writeEndObject();
    }

    private static void merged(JsonGenerator json, Merged merged) throws IOException {
        json.writeObjectFieldStart("merged");
        if (merged.inputs() != null) {
            json.writeArrayFieldStart("inputs");
            for (Merged.Input input : merged.inputs()) {
                json.writeStartObject();
                string(json, "file", input.file());
                number(json, "pid", input.pid());
                string(json, "javaVersion", input.javaVersion());
                number(json, "jvmStartEpochMs", input.jvmStartEpochMs());
                number(json, "recordingStartEpochMs", input.recordingStartEpochMs());
                number(json, "dumpEpochMs", input.dumpEpochMs());
                string(json, "trigger", input.trigger());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** Rows as the schema's row format: cells as {@code [column, count]}. */
    private static void rows(JsonGenerator json, String name, List<HeatmapRow> rows) throws IOException {
        if (rows == null) {
            return;
        }
        json.writeArrayFieldStart(name);
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
            json.writeArrayFieldStart("cells");
            for (long[] cell : row.cells()) {
                json.writeStartArray();
                json.writeNumber(cell[0]);
                json.writeNumber(cell[1]);
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void counts(JsonGenerator json, String name, Map<String, Long> counts) throws IOException {
        if (counts == null) {
            return;
        }
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, Long> count : counts.entrySet()) {
            json.writeNumberField(count.getKey(), count.getValue());
        }
        json.writeEndObject();
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

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

            writeCounts(json, snapshot.counts());
            json.writeEndObject();
        }
    }

    private static void writeCounts(JsonGenerator json, Counts c) throws IOException {
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

        json.writeObjectFieldStart("carriers");
        json.writeNumberField("started", c.carriersStarted());
        json.writeNumberField("exited", c.carriersExited());
        json.writeNumberField("idlePeriods", c.carrierIdlePeriods());
        json.writeEndObject();

        json.writeObjectFieldStart("recorder");
        json.writeNumberField("events", c.events());
        json.writeNumberField("trackedThreads", c.trackedThreads());
        json.writeEndObject();
    }

    private static void writeStrings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String v : values) {
            json.writeString(v);
        }
        json.writeEndArray();
    }
}

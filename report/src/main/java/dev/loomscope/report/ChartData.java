package dev.loomscope.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.loomscope.format.Carriers;
import dev.loomscope.format.Context;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Recorder;
import dev.loomscope.format.Recording;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What report.js draws from, embedded once in the page as JSON: the time axis, the carriers' labels, the latency
 * buckets' labels and axis ticks, and the dump's own heatmap and context rows, written by the format's writer so they
 * read there as in the dump.
 */
final class ChartData {
    private static final JsonFactory JSON = new JsonFactory();
    /** The latency buckets of loomscope/1, for a dump that does not say. */
    private static final int BUCKETS = 161;
    private static final int SUB_BUCKETS_PER_DOUBLING = 4;


    private ChartData() {
    }

    /** The JSON, safe inside {@code <script type="application/json">}. */
    static Html render(LoomscopeDump dump) {
        StringWriter text = new StringWriter(1 << 16);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            write(json, dump);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Html.trusted(HtmlText.scriptJson(text.toString()));
    }

    private static void write(JsonGenerator json, LoomscopeDump dump) throws IOException {
        Heatmaps heatmaps = dump.heatmaps();
        json.writeStartObject();
        json.writeObjectFieldStart("axis");
        Recording recording = dump.recording();
        if (recording != null) {
            json.writeNumberField("startEpochMs", recording.startEpochMs());
            json.writeNumberField("endEpochMs", recording.dumpEpochMs());
        }
        json.writeNumberField("windowMs", heatmaps == null ? 1000 : heatmaps.windowMs());
        json.writeEndObject();

        json.writeArrayFieldStart("carriers");
        Carriers carriers = dump.carriers();
        for (Carriers.Carrier c : carriers == null || carriers.perCarrier() == null ? List.<Carriers.Carrier>of()
                : carriers.perCarrier()) {
            json.writeStartArray();
            json.writeNumber(c.column());
            json.writeString(CarriersSection.label(c));
            json.writeEndArray();
        }
        json.writeEndArray();

        Heatmaps.Buckets buckets = heatmaps == null || heatmaps.latency() == null ? null
                : heatmaps.latency().buckets();
        int count = buckets == null ? BUCKETS : buckets.count();
        int perDoubling = buckets == null ? SUB_BUCKETS_PER_DOUBLING : buckets.subBucketsPerDoubling();
        json.writeArrayFieldStart("bucketLabels");
        for (int i = 0; i < count; i++) {
            json.writeString(bucketLabel(i, count, perDoubling));
        }
        json.writeEndArray();
        json.writeNumberField("subBucketsPerDoubling", perDoubling);
        latencyTicks(json, count, perDoubling);

        json.writeObjectFieldStart("heatmaps");
        for (Metrics.Heatmap map : Metrics.HEATMAPS) {
            List<HeatmapRow> rows = map.rowsIn(heatmaps);
            if (rows != null) {
                json.writeFieldName(map.key());
                DumpJsonWriter.writeRows(json, rows);
            }
        }
        json.writeEndObject();

        Recorder.Shedding shedding = dump.recorder() == null ? null : dump.recorder().shedding();
        if (shedding != null && shedding.shed()) {
            json.writeObjectFieldStart("shedding");
            json.writeNumberField("threadSample", threadSample(dump));
            json.writeFieldName("windows");
            DumpJsonWriter.writeRows(json, shedding.windows());
            json.writeEndObject();
        }

        Context context = dump.context();
        if (context != null && context.windows() != null) {
            json.writeObjectFieldStart("context");
            json.writeArrayFieldStart("columns");
            for (String column : context.columns() == null ? List.<String>of() : context.columns()) {
                json.writeString(column);
            }
            json.writeEndArray();
            json.writeFieldName("windows");
            DumpJsonWriter.writeRows(json, context.windows());
            json.writeBooleanField("throttlingAvailable",
                    context.cpuThrottling() != null && context.cpuThrottling().available());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** The {@code threadSample} option (1 in N threads followed before any shedding), 1 if the dump does not say. */
    static long threadSample(LoomscopeDump dump) {
        Object value = dump.agent() == null || dump.agent().options() == null ? null
                : dump.agent().options().get("threadSample");
        return value instanceof Number n ? Math.max(1, n.longValue()) : 1;
    }

    /**
     * Ticks of the latency axis at 1, 2 and 5 of every decade up to the top bucket, as {@code [position in buckets,
     * label, priority]}: the script shows as many as fit, lower priority first (0: 1 ns, 1 µs, 1 ms, 1 s; 1: other
     * powers of ten; 2: fives; 3: twos).
     */
    private static void latencyTicks(JsonGenerator json, int count, int perDoubling) throws IOException {
        json.writeArrayFieldStart("latencyTicks");
        double[] mantissas = {1, 2, 5};
        for (double decade = 1; decade < Math.pow(2, (double) count / perDoubling); decade *= 10) {
            for (int m = 0; m < mantissas.length; m++) {
                double v = decade * mantissas[m];
                int priority = m == 0 ? (Math.round(Math.log10(decade)) % 3 == 0 ? 0 : 1) : (m == 2 ? 2 : 3);
                json.writeStartArray();
                json.writeNumber(perDoubling * Math.log(v) / Math.log(2));
                json.writeString(HtmlNumbers.duration(Math.round(v)));
                json.writeNumber(priority);
                json.writeEndArray();
            }
        }
        json.writeEndArray();
    }

    /** Bucket i holds v with 2^(i/k) < v <= 2^((i+1)/k); bucket 0 also v <= 1; the last everything above. */
    static String bucketLabel(int i, int count, int perDoubling) {
        double upper = Math.pow(2, (double) (i + 1) / perDoubling);
        double lower = Math.pow(2, (double) i / perDoubling);
        if (i == 0) {
            return "≤ " + HtmlNumbers.duration(upper);
        }
        if (i == count - 1) {
            return "> " + HtmlNumbers.duration(lower);
        }
        return HtmlNumbers.duration(lower) + " – " + HtmlNumbers.duration(upper);
    }
}

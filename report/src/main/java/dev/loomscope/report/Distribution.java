package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

/**
 * One latency distribution of a dump ({@code latencies.<metric>}), decoded from its embedded histogram.
 *
 * @param metric    {@code wakeToRun}, {@code blocked}, ..., or {@code blockedByKind.<kind>}
 * @param histogram the samples, in nanoseconds; empty when the dump has no such distribution (no blocks of a kind)
 */
record Distribution(String metric, Histogram histogram) {

    /** The distribution in {@code dump}; an empty one if the dump does not have it. */
    static Distribution of(Dump dump, String metric) throws UnusableInputException {
        JsonNode node = node(dump, metric);
        if (node.isMissingNode()) {
            return new Distribution(metric, new Histogram(3));
        }
        String where = dump.file() + ": latencies." + metric;
        JsonNode hdr = node.get("hdr");
        if (hdr == null || !hdr.isTextual()) {
            throw new UnusableInputException(where + " has no \"hdr\" histogram");
        }
        return new Distribution(metric, HdrCodec.decode(hdr.asText(), where + ".hdr"));
    }

    /** {@code latencies.<metric>} (a dotted metric is a nested field), or a missing node. */
    static JsonNode node(Dump dump, String metric) {
        return dump.json().at("/latencies/" + metric.replace('.', '/'));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** HdrHistogram's value at the percentile (the value the agent writes as p50, p99, ...); 0 when empty. */
    long valueAt(Percentile percentile) {
        return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile.asDouble());
    }
}

package dev.loomscope.report;

import dev.loomscope.format.HistogramCodec;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.Operations;
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
        LatencySummary summary = dump.model().latencies().metric(metric);
        if (summary == null) {
            return new Distribution(metric, new Histogram(3));
        }
        return new Distribution(metric, histogram(summary, dump.file() + ": latencies." + metric));
    }

    /**
     * The distribution of operation {@code name} in {@code dump} ({@code operations.perOperation[].latencies}).
     *
     * @throws UnusableInputException the dump has no such operation (a typo in a CI script must not pass as "no
     *                                samples"), naming the operations it has
     */
    static Distribution ofOperation(Dump dump, String name, String metric) throws UnusableInputException {
        Operations operations = dump.model().operations();
        Operations.Operation operation = operations == null ? null : operations.operation(name);
        if (operation == null) {
            throw new UnusableInputException(dump.file() + ": no operation '" + name + "' ("
                    + (operations == null ? "the dump has no operations"
                    : operations.perOperation().isEmpty() ? "the application named none"
                    : "operations: " + String.join(", ", operations.perOperation().stream()
                    .map(Operations.Operation::name).toList())) + ")");
        }
        LatencySummary summary = operation.latencies() == null ? null : operation.latencies().metric(metric);
        String id = Budget.OPERATION_PREFIX + name + "]." + metric;
        if (summary == null) {
            return new Distribution(id, new Histogram(3));
        }
        return new Distribution(id, histogram(summary, dump.file() + ": operations " + name + " " + metric));
    }

    /**
     * The summary's histogram ({@code hdr}), or the one-line reason it has none.
     *
     * @param where the summary, for the message ({@code file: latencies.wakeToRun})
     */
    static Histogram histogram(LatencySummary summary, String where) throws UnusableInputException {
        if (summary.hdr() == null) {
            throw new UnusableInputException(where + " has no \"hdr\" histogram");
        }
        try {
            return HistogramCodec.decode(summary.hdr());
        } catch (IllegalArgumentException e) {
            throw new UnusableInputException(where + ".hdr is " + e.getMessage());
        }
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** HdrHistogram's value at the percentile (the value the agent writes as p50, p99, ...); 0 when empty. */
    long valueAt(Percentile percentile) {
        return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile.asDouble());
    }
}

package dev.loomscope.report;

import dev.loomscope.format.Latencies;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which distributions and which of their percentiles check and diff compare: {@code --metrics} and
 * {@code --percentiles}.
 */
record MetricSelection(List<String> metrics, List<Percentile> percentiles) {
    /** Scheduling latency, time blocked, and start latency: what a scheduling regression moves. */
    static final String DEFAULT_METRICS = "wakeToRun,blocked,startDelay";
    static final String DEFAULT_PERCENTILES = "p50,p99,p999";
    /** The metrics besides the defaults, for the help texts: {@code runSlice, pinnedBlocked, blockedByKind.<kind>}. */
    static final String OTHER_METRICS = Metrics.latencyNamesBut(split(DEFAULT_METRICS));

    static MetricSelection parse(String metrics, String percentiles) {
        List<String> names = new ArrayList<>();
        for (String name : split(metrics)) {
            if (!name.matches("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)?")) {
                throw new IllegalArgumentException("'" + name + "' is not a metric name (" + Metrics.latencyNames()
                        + ")");
            }
            names.add(name);
        }
        List<Percentile> ps = new ArrayList<>();
        for (String p : split(percentiles)) {
            ps.add(Percentile.parse(p));
        }
        if (names.isEmpty() || ps.isEmpty()) {
            throw new IllegalArgumentException("at least one metric and one percentile are needed");
        }
        return new MetricSelection(List.copyOf(names), List.copyOf(ps));
    }

    static MetricSelection defaults() {
        return parse(DEFAULT_METRICS, DEFAULT_PERCENTILES);
    }

    /**
     * Refuses a metric that none of the dumps knows: a typo in a CI script must not pass as "no samples". A
     * {@code blockedByKind.<kind>} is known when the kind is one the dumps count ({@code counts.blocksByKind}): the
     * agent writes a kind's distribution only once it has seen such a block.
     */
    static void requireKnown(String metric, Dump... dumps) throws UnusableInputException {
        if (Metrics.latency(metric) != null) {
            return;
        }
        for (Dump dump : dumps) {
            if (dump.model().latencies().metric(metric) != null) {
                return;
            }
            String kind = metric.startsWith(Latencies.BY_KIND) ? metric.substring(Latencies.BY_KIND.length()) : null;
            Map<String, Long> counted = dump.model().counts().blocksByKind();
            if (kind != null && counted != null && counted.containsKey(kind)) {
                return;
            }
        }
        throw new UnusableInputException("unknown metric '" + metric + "' (known: " + Metrics.latencyNames() + ")");
    }

    private static List<String> split(String csv) {
        List<String> items = new ArrayList<>();
        for (String item : csv.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }
}

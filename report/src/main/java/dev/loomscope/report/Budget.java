package dev.loomscope.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An absolute limit on the current run, whatever the baseline: {@code --budget wakeToRun.p99=5ms}.
 *
 * @param limitNanos the percentile may be at most this
 */
record Budget(String metric, Percentile percentile, long limitNanos) {

    /** Parses {@code metric.pNN=DURATION[,...]}. */
    static List<Budget> parseAll(String spec) {
        List<Budget> budgets = new ArrayList<>();
        for (String item : spec.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            int dot = eq < 0 ? -1 : item.lastIndexOf('.', eq);
            if (eq < 0 || dot <= 0) {
                throw new IllegalArgumentException("'" + item.trim() + "' is not a budget (metric.pNN=DURATION, e.g."
                        + " wakeToRun.p99=5ms)");
            }
            String metric = item.substring(0, dot).trim();
            Percentile p = Percentile.parse(item.substring(dot + 1, eq));
            budgets.add(new Budget(metric, p, Durations.parse(item.substring(eq + 1))));
        }
        return budgets;
    }

    String id() {
        return metric + "." + percentile.name();
    }
}

package dev.loomscope.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An absolute limit on the current run, whatever the baseline: {@code --budget wakeToRun.p99=5ms}, or for one of the
 * application's operations ({@code operations.perOperation}) {@code --budget 'op[POST /payments].wakeToRun.p99=20ms'}.
 *
 * @param operation  the operation's name, or {@code null} for the JVM's own distribution ({@code latencies})
 * @param limitNanos the percentile may be at most this
 */
record Budget(String operation, String metric, Percentile percentile, long limitNanos) {
    /** What names an operation's budget: {@code op[NAME].}; the name may hold anything but {@code ]}. */
    static final String OPERATION_PREFIX = "op[";
    /** The distributions an operation has ({@code operations.perOperation[].latencies}). */
    static final List<String> OPERATION_METRICS = List.of("wakeToRun", "blocked", "runSlice");

    /** A budget on the JVM's own distribution. */
    Budget(String metric, Percentile percentile, long limitNanos) {
        this(null, metric, percentile, limitNanos);
    }

    /**
     * Parses {@code [op[NAME].]metric.pNN=DURATION[,...]}; commas inside {@code op[...]} belong to the name.
     *
     * @throws IllegalArgumentException naming the item that is not a budget
     */
    static List<Budget> parseAll(String spec) {
        List<Budget> budgets = new ArrayList<>();
        for (String item : items(spec)) {
            if (item.isBlank()) {
                continue;
            }
            String rest = item.trim();
            String operation = null;
            if (rest.startsWith(OPERATION_PREFIX)) {
                int close = rest.indexOf(']');
                if (close < 0 || close == OPERATION_PREFIX.length() || !rest.startsWith(".", close + 1)) {
                    throw new IllegalArgumentException("'" + rest + "' is not an operation's budget"
                            + " (op[NAME].metric.pNN=DURATION, e.g. op[POST /payments].wakeToRun.p99=20ms)");
                }
                operation = rest.substring(OPERATION_PREFIX.length(), close);
                rest = rest.substring(close + 2);
            }
            int eq = rest.indexOf('=');
            int dot = eq < 0 ? -1 : rest.lastIndexOf('.', eq);
            if (eq < 0 || dot <= 0) {
                throw new IllegalArgumentException("'" + item.trim() + "' is not a budget (metric.pNN=DURATION, e.g."
                        + " wakeToRun.p99=5ms, or op[NAME].metric.pNN=DURATION)");
            }
            String metric = rest.substring(0, dot).trim();
            if (operation != null && !OPERATION_METRICS.contains(metric)) {
                throw new IllegalArgumentException("'" + item.trim() + "': an operation has "
                        + String.join(", ", OPERATION_METRICS) + ", not " + metric);
            }
            Percentile p = Percentile.parse(rest.substring(dot + 1, eq));
            budgets.add(new Budget(operation, metric, p, Durations.parse(rest.substring(eq + 1))));
        }
        return budgets;
    }

    /** The items of a spec: split at commas, except inside {@code op[...]}. */
    private static List<String> items(String spec) {
        List<String> items = new ArrayList<>();
        int start = 0;
        boolean inName = false;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (!inName && spec.startsWith(OPERATION_PREFIX, i)) {
                inName = true;
                i += OPERATION_PREFIX.length() - 1;
            } else if (inName && c == ']') {
                inName = false;
            } else if (!inName && c == ',') {
                items.add(spec.substring(start, i));
                start = i + 1;
            }
        }
        items.add(spec.substring(start));
        return items;
    }

    String id() {
        return (operation == null ? "" : OPERATION_PREFIX + operation + "].") + metric + "." + percentile.name();
    }
}

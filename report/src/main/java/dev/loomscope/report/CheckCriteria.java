package dev.loomscope.report;

import java.util.List;

/**
 * Everything check judges by, parsed from its options (docs/report.md).
 *
 * @param minDeltaNanos a regression must also be at least this much slower in absolute terms
 * @param tail          samples that must lie beyond a percentile for it to be judged ({@link SampleRule})
 */
record CheckCriteria(MetricSelection selection, Thresholds thresholds, List<Budget> budgets, long minDeltaNanos,
                     int tail, boolean forbidPinning, boolean forbidLeaks) {
    /**
     * 1 ms: below that, differences between CI runs are dominated by the machine (OS scheduling quanta, a noisy
     * neighbour), so a 300 us → 500 us "regression" of +67 % is not evidence of anything in the code.
     */
    static final String DEFAULT_MIN_DELTA = "1ms";

    static CheckCriteria defaults() {
        return new CheckCriteria(MetricSelection.defaults(), Thresholds.defaults(), List.of(),
                Durations.parse(DEFAULT_MIN_DELTA), SampleRule.DEFAULT_TAIL, false, false);
    }
}

package dev.loomscope.report;

/**
 * When a percentile is backed by enough samples to be judged (docs/report.md, "Too few samples"): the format's
 * {@link dev.loomscope.format.SampleRule}, which the JUnit budgets share, over the report's {@link Percentile}.
 */
final class SampleRule {
    /** Default number of samples that must lie beyond a percentile. */
    static final int DEFAULT_TAIL = dev.loomscope.format.SampleRule.DEFAULT_TAIL;

    private SampleRule() {
    }

    /** The smallest sample count for which {@code percentile} has at least {@code tail} samples beyond it. */
    static long minimumCount(Percentile percentile, int tail) {
        return dev.loomscope.format.SampleRule.minimumCount(percentile.value(), tail);
    }

    static boolean enough(long count, Percentile percentile, int tail) {
        return dev.loomscope.format.SampleRule.enough(count, percentile.value(), tail);
    }
}

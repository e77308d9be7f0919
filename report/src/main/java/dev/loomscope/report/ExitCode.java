package dev.loomscope.report;

/** Exit codes of {@code java -jar loomscope-report.jar}, documented in docs/report.md. */
public final class ExitCode {
    private ExitCode() {
    }

    /** Done; for {@code check}: every metric within its limits. */
    public static final int OK = 0;
    /** {@code check} only: a regression, a budget exceeded, forbidden pinning or leaks. */
    public static final int REGRESSION = 1;
    /** Unusable input or usage: missing file, not JSON, not a Loomscope dump, unknown schema, bad arguments. */
    public static final int UNUSABLE_INPUT = 2;
}

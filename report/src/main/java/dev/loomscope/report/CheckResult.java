package dev.loomscope.report;

/**
 * One verdict of check: a row of the Markdown table and a test case of the JUnit XML.
 *
 * @param id       what was checked, e.g. {@code wakeToRun.p99}, {@code pinning}
 * @param baseline the baseline's value as shown, or empty
 * @param current  the current run's value as shown
 * @param change   the relative change as shown, or empty
 * @param limit    the limit as shown
 * @param message  why it passed, failed or was skipped, in one line
 */
record CheckResult(Kind kind, String id, Status status, String baseline, String current, String change, String limit,
                   String message) {

    enum Kind {
        /** A percentile compared with the baseline's ({@code --max-regression}). */
        REGRESSION,
        /** A percentile of the current run against an absolute limit ({@code --budget}). */
        BUDGET,
        /** {@code --forbid-pinning}. */
        PINNING,
        /** {@code --forbid-leaks}. */
        LEAKS;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    enum Status {
        PASS, FAIL,
        /** Not judged (too few samples, or no data): never fails the check. */
        SKIP
    }
}

package dev.loomscope.report;

import java.io.PrintStream;

/** {@code report}: not written yet. */
final class ReportCommand {
    private ReportCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        err.println("loomscope-report: 'report' is not implemented yet");
        return ExitCode.UNUSABLE_INPUT;
    }
}

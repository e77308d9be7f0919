package dev.loomscope.report;

import java.io.PrintStream;

/** {@code merge}: not written yet. */
final class MergeCommand {
    private MergeCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        err.println("loomscope-report: 'merge' is not implemented yet");
        return ExitCode.UNUSABLE_INPUT;
    }
}

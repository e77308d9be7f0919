package dev.loomscope.report;

import java.io.PrintStream;

/** {@code check}: not written yet. */
final class CheckCommand {
    private CheckCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        err.println("loomscope-report: 'check' is not implemented yet");
        return ExitCode.UNUSABLE_INPUT;
    }
}

package dev.loomscope.report;

import java.io.PrintStream;

/** {@code diff}: not written yet. */
final class DiffCommand {
    private DiffCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        err.println("loomscope-report: 'diff' is not implemented yet");
        return ExitCode.UNUSABLE_INPUT;
    }
}

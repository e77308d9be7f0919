package dev.loomscope.report;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar loomscope-report.jar <command> ...}: the report tool's single entry point. Each command is a class
 * of its own; this one only dispatches and turns failures into one line and an exit code (docs/report.md).
 */
public final class ReportMain {
    private ReportMain() {
    }

    static final String USAGE = """
            usage: java -jar loomscope-report.jar <command> [options]
              report IN.json [-o OUT.html]          self-contained HTML report
              check --baseline BASE.json --current CUR.json [options]
                                                    CI gate: exit 1 on a regression
              diagnose DUMP.json [--app PREFIXES]   what stands out in a dump, as text
              diff A.json B.json                    the same metrics, counts per second and sites side by side
              merge A.json B.json ... -o OUT.json   one dump for many JVMs of one service
              alerts --baseline BASE.json [options] Prometheus alert rules: slower than the baseline
              --version                             this jar's version
            <command> --help shows a command's options. Exit codes: 0 ok, 1 check failed, 2 unusable input.""";

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns its exit code. Never throws. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? ExitCode.UNUSABLE_INPUT : ExitCode.OK;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "report" -> ReportCommand.run(rest, out, err);
                case "check" -> CheckCommand.run(rest, out, err);
                case "diagnose" -> DiagnoseCommand.run(rest, out, err);
                case "diff" -> DiffCommand.run(rest, out, err);
                case "merge" -> MergeCommand.run(rest, out, err);
                case "alerts" -> AlertsCommand.run(rest, out, err);
                default -> {
                    err.println("loomscope-report: unknown command '" + args[0] + "'\n" + USAGE);
                    yield ExitCode.UNUSABLE_INPUT;
                }
            };
        } catch (UnusableInputException e) {
            err.println("loomscope-report: " + e.getMessage());
            return ExitCode.UNUSABLE_INPUT;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // a bug, or a dump too large or too deeply nested for this heap: still one line, never a stack trace
            err.println("loomscope-report: internal error: " + e);
            return ExitCode.UNUSABLE_INPUT;
        }
    }
}

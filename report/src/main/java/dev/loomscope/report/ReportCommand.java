package dev.loomscope.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code report IN.json [-o OUT.html]}: one self-contained HTML page for one dump ({@link HtmlReport}). Prints the path
 * written; unusable input or arguments: one line, exit 2.
 */
final class ReportCommand {
    private ReportCommand() {
    }

    static final String USAGE = """
            usage: java -jar loomscope-report.jar report IN.json [-o OUT.html] [--app PREFIXES]
              Writes one self-contained HTML page (inline CSS and JavaScript, no network; opens from disk in any
              browser): a diagnosis at the top, headline counts and latencies, activity and latency heatmaps over time with GC and CPU
              throttling, block kinds, top create/block/wake sites, pinning, leak clusters, monopolising slices,
              carriers' busy and idle time.
              -o, --output OUT.html   where to write (default: IN with the extension .html)
              --app PREFIXES          name sites in the diagnosis by the frames under these package prefixes,
                                      comma-separated (dev.example.): a library's site by the code that called it
              -h, --help              this text
            Prints the path written. Exit codes: 0 written, 2 unusable input or arguments.""";

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        Path in = null;
        Path output = null;
        ApplicationCode code = ApplicationCode.ANY;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return ExitCode.OK;
                }
                case "-o", "--output" -> {
                    if (i + 1 >= args.length || args[i + 1].isEmpty()) {
                        throw new UnusableInputException("report: " + arg + " needs a file name (report IN.json -o"
                                + " OUT.html)");
                    }
                    if (output != null) {
                        throw new UnusableInputException("report: " + arg + " given twice");
                    }
                    output = Path.of(args[++i]);
                }
                case "--app" -> {
                    if (i + 1 >= args.length) {
                        throw new UnusableInputException("report: --app needs package prefixes (--app com.example.)");
                    }
                    code = appCode("report", args[++i]);
                }
                default -> {
                    if (arg.startsWith("--app=")) {
                        code = appCode("report", arg.substring("--app=".length()));
                        continue;
                    }
                    if (arg.startsWith("-") && arg.length() > 1) {
                        throw new UnusableInputException("report: unknown option '" + arg + "' (report --help)");
                    }
                    if (in != null) {
                        throw new UnusableInputException("report: one input file only, got '" + in + "' and '"
                                + arg + "' (report --help)");
                    }
                    in = Path.of(arg);
                }
            }
        }
        if (in == null) {
            throw new UnusableInputException("report: no input file (usage: report IN.json [-o OUT.html])");
        }
        Dump dump = Dump.read(in);
        Path target = output != null ? output : defaultOutput(in);
        if (target.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
            throw new UnusableInputException(target + ": the output would overwrite the input");
        }
        String html = HtmlReport.render(dump, code);
        write(target, html);
        out.println(target);
        return ExitCode.OK;
    }

    /** {@code --app}'s value, or one line saying what it needs. */
    static ApplicationCode appCode(String command, String prefixes) throws UnusableInputException {
        try {
            return ApplicationCode.parse(prefixes);
        } catch (IllegalArgumentException e) {
            throw new UnusableInputException(command + ": " + e.getMessage());
        }
    }

    /** IN with its {@code .json} extension replaced by {@code .html} (or {@code .html} appended). */
    static Path defaultOutput(Path in) {
        String name = in.getFileName().toString();
        String base = name.regionMatches(true, Math.max(0, name.length() - 5), ".json", 0, 5) && name.length() > 5
                ? name.substring(0, name.length() - 5) : name;
        return in.resolveSibling(base + ".html");
    }

    /** Written next to the target first, then moved over it, so a reader never sees half a page. */
    private static void write(Path target, String html) throws UnusableInputException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            if (dir != null && !Files.isDirectory(dir)) {
                throw new UnusableInputException(target + ": cannot write, no directory " + dir);
            }
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.writeString(temp, html, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new UnusableInputException(target + ": cannot write (" + e + ")");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }
}

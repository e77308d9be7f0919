package dev.loomscope.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of one command: {@code --name value} or {@code --name=value} options, flags, and positional
 * arguments. Shared by check, diff and merge so that all three accept the same forms and reject unknown options with
 * the same one line (exit 2), instead of silently ignoring a typo in a CI script.
 */
final class CliArgs {
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();
    private final List<String> positional = new ArrayList<>();
    private boolean help;

    private CliArgs() {
    }

    /**
     * @param command      the command's name, for messages
     * @param valueOptions options that take a value (may repeat: all values are kept)
     * @param flagOptions  options without a value
     */
    static CliArgs parse(String command, String[] args, Set<String> valueOptions, Set<String> flagOptions)
            throws UnusableInputException {
        CliArgs parsed = new CliArgs();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                parsed.help = true;
            } else if (arg.equals("--")) {
                parsed.positional.addAll(List.of(args).subList(i + 1, args.length));
                break;
            } else if (arg.startsWith("-") && arg.length() > 1) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                if (flagOptions.contains(name)) {
                    if (eq >= 0) {
                        throw usage(command, name + " takes no value");
                    }
                    parsed.flags.add(name);
                } else if (valueOptions.contains(name)) {
                    String value;
                    if (eq >= 0) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw usage(command, name + " needs a value");
                    }
                    parsed.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    throw usage(command, "unknown option " + name);
                }
            } else {
                parsed.positional.add(arg);
            }
        }
        return parsed;
    }

    /** A usage error: one line naming the command's help. */
    static UnusableInputException usage(String command, String message) {
        return new UnusableInputException(command + ": " + message + " (see '" + command + " --help')");
    }

    boolean help() {
        return help;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    /** The option's last value, or {@code fallback}. */
    String value(String name, String fallback) {
        List<String> values = options.get(name);
        return values == null ? fallback : values.get(values.size() - 1);
    }

    /** Every value the option was given, in order (an option such as --budget may repeat). */
    List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    List<String> positional() {
        return positional;
    }
}

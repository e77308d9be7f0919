package dev.loomscope.examples.workloads;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of a workload main. Sizes are plain integers ({@code 1000000}) or use
 * underscores ({@code 1_000_000}); an unknown option or a bad number stops the workload with exit code 2, so a typo in
 * a benchmark command can never silently measure the default size.
 */
final class WorkloadArgs {
    private final String workload;
    private final Map<String, String> values = new HashMap<>();

    private WorkloadArgs(String workload) {
        this.workload = workload;
    }

    static WorkloadArgs parse(String workload, String[] args, Set<String> known) {
        WorkloadArgs parsed = new WorkloadArgs(workload);
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2)) || i + 1 >= args.length) {
                parsed.usage("unknown option or missing value: " + name);
            }
            parsed.values.put(name.substring(2), args[++i]);
        }
        return parsed;
    }

    /** A non-negative count. */
    int count(String name, int defaultValue) {
        String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.replace("_", ""));
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        usage("--" + name + " needs a non-negative integer, not '" + text + "'");
        return defaultValue; // not reached
    }

    private void usage(String problem) {
        System.err.println(workload + ": " + problem);
        System.exit(2);
    }
}

package dev.loomscope.examples.bench;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Renders the harness's results as Markdown: one table for all workloads, then what each workload did. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(HarnessOptions options, String javaDescription,
                         Map<Workload, Map<Configuration, List<RunResult>>> results, int repeatedRuns) {
        StringBuilder md = new StringBuilder();
        String now = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        md.append("Loomscope overhead benchmark, ").append(now).append("  \n");
        md.append("JVM: ").append(javaDescription).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs; child JVM options: `")
                .append(String.join(" ", OverheadHarness.COMMON_JVM_OPTIONS)).append("`  \n");
        md.append(options.runs()).append(" runs per configuration, configurations alternated round-robin within"
                + " each run; time is the workload's own measurement of its timed pass.");
        if (options.retries() > 0) {
            md.append(String.format(" Each run waited for other processes to use at most %.2f cores; runs discarded"
                    + " and repeated because they used more meanwhile: %d (a run is repeated at most %d times).",
                    options.maxOtherCores(), repeatedRuns, options.retries()));
        }
        md.append("\n\n");

        md.append("| Workload | Configuration | Median (ms) | Ratio to plain | Runs in order (ms) "
                + "| Events recorded (median) | Dropped: median; max | Others' CPU (max, cores) |\n");
        md.append("|---|---|--:|--:|---|--:|--:|--:|\n");
        for (Map.Entry<Workload, Map<Configuration, List<RunResult>>> workload : results.entrySet()) {
            List<RunResult> plainRuns = workload.getValue().get(Configuration.PLAIN);
            double plainMedian = plainRuns == null ? Double.NaN : median(elapsed(plainRuns));
            for (Map.Entry<Configuration, List<RunResult>> configuration : workload.getValue().entrySet()) {
                List<RunResult> runs = configuration.getValue();
                double median = median(elapsed(runs));
                OptionalLong events = medianOf(runs, RunResult::eventsRecorded);
                md.append("| ").append(workload.getKey().name())
                        .append(" | ").append(configuration.getKey().label)
                        .append(" | ").append(String.format("%.1f", median / 1e6))
                        .append(" | ").append(Double.isNaN(plainMedian) ? "–"
                                : String.format("%.2fx", median / plainMedian))
                        .append(" | ").append(runs.stream().map(r -> String.format("%.0f", r.elapsedNanos() / 1e6))
                                .collect(Collectors.joining(", ")))
                        .append(" | ").append(events.isPresent() ? String.format("%,d", events.getAsLong()) : "–")
                        .append(" | ").append(droppedCell(runs))
                        .append(" | ").append(otherCoresCell(runs))
                        .append(" |\n");
            }
        }
        md.append('\n');
        for (Workload workload : results.keySet()) {
            md.append("- ").append(workload.name()).append(": ").append(workload.description()).append(".\n");
        }
        md.append(configurationNotes(options, results.values().stream()
                .flatMap(byConfiguration -> byConfiguration.values().stream()).flatMap(List::stream)
                .collect(Collectors.groupingBy(RunResult::configuration, () -> new EnumMap<>(Configuration.class),
                        Collectors.flatMapping(r -> r.agentMessages().stream(), Collectors.toCollection(
                                LinkedHashSet::new))))));
        md.append("- Events recorded: Loomscope's `recorder.events`, or the number of events in the JFR file;"
                + " both cover the whole JVM run, warm-up included. Dropped: Loomscope's `counts.dropped` (records"
                + " lost to full rings) and its share of the records offered, median and worst run. Others' CPU:"
                + " cores kept busy by processes other than the benchmark while a run's JVM was alive, worst run kept;"
                + " near 0 means an undisturbed machine, more means the times of that row are inflated.\n");
        return md.toString();
    }

    /**
     * What each configuration ran with (a reader must not have to look up what "loomscope-sampled" meant in this run,
     * since {@code --agent-options} can change it), and what the agent said about its options: a configuration whose
     * option the agent ignored measured the agent's default instead.
     */
    static String configurationNotes(HarnessOptions options, Map<Configuration, ? extends Set<String>> messages) {
        StringBuilder md = new StringBuilder("- Configurations:");
        String separator = " ";
        for (Configuration configuration : Configuration.values()) { // the order of the table's rows
            if (!options.configurations().contains(configuration)) {
                continue;
            }
            md.append(separator).append(configuration.label).append(": ");
            separator = "; ";
            List<String> parts = new ArrayList<>(configuration.extraJvmOptions);
            if (configuration.hasAgent()) {
                String agentOptions = options.agentOptions().getOrDefault(configuration, "");
                parts.add("agent" + (agentOptions.isBlank() ? " with default options" : " `" + agentOptions + "`"));
            }
            if (configuration.jfr) {
                parts.add("JFR");
            }
            md.append(parts.isEmpty() ? "no agent" : parts.stream().map(p -> p.startsWith("-") ? "`" + p + "`" : p)
                    .collect(Collectors.joining(", ")));
        }
        md.append(".\n");
        messages.forEach((configuration, lines) -> {
            for (String line : lines) {
                md.append("- **").append(configuration.label).append(": the agent said** `").append(line)
                        .append("` (an ignored option means this row measured the agent's default instead).\n");
            }
        });
        return md.toString();
    }

    /** Median and worst run: the median alone would hide one run that lost a quarter of its records. */
    private static String droppedCell(List<RunResult> runs) {
        List<RunResult> withDrops = runs.stream().filter(r -> r.dropped().isPresent()).toList();
        if (withDrops.isEmpty()) {
            return "–";
        }
        RunResult worst = withDrops.stream().max(Comparator.comparingLong(r -> r.dropped().getAsLong())).orElseThrow();
        long median = medianOf(withDrops, RunResult::dropped).orElseThrow();
        long medianEvents = medianOf(withDrops, RunResult::eventsRecorded).orElse(0);
        return dropped(median, medianEvents) + "; " + dropped(worst.dropped().getAsLong(),
                worst.eventsRecorded().orElse(0));
    }

    private static String dropped(long dropped, long recorded) {
        return dropped == 0 ? "0" : String.format("%,d (%.1f%%)", dropped, 100.0 * dropped / (dropped + recorded));
    }

    private static String otherCoresCell(List<RunResult> runs) {
        OptionalDouble max = runs.stream().map(RunResult::otherCores).filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble).max();
        return max.isPresent() ? String.format("%.2f", max.getAsDouble()) : "–";
    }

    private static long[] elapsed(List<RunResult> runs) {
        return runs.stream().mapToLong(RunResult::elapsedNanos).toArray();
    }

    /** Median of the values present, or empty when no run has one. */
    private static OptionalLong medianOf(List<RunResult> runs, Function<RunResult, OptionalLong> field) {
        long[] values = runs.stream().map(field).filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong)
                .toArray();
        return values.length == 0 ? OptionalLong.empty() : OptionalLong.of(Math.round(median(values)));
    }

    /** The middle value, or the mean of the two middle values for an even count. */
    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
}

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
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Renders the harness's results as Markdown: one table for the timed workloads, one for the payment service, then
 * what each workload did and what each configuration ran with.
 */
final class MarkdownReport {
    private MarkdownReport() {
    }

    /**
     * @param paymentsWorkload    the payment service's workload as it ran (in closed-loop mode at the calibrated rate)
     * @param payments            the payment service's runs, or null when it did not run
     * @param paymentsCalibration plain's closed-loop run that set the open loop's rate, or null
     */
    static String render(HarnessOptions options, String javaDescription,
                         Map<Workload, Map<Configuration, List<RunResult>>> results,
                         PaymentsWorkload paymentsWorkload, Map<Configuration, List<PaymentsResult>> payments,
                         PaymentsResult paymentsCalibration, List<String> discardedRuns) {
        StringBuilder md = new StringBuilder();
        String now = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        md.append("Loomscope overhead benchmark, ").append(now).append("  \n");
        md.append("JVM: ").append(javaDescription).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs; child JVM options: `")
                .append(String.join(" ", OverheadHarness.COMMON_JVM_OPTIONS)).append("`  \n");
        md.append(options.runs()).append(" runs per configuration, configurations alternated round-robin within"
                + " each run.");
        if (options.retries() > 0) {
            md.append(String.format(" Each run waited for other processes to use at most %.2f cores; runs discarded"
                    + " and repeated because they used more meanwhile: %d (a run is repeated at most %d times).",
                    options.maxOtherCores(), discardedRuns.size(), options.retries()));
        }
        md.append("\n\n");
        if (!results.isEmpty()) {
            timedTable(md, results);
        }
        if (payments != null) {
            paymentsTable(md, paymentsWorkload, payments, paymentsCalibration);
        }
        scrapeTable(md, results, payments);
        Map<Configuration, Set<String>> messages = new EnumMap<>(Configuration.class);
        results.values().forEach(byConfiguration -> byConfiguration.forEach((configuration, runs) -> runs.forEach(
                r -> messages.computeIfAbsent(configuration, c -> new LinkedHashSet<>()).addAll(r.agentMessages()))));
        if (payments != null) {
            payments.forEach((configuration, runs) -> runs.forEach(r -> messages.computeIfAbsent(configuration,
                    c -> new LinkedHashSet<>()).addAll(r.agentMessages())));
        }
        md.append(configurationNotes(options, messages));
        md.append(clockNote(results));
        md.append("- Events recorded: Loomscope's `recorder.events`, or the number of events in the JFR file;"
                + " both cover the whole JVM run, warm-up included. Dropped: Loomscope's `counts.dropped` (records"
                + " lost to full rings) and its share of the records offered, median and worst run. Others' CPU:"
                + " cores kept busy by processes other than the benchmark while a run's JVMs were alive, worst run"
                + " kept; near 0 means an undisturbed machine, more means the figures of that row are inflated.\n");
        if (!discardedRuns.isEmpty()) {
            md.append("\nRuns discarded and repeated because other processes were busy (not in the tables):\n\n");
            for (String line : discardedRuns) {
                md.append("- `").append(line).append("`\n");
            }
        }
        return md.toString();
    }

    /**
     * Which clock each recording configuration's dumps said they read ({@code recorder.clock}): the counter where the
     * machine allows it, else {@code nanoTime}, so the same configuration can differ between machines. Empty when no
     * dump said.
     */
    static String clockNote(Map<Workload, Map<Configuration, List<RunResult>>> results) {
        Map<Configuration, Set<String>> clocks = new EnumMap<>(Configuration.class);
        results.values().forEach(byConfiguration -> byConfiguration.forEach((configuration, runs) -> runs.forEach(
                r -> r.clock().ifPresent(clock -> clocks.computeIfAbsent(configuration, c -> new LinkedHashSet<>())
                        .add(clock)))));
        if (clocks.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("- Event clock (`recorder.clock` of the dumps):");
        String separator = " ";
        for (Map.Entry<Configuration, Set<String>> entry : clocks.entrySet()) {
            md.append(separator).append(entry.getKey().label).append(" ").append(String.join(" and ", entry.getValue()));
            separator = "; ";
        }
        return md.append(".\n").toString();
    }

    /** The timed workloads: the workload's own measurement of its timed pass. */
    private static void timedTable(StringBuilder md, Map<Workload, Map<Configuration, List<RunResult>>> results) {
        md.append("| Workload | Configuration | Median (ms) | Ratio to plain | Runs in order (ms) "
                + "| CPU (median, ms) | CPU per record (ns) | CPU per record, timed pass (ns) "
                + "| Events recorded (median) | Dropped: median; max | Others' CPU (max, cores) |\n");
        md.append("|---|---|--:|--:|---|--:|--:|--:|--:|--:|--:|\n");
        for (Map.Entry<Workload, Map<Configuration, List<RunResult>>> workload : results.entrySet()) {
            List<RunResult> plainRuns = workload.getValue().get(Configuration.PLAIN);
            double plainMedian = plainRuns == null ? Double.NaN : median(elapsed(plainRuns));
            // the floor of a configuration: the empty agent for the agent's (its start-up weaves the JDK's classes,
            // seconds of CPU that are no record's), plain for JFR
            OptionalLong agentFloorCpu = medianCpu(workload.getValue().get(Configuration.EMPTY_AGENT));
            OptionalLong plainCpu = medianCpu(plainRuns);
            OptionalLong agentFloorTimedCpu = medianTimedPassCpu(workload.getValue().get(Configuration.EMPTY_AGENT));
            OptionalLong plainTimedCpu = medianTimedPassCpu(plainRuns);
            double timedShare = workload.getKey().timedShare();
            for (Map.Entry<Configuration, List<RunResult>> configuration : workload.getValue().entrySet()) {
                List<RunResult> runs = configuration.getValue();
                double median = median(elapsed(runs));
                OptionalLong events = medianOf(runs, RunResult::eventsRecorded);
                OptionalLong cpu = medianOf(runs, RunResult::processCpuNanos);
                OptionalLong timedCpu = medianTimedPassCpu(runs);
                OptionalLong timedEvents = events.isPresent()
                        ? OptionalLong.of(Math.round(events.getAsLong() * timedShare)) : OptionalLong.empty();
                md.append("| ").append(workload.getKey().name())
                        .append(" | ").append(configuration.getKey().label)
                        .append(" | ").append(String.format("%.1f", median / 1e6))
                        .append(" | ").append(Double.isNaN(plainMedian) ? "–"
                                : String.format("%.2fx", median / plainMedian))
                        .append(" | ").append(runs.stream().map(r -> String.format("%.0f", r.elapsedNanos() / 1e6))
                                .collect(Collectors.joining(", ")))
                        .append(" | ").append(cpu.isPresent() ? String.format("%.0f", cpu.getAsLong() / 1e6) : "–")
                        .append(" | ").append(costPerRecord(cpu,
                                configuration.getKey().hasAgent() ? agentFloorCpu : plainCpu, events))
                        .append(" | ").append(costPerRecord(timedCpu,
                                configuration.getKey().hasAgent() ? agentFloorTimedCpu : plainTimedCpu, timedEvents))
                        .append(" | ").append(events.isPresent() ? String.format("%,d", events.getAsLong()) : "–")
                        .append(" | ").append(droppedCell(runs, RunResult::dropped, RunResult::eventsRecorded))
                        .append(" | ").append(otherCoresCell(runs, RunResult::otherCores))
                        .append(" |\n");
            }
        }
        md.append('\n');
        for (Workload workload : results.keySet()) {
            md.append("- ").append(workload.name()).append(": time is the workload's own measurement of its timed"
                    + " pass; ").append(workload.description()).append(".\n");
        }
        md.append("- CPU: the JVM's CPU time (user + system, all its threads) up to the end of the workload's main, the"
                + " exit dump excluded. CPU per record: (median CPU of the configuration - median CPU of its floor)"
                + " / median events recorded, in ns; the floor is empty-agent for the agent's configurations (the"
                + " agent's start-up is no record's cost) and plain for jfr, whose events count as its records."
                + " It divides what a JVM pays once (the JIT of the recorder's code and of the JDK methods it is"
                + " woven into, JFR's start) by the records of one run. CPU per record, timed pass: the same of the"
                + " JVM's CPU during the timed pass alone (the workload reads it before and after), over the timed"
                + " pass's share of the records (the run's records in proportion to its work: warm-up and untimed"
                + " passes included); with --passes 3, what a record costs once the JIT has compiled the"
                + " recorder.\n");
        md.append('\n');
    }

    /**
     * The payment service: medians over the runs of each measure separately, and their ratios to plain's. Each
     * run's p99 too, since a tail percentile of a 20 s run moves between runs more than a median does.
     */
    private static void paymentsTable(StringBuilder md, PaymentsWorkload workload,
                                      Map<Configuration, List<PaymentsResult>> results, PaymentsResult calibration) {
        List<PaymentsResult> plain = results.get(Configuration.PLAIN);
        boolean closed = workload.closedLoop();
        md.append("| Payments").append(closed ? " | Max throughput, closed loop (req/s) | Ratio | of each run" : "")
                .append(" | Throughput (req/s) | Ratio | p50 (ms) | Ratio | p99 (ms) | Ratio | p99 of each run (ms)"
                        + " | Service CPU (s) | Ratio | Failed | Events recorded (median) | Dropped: median; max"
                        + " | Others' CPU (max, cores) |\n");
        md.append(closed ? "|---|--:|--:|---" : "|---").append("|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|\n");
        for (Map.Entry<Configuration, List<PaymentsResult>> entry : results.entrySet()) {
            List<PaymentsResult> runs = entry.getValue();
            md.append("| ").append(entry.getKey().label);
            if (closed) {
                double max = medianOfDoubles(runs, r -> r.maxThroughput().orElse(Double.NaN));
                md.append(" | ").append(String.format("%.1f", max))
                        .append(" | ").append(ratio(max, plain == null ? Double.NaN
                                : medianOfDoubles(plain, r -> r.maxThroughput().orElse(Double.NaN))))
                        .append(" | ").append(runs.stream().map(r -> String.format("%.1f",
                                r.maxThroughput().orElse(Double.NaN))).collect(Collectors.joining(", ")));
            }
            throughputCells(md, runs, plain);
            latencyCells(md, runs, plain, PaymentsResult::p50Nanos);
            latencyCells(md, runs, plain, PaymentsResult::p99Nanos);
            md.append(" | ").append(runs.stream().map(r -> String.format("%.1f", r.p99Nanos() / 1e6))
                    .collect(Collectors.joining(", ")));
            double cpu = medianOfLongs(runs, PaymentsResult::serviceCpuNanos);
            md.append(" | ").append(String.format("%.2f", cpu / 1e9))
                    .append(" | ").append(ratio(cpu, plain == null ? Double.NaN
                            : medianOfLongs(plain, PaymentsResult::serviceCpuNanos)));
            md.append(" | ").append(String.format("%,.0f", medianOfLongs(runs, PaymentsResult::failed)));
            OptionalLong events = medianOf(runs, PaymentsResult::eventsRecorded);
            md.append(" | ").append(events.isPresent() ? String.format("%,d", events.getAsLong()) : "–")
                    .append(" | ").append(droppedCell(runs, PaymentsResult::dropped, PaymentsResult::eventsRecorded))
                    .append(" | ").append(otherCoresCell(runs, PaymentsResult::otherCores))
                    .append(" |\n");
        }
        md.append('\n');
        List<PaymentsResult> all = results.values().stream().flatMap(List::stream).toList();
        md.append("- Payments: ").append(workload.description()).append(". Throughput: successful responses per"
                + " second from the start of the load's timeline to its last response (the offered rate, a little"
                + " less, while the service keeps up). Latency: from each request's intended start (open loop, no"
                + " coordinated omission), the load generator's HdrHistogram. Service CPU: user + system time of the"
                + " service's JVM during the measured load (agent and JIT included). Failed: errors, timeouts and"
                + " requests not sent, median of the runs.")
                .append(String.format(" The load generator, in its own JVM on the same cores, used a median %.2f s"
                        + " of CPU per measured run, start-up included.\n",
                        medianOfLongs(all, PaymentsResult::generatorCpuNanos) / 1e9));
        if (closed && calibration != null) {
            md.append(String.format("- Max throughput: successful responses per second of the closed loop (%d"
                    + " clients, each sending its next request when the last was answered; latency not measured"
                    + " there). The open loop ran at %d requests/s, %.0f %% of plain's %.1f in a calibration run"
                    + " before the others (not in the table).%n", workload.clients(), workload.rate(),
                    PaymentsWorkload.LOAD_SHARE * 100, calibration.maxThroughput().orElse(Double.NaN)));
        }
        md.append('\n');
    }

    /**
     * The configurations whose metrics endpoint was scraped once a second: each scrape's time and lock hold, over all
     * runs, and what the scraping added: the timed pass (or the service's CPU) against loomscope's, the same agent
     * without the endpoint.
     */
    private static void scrapeTable(StringBuilder md, Map<Workload, Map<Configuration, List<RunResult>>> results,
                                    Map<Configuration, List<PaymentsResult>> payments) {
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<Workload, Map<Configuration, List<RunResult>>> workload : results.entrySet()) {
            List<RunResult> loomscope = workload.getValue().get(Configuration.LOOMSCOPE);
            workload.getValue().forEach((configuration, runs) -> {
                List<Scraper.ScrapeStats> scrapes = runs.stream().flatMap(r -> r.scrapes().stream()).toList();
                if (!scrapes.isEmpty()) {
                    scrapeRow(rows, workload.getKey().name(), configuration, Scraper.ScrapeStats.combine(scrapes),
                            loomscope == null ? "–" : ratio(median(elapsed(runs)), median(elapsed(loomscope)))
                                    + " (time)");
                }
            });
        }
        if (payments != null) {
            List<PaymentsResult> loomscope = payments.get(Configuration.LOOMSCOPE);
            payments.forEach((configuration, runs) -> {
                List<Scraper.ScrapeStats> scrapes = runs.stream().flatMap(r -> r.scrapes().stream()).toList();
                if (!scrapes.isEmpty()) {
                    scrapeRow(rows, "Payments", configuration, Scraper.ScrapeStats.combine(scrapes),
                            loomscope == null ? "–" : ratio(medianOfLongs(runs, PaymentsResult::serviceCpuNanos),
                                    medianOfLongs(loomscope, PaymentsResult::serviceCpuNanos)) + " (service CPU)");
                }
            });
        }
        if (rows.isEmpty()) {
            return;
        }
        md.append("| Workload | Configuration | Scrapes | Scrape (ms): median; max | Lock held (ms): median; max"
                + " | Failed | Against loomscope |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|\n");
        md.append(rows).append('\n');
        md.append("- Scrapes: the harness asked the agent's metrics endpoint for `/metrics` once a second, as"
                + " Prometheus does (its Accept header: OpenMetrics), over every run. Scrape: from the request to the"
                + " last byte of the answer. Lock held: how long the scrape held the recording's lock (the drain"
                + " waited meanwhile), as the endpoint reports it (`loomscope_scrape_lock_held_seconds`). Against"
                + " loomscope: the median of this configuration over the median of loomscope, the same agent without"
                + " the endpoint.\n\n");
    }

    private static void scrapeRow(StringBuilder rows, String workload, Configuration configuration,
                                  Scraper.ScrapeStats stats, String against) {
        rows.append("| ").append(workload).append(" | ").append(configuration.label)
                .append(" | ").append(stats.scrapes())
                .append(" | ").append(millis(stats.scrapeNanos()))
                .append(" | ").append(millis(stats.lockHeldNanos()))
                .append(" | ").append(stats.failed())
                .append(" | ").append(against).append(" |\n");
    }

    private static OptionalLong medianCpu(List<RunResult> runs) {
        return runs == null ? OptionalLong.empty() : medianOf(runs, RunResult::processCpuNanos);
    }

    private static OptionalLong medianTimedPassCpu(List<RunResult> runs) {
        return runs == null ? OptionalLong.empty() : medianOf(runs, RunResult::timedPassCpuNanos);
    }

    /** What each record cost above the empty agent's floor, in CPU ns; "–" when a figure is missing. */
    private static String costPerRecord(OptionalLong cpu, OptionalLong floorCpu, OptionalLong events) {
        if (cpu.isEmpty() || floorCpu.isEmpty() || events.isEmpty() || events.getAsLong() == 0) {
            return "–";
        }
        return String.format("%.0f", (double) (cpu.getAsLong() - floorCpu.getAsLong()) / events.getAsLong());
    }

    /** Median and maximum of sorted nanoseconds, in milliseconds. */
    private static String millis(long[] sortedNanos) {
        return sortedNanos.length == 0 ? "–" : String.format("%.2f; %.2f", median(sortedNanos) / 1e6,
                sortedNanos[sortedNanos.length - 1] / 1e6);
    }

    private static void throughputCells(StringBuilder md, List<PaymentsResult> runs, List<PaymentsResult> plain) {
        double throughput = medianOfDoubles(runs, PaymentsResult::throughputPerSecond);
        md.append(" | ").append(String.format("%.1f", throughput))
                .append(" | ").append(ratio(throughput, plain == null ? Double.NaN
                        : medianOfDoubles(plain, PaymentsResult::throughputPerSecond)));
    }

    private static void latencyCells(StringBuilder md, List<PaymentsResult> runs, List<PaymentsResult> plain,
                                     ToLongFunction<PaymentsResult> nanos) {
        double median = medianOfLongs(runs, nanos);
        md.append(" | ").append(String.format("%.1f", median / 1e6))
                .append(" | ").append(ratio(median, plain == null ? Double.NaN : medianOfLongs(plain, nanos)));
    }

    private static String ratio(double value, double plainValue) {
        return Double.isNaN(plainValue) || plainValue == 0 ? "–" : String.format("%.2fx", value / plainValue);
    }

    private static <R> double medianOfLongs(List<R> runs, ToLongFunction<R> field) {
        return median(runs.stream().mapToLong(field).toArray());
    }

    private static <R> double medianOfDoubles(List<R> runs, ToDoubleFunction<R> field) {
        double[] sorted = runs.stream().mapToDouble(field).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
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
            if (configuration.scrapedEverySecond()) {
                parts.add("metrics endpoint on loopback, scraped once a second");
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
    private static <R> String droppedCell(List<R> runs, Function<R, OptionalLong> dropped,
                                          Function<R, OptionalLong> events) {
        List<R> withDrops = runs.stream().filter(r -> dropped.apply(r).isPresent()).toList();
        if (withDrops.isEmpty()) {
            return "–";
        }
        R worst = withDrops.stream().max(Comparator.comparingLong(r -> dropped.apply(r).getAsLong())).orElseThrow();
        long median = medianOf(withDrops, dropped).orElseThrow();
        long medianEvents = medianOf(withDrops, events).orElse(0);
        return dropped(median, medianEvents) + "; " + dropped(dropped.apply(worst).getAsLong(),
                events.apply(worst).orElse(0));
    }

    private static String dropped(long dropped, long recorded) {
        return dropped == 0 ? "0" : String.format("%,d (%.1f%%)", dropped, 100.0 * dropped / (dropped + recorded));
    }

    private static <R> String otherCoresCell(List<R> runs, Function<R, OptionalDouble> otherCores) {
        OptionalDouble max = runs.stream().map(otherCores).filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble).max();
        return max.isPresent() ? String.format("%.2f", max.getAsDouble()) : "–";
    }

    private static long[] elapsed(List<RunResult> runs) {
        return runs.stream().mapToLong(RunResult::elapsedNanos).toArray();
    }

    /** Median of the values present, or empty when no run has one. */
    private static <R> OptionalLong medianOf(List<R> runs, Function<R, OptionalLong> field) {
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

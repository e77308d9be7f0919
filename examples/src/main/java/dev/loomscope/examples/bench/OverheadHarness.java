package dev.loomscope.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.examples.workloads.ProcessCpu;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * End-to-end overhead benchmark: runs each workload in fresh child JVMs under every {@link Configuration} and compares
 * the workloads' own timings.
 * <p>
 * Configurations are alternated round-robin within each repetition (plain, empty-agent, loomscope, jfr, plain, ...),
 * so that drift on the machine (thermal, other load, page cache) spreads over all of them instead of biasing the one
 * measured last. Every child gets the same heap and collector ({@link #COMMON_JVM_OPTIONS}). The report is the median
 * per configuration, its ratio to the plain median, every run in order, and, for Loomscope, how many records it
 * dropped: a fast run that dropped half its records is not a fast profiler.
 * <p>
 * On a shared machine a neighbour's build, not the agent, can be what a slow run measured: the harness measures the
 * CPU other processes used during each run ({@link OtherCpuMeter}), repeats a run that was disturbed, and reports the
 * worst disturbance left in each row.
 * <p>
 * Options: {@link HarnessOptions#USAGE}, or {@code --help}.
 */
public final class OverheadHarness {
    /**
     * The same for every configuration: a fixed 1 GiB heap (no resizing during the run) and G1, named explicitly
     * because with fewer than 2 CPUs or 1792 MB the JVM would pick Serial on its own.
     */
    static final List<String> COMMON_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
    /** A quiet machine is one where other processes stay under --max-other-cores for this long... */
    private static final long QUIET_WINDOW_MILLIS = 2_000;
    /** ...and a run waits at most this long for one before it starts anyway. */
    private static final long QUIET_WAIT_MILLIS = 120_000;
    private static final String JFC_RESOURCE = "virtual-threads.jfc";
    private static final String ELAPSED_PREFIX = "elapsedNanos=";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HarnessOptions options;
    private final Path classPath;
    private final Path workDirectory;
    private final Path jfcFile;
    /**
     * Runs discarded because other processes were busy, over the whole benchmark, each as its progress line: what a
     * discarded run measured stays in the report, since a disturbed run can also be the one that showed a real
     * failure (a stalled service).
     */
    private final List<String> discardedRuns = new ArrayList<>();

    private OverheadHarness(HarnessOptions options) throws IOException {
        this.options = options;
        this.classPath = ownCodeSource();
        this.workDirectory = Files.createTempDirectory("loomscope-bench-");
        this.jfcFile = workDirectory.resolve(JFC_RESOURCE);
        try (InputStream jfc = OverheadHarness.class.getResourceAsStream(JFC_RESOURCE)) {
            if (jfc == null) {
                throw new IOException(JFC_RESOURCE + " missing from the class path");
            }
            Files.copy(jfc, jfcFile); // JFR wants a file path, and the resource may be inside a jar
        }
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options;
        try {
            options = HarnessOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("OverheadHarness: " + e.getMessage());
            System.err.println(HarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.configurations().stream().anyMatch(Configuration::hasAgent)) {
            if (!Files.isRegularFile(options.agentJar())) {
                System.err.println("OverheadHarness: no agent jar at " + options.agentJar()
                        + " (build with mvn package, or pass --agent-jar)");
                System.exit(2);
            }
        }
        if (options.payments() != null && !Files.isRegularFile(options.payments().serviceJar())) {
            System.err.println("OverheadHarness: no payment service at " + options.payments().serviceJar()
                    + " (build with mvn package, or pass --payments-jar)");
            System.exit(2);
        }
        OverheadHarness harness = new OverheadHarness(options);
        try {
            String report = harness.run();
            System.out.print(report);
            if (options.markdownFile() != null) {
                Files.writeString(options.markdownFile(), report);
                System.err.println("OverheadHarness: wrote " + options.markdownFile().toAbsolutePath());
            }
        } finally {
            if (!options.keepFiles()) {
                deleteRecursively(harness.workDirectory);
            } else {
                System.err.println("OverheadHarness: run files kept in " + harness.workDirectory);
            }
        }
    }

    /** Runs everything and returns the Markdown report. */
    private String run() throws IOException, InterruptedException {
        Map<Workload, Map<Configuration, List<RunResult>>> results = new LinkedHashMap<>();
        for (Workload workload : options.workloads()) {
            Map<Configuration, List<RunResult>> byConfiguration = new EnumMap<>(Configuration.class);
            for (Configuration configuration : options.configurations()) {
                byConfiguration.put(configuration, new ArrayList<>());
            }
            for (int repetition = 1; repetition <= options.runs(); repetition++) {
                for (Configuration configuration : options.configurations()) {
                    byConfiguration.get(configuration).add(runUndisturbed(workload, configuration, repetition));
                }
            }
            results.put(workload, byConfiguration);
        }
        Map<Configuration, List<PaymentsResult>> payments = null;
        PaymentsWorkload paymentsWorkload = options.payments();
        PaymentsResult paymentsCalibration = null;
        if (paymentsWorkload != null) {
            PaymentsRunner runner = new PaymentsRunner(options, this::configurationJvmOptions);
            PaymentsWorkload workload = paymentsWorkload;
            if (workload.closedLoop()) {
                // The open loop's rate is a share of what plain answers at most: measured once, before the runs, in
                // a run of its own that is reported but not counted.
                PaymentsWorkload calibration = workload;
                PaymentsResult plainMaximum = runUndisturbed(PaymentsWorkload.NAME + " calibration",
                        Configuration.PLAIN, 0, attempt -> runner.run(Configuration.PLAIN, calibration,
                                runDirectory(PaymentsWorkload.NAME, Configuration.PLAIN, 0, attempt),
                                !options.keepFiles()),
                        PaymentsResult::otherCores, OverheadHarness::progressDetail);
                workload = workload.atShareOf(plainMaximum.maxThroughput().orElseThrow());
                System.err.printf("Payments: plain's maximum %.1f requests/s; the open loop runs at %d/s%n",
                        plainMaximum.maxThroughput().getAsDouble(), workload.rate());
                paymentsCalibration = plainMaximum;
            }
            PaymentsWorkload measured = workload;
            paymentsWorkload = workload;
            payments = new EnumMap<>(Configuration.class);
            for (Configuration configuration : options.configurations()) {
                payments.put(configuration, new ArrayList<>());
            }
            for (int repetition = 1; repetition <= options.runs(); repetition++) {
                for (Configuration configuration : options.configurations()) {
                    int rep = repetition;
                    payments.get(configuration).add(runUndisturbed(PaymentsWorkload.NAME, configuration, repetition,
                            attempt -> runner.run(configuration, measured, runDirectory(PaymentsWorkload.NAME, configuration,
                                    rep, attempt), !options.keepFiles()),
                            PaymentsResult::otherCores, OverheadHarness::progressDetail));
                }
            }
        }
        return MarkdownReport.render(options, javaDescription(), results, paymentsWorkload, payments,
                paymentsCalibration, discardedRuns);
    }

    /** One attempt at one run of a workload in one configuration. */
    @FunctionalInterface
    private interface Attempt<R> {
        R run(int attempt) throws IOException, InterruptedException;
    }

    /**
     * Runs once in a quiet moment, and again in the same slot of the rotation if other processes still took more
     * than {@code --max-other-cores} of the machine meanwhile: on a shared machine a neighbour's build can double a
     * run's time. Before each attempt it waits (up to {@link #QUIET_WAIT_MILLIS}) for a window in which others stay
     * under that limit. After {@code --retries} repeats the run is kept as it is; the report shows the worst
     * disturbance kept in every row.
     */
    private RunResult runUndisturbed(Workload workload, Configuration configuration, int repetition)
            throws IOException, InterruptedException {
        return runUndisturbed(workload.name(), configuration, repetition,
                attempt -> runOnce(workload, configuration, repetition, attempt), RunResult::otherCores,
                OverheadHarness::progressDetail);
    }

    /**
     * @param otherCores the CPU others used during a result's run
     * @param progress   a result in a few words, for the progress line
     */
    private <R> R runUndisturbed(String workloadName, Configuration configuration, int repetition, Attempt<R> run,
                                 Function<R, OptionalDouble> otherCores, Function<R, String> progress)
            throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            long waited = options.retries() == 0 ? 0
                    : OtherCpuMeter.awaitQuiet(options.maxOtherCores(), QUIET_WINDOW_MILLIS, QUIET_WAIT_MILLIS);
            R result = run.run(attempt);
            boolean disturbed = otherCores.apply(result).orElse(0) > options.maxOtherCores();
            boolean repeat = disturbed && attempt < options.retries();
            String line = String.format("[%s %d/%d] %-17s %s", workloadName, repetition, options.runs(),
                    configuration.label, progress.apply(result));
            System.err.printf("%s%s%s%n", line,
                    waited >= 1000 ? String.format(" (after waiting %d s for a quiet machine)", waited / 1000)
                            : waited < 0 ? " (machine still busy after " + QUIET_WAIT_MILLIS / 1000 + " s)" : "",
                    repeat ? " -> discarded, repeating" : "");
            if (!repeat) {
                return result;
            }
            discardedRuns.add(line.replaceAll(" {2,}", " "));
        }
    }

    private RunResult runOnce(Workload workload, Configuration configuration, int repetition, int attempt)
            throws IOException, InterruptedException {
        Path runDirectory = runDirectory(workload.name(), configuration, repetition, attempt);
        List<String> command = new ArrayList<>();
        command.add(options.java().toString());
        command.addAll(COMMON_JVM_OPTIONS);
        command.addAll(configurationJvmOptions(configuration, runDirectory));
        command.add("-cp");
        command.add(classPath.toString());
        command.add(workload.mainClass());
        command.addAll(workload.args());

        Path stdout = runDirectory.resolve("stdout.txt");
        Path stderr = runDirectory.resolve("stderr.txt");
        OtherCpuMeter otherCpu = OtherCpuMeter.start();
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        Optional<Scraper> scraper = Scraper.startFor(runDirectory);
        boolean finished = process.waitFor(options.timeoutSeconds(), TimeUnit.SECONDS);
        Optional<Scraper.ScrapeStats> scrapes = scraper.map(Scraper::stop);
        if (!finished) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(failure("did not finish within " + options.timeoutSeconds() + " s",
                    command, stderr));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(failure("exited with " + process.exitValue(), command, stderr));
        }
        OptionalDouble otherCores = otherCpu == null ? OptionalDouble.empty() : otherCpu.otherCores();
        List<String> stdoutLines = Files.readAllLines(stdout);
        long elapsedNanos = parseElapsed(stdoutLines, command, stderr);
        // the workload's CPU time, every thread of its JVM, printed at its end (not by every workload)
        OptionalLong processCpuNanos = lastValue(stdoutLines, ProcessCpu.PREFIX);
        OptionalLong timedPassCpuNanos = lastValue(stdoutLines, ProcessCpu.TIMED_PREFIX);

        Recorded recorded = recorded(configuration, runDirectory, stderr);
        RunResult result = new RunResult(configuration, elapsedNanos, processCpuNanos, timedPassCpuNanos,
                recorded.events(),
                recorded.dropped(),
                otherCores, recorded.agentMessages(), recorded.clock(), scrapes);
        if (!options.keepFiles()) {
            deleteRecursively(runDirectory); // a storm's JFR file is tens of MB; do not pile them up
        }
        return result;
    }

    /** A new directory for one attempt at one run, under the benchmark's work directory. */
    private Path runDirectory(String workloadName, Configuration configuration, int repetition, int attempt)
            throws IOException {
        return Files.createDirectory(workDirectory.resolve(workloadName + "-" + configuration.label + "-" + repetition
                + (attempt > 0 ? "-" + attempt : "")));
    }

    /** The value of the last {@code prefix<number>} line, if any. */
    private static OptionalLong lastValue(List<String> stdoutLines, String prefix) {
        for (int i = stdoutLines.size() - 1; i >= 0; i--) {
            String line = stdoutLines.get(i).trim();
            if (line.startsWith(prefix)) {
                return OptionalLong.of(Long.parseLong(line.substring(prefix.length())));
            }
        }
        return OptionalLong.empty();
    }

    private static long parseElapsed(List<String> stdoutLines, List<String> command, Path stderr) throws IOException {
        // The last such line: JFR prints its own start-up lines to stdout before the workload runs.
        for (int i = stdoutLines.size() - 1; i >= 0; i--) {
            String line = stdoutLines.get(i).trim();
            if (line.startsWith(ELAPSED_PREFIX)) {
                return Long.parseLong(line.substring(ELAPSED_PREFIX.length()));
            }
        }
        throw new IllegalStateException(failure("printed no " + ELAPSED_PREFIX + " line", command, stderr));
    }

    /** This configuration's JVM options for one run, with its agent options as given on the command line. */
    List<String> configurationJvmOptions(Configuration configuration, Path runDirectory) {
        int metricsPort = 0;
        if (configuration.scrapedEverySecond()) {
            try {
                metricsPort = Scraper.choosePort(runDirectory);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return configuration.jvmOptions(options.agentJar().toAbsolutePath(),
                options.agentOptions().getOrDefault(configuration, ""), jfcFile, runDirectory, metricsPort);
    }

    /**
     * What the recorder of a finished run kept, from its dump or JFR file, checked to be what the configuration
     * asked for.
     *
     * @param events        records kept over the whole JVM run: Loomscope's {@code recorder.events} or the JFR file's
     *                      events; empty without a recorder
     * @param dropped       Loomscope's {@code counts.dropped}; empty otherwise
     * @param agentMessages what the agent said about its options ({@link #agentMessages})
     * @param clock         Loomscope's {@code recorder.clock}; empty otherwise (and from agents that do not say)
     */
    record Recorded(OptionalLong events, OptionalLong dropped, List<String> agentMessages, Optional<String> clock) {
    }

    static Recorded recorded(Configuration configuration, Path runDirectory, Path stderr) throws IOException {
        List<String> messages = configuration.hasAgent() ? agentMessages(stderr) : List.of();
        if (configuration.jfr) {
            return new Recorded(OptionalLong.of(countJfrEvents(Configuration.recordingFile(runDirectory))),
                    OptionalLong.empty(), messages, Optional.empty());
        }
        if (configuration == Configuration.EMPTY_AGENT) {
            checkEmptyAgentDump(Configuration.dumpFile(runDirectory));
        } else if (configuration.agentRecords()) {
            JsonNode json = readDump(Configuration.dumpFile(runDirectory));
            JsonNode missingHooks = json.path("agent").path("hooks").path("missing");
            if (!missingHooks.isEmpty()) {
                System.err.println("OverheadHarness: warning: hooks missing in this JDK: " + missingHooks);
            }
            long events = json.path("recorder").path("events").asLong();
            if (events == 0) {
                throw new IllegalStateException(configuration.label + " run recorded nothing: "
                        + Configuration.dumpFile(runDirectory));
            }
            String clock = json.path("recorder").path("clock").asText("");
            return new Recorded(OptionalLong.of(events), OptionalLong.of(json.path("counts").path("dropped").asLong()),
                    messages, clock.isEmpty() ? Optional.empty() : Optional.of(clock));
        }
        return new Recorded(OptionalLong.empty(), OptionalLong.empty(), messages, Optional.empty());
    }

    /**
     * The agent's own lines on stderr other than "wrote …": with the harness's {@code quiet=true} those are its
     * complaints, above all an option it does not know or a value it refused (it then runs with the default). A
     * configuration whose option was ignored measured something else than its name says: the report shows these.
     */
    private static List<String> agentMessages(Path stderr) throws IOException {
        if (!Files.isRegularFile(stderr)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(stderr)) {
            return lines.filter(line -> line.startsWith("loomscope:") && !line.startsWith("loomscope: wrote "))
                    .distinct().toList();
        }
    }

    /** The empty agent must really be there (hooks woven) and really record nothing. */
    private static void checkEmptyAgentDump(Path dump) throws IOException {
        JsonNode json = readDump(dump);
        if (json.path("agent").path("hooks").path("applied").isEmpty()) {
            throw new IllegalStateException("empty-agent run wove no hooks: " + dump);
        }
        if (json.path("recorder").path("events").asLong() != 0) {
            throw new IllegalStateException("empty-agent run recorded events: " + dump);
        }
    }

    private static JsonNode readDump(Path dump) throws IOException {
        if (!Files.isRegularFile(dump)) {
            throw new IllegalStateException("the agent wrote no dump at " + dump);
        }
        return JSON.readTree(dump.toFile());
    }

    /** Events in the recording, all types (the .jfc enables only virtual-thread events; bookkeeping is a handful). */
    private static long countJfrEvents(Path recording) throws IOException {
        if (!Files.isRegularFile(recording)) {
            throw new IllegalStateException("JFR wrote no recording at " + recording);
        }
        long events = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                file.readEvent();
                events++;
            }
        }
        return events;
    }

    private static String progressDetail(RunResult result) {
        return String.format("%9.1f ms", result.elapsedNanos() / 1e6)
                + recorderDetail(result.eventsRecorded(), result.dropped(), result.otherCores())
                + scrapeDetail(result.scrapes());
    }

    private static String scrapeDetail(Optional<Scraper.ScrapeStats> scrapes) {
        return scrapes.map(s -> String.format("; %d scrapes, median %.1f ms, lock held median %.2f ms%s", s.scrapes(),
                MarkdownReport.median(s.scrapeNanos()) / 1e6, MarkdownReport.median(s.lockHeldNanos()) / 1e6,
                s.failed() > 0 ? ", " + s.failed() + " failed" : "")).orElse("");
    }

    private static String progressDetail(PaymentsResult result) {
        return result.maxThroughput().stream().mapToObj(max -> String.format("max %.1f req/s (closed loop); ", max))
                .findFirst().orElse("")
                + String.format("%7.1f req/s, p50 %.1f ms, p99 %.1f ms, service CPU %.2f s", result.throughputPerSecond(),
                result.p50Nanos() / 1e6, result.p99Nanos() / 1e6, result.serviceCpuNanos() / 1e9)
                + (result.failed() > 0 ? String.format(", %,d failed", result.failed()) : "")
                + recorderDetail(result.eventsRecorded(), result.dropped(), result.otherCores())
                + scrapeDetail(result.scrapes());
    }

    private static String recorderDetail(OptionalLong eventsRecorded, OptionalLong dropped, OptionalDouble otherCores) {
        StringBuilder detail = new StringBuilder();
        eventsRecorded.ifPresent(events -> detail.append(String.format(", %,d events", events)));
        dropped.ifPresent(d -> detail.append(String.format(", %,d dropped", d)));
        otherCores.ifPresent(cores -> detail.append(String.format("; others used %.2f cores", cores)));
        return detail.toString();
    }

    static String failure(String what, List<String> command, Path stderr) throws IOException {
        List<String> lines = Files.exists(stderr) ? Files.readAllLines(stderr) : List.of();
        List<String> tail = lines.subList(Math.max(0, lines.size() - 20), lines.size());
        return "child JVM " + what + ": " + String.join(" ", command) + "\nstderr (last lines):\n"
                + String.join("\n", tail);
    }

    /** The version of the JVM the children run (the same executable, when --java is not given). */
    private String javaDescription() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(options.java().toString(), "-version").redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes()).trim();
        process.waitFor();
        String[] lines = text.split("\\R");
        return lines.length > 1 ? lines[1].trim() : text; // "OpenJDK Runtime Environment Temurin-25.0.3+9 (...)"
    }

    /** The jar or directory this class was loaded from: the child JVMs need nothing else (the JDK's own classes). */
    /** The jar (or classes directory) the benchmarks run from: the class path of their child JVMs. */
    static Path ownCodeSource() {
        try {
            return Path.of(OverheadHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

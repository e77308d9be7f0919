package dev.loomscope.examples.bench;

import dev.loomscope.examples.workloads.ParkedThreads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Loomscope costs a parked virtual thread in heap: {@code scripts/bench-memory} (or {@code java -cp
 * loomscope-examples.jar dev.loomscope.examples.bench.MemoryBenchmark}). Prints Markdown.
 * <p>
 * Runs {@link ParkedThreads} with {@code --threads} parked virtual threads, without the agent and with it (default
 * options), alternated, {@code --runs} times each, in a 4 GiB heap; while the threads are parked it takes the JVM's
 * class histogram ({@code jcmd PID GC.class_histogram}, which collects first) and reports, per configuration, the
 * median live heap, frozen stacks ({@code jdk.internal.vm.StackChunk}) and {@code long[]} (the agent's live-thread
 * table, rings and histograms), and the difference per thread. With {@code --warmup-rounds} (default 5) the park path
 * is compiled before the burst, so the frozen stacks compare like with like (see {@link ParkedThreads}); {@code
 * --warmup-rounds 0} measures the cold burst.
 */
public final class MemoryBenchmark {
    static final String USAGE = """
            usage: MemoryBenchmark [--threads N] [--runs R] [--warmup-rounds W] [--agent-jar JAR] [--java JAVA]
              --threads        parked virtual threads (default 1000000)
              --runs           runs per configuration, alternated (default 3)
              --warmup-rounds  rounds of 100,000 threads parked and released before the burst (default 5; 0: cold)""";
    private static final List<String> JVM_OPTIONS = List.of("-Xms4g", "-Xmx4g", "-XX:+UseG1GC");
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");
    private static final Pattern TOTAL_LINE = Pattern.compile("Total\\s+(\\d+)\\s+(\\d+)");
    /** Columns of the report, by class name in the histogram; "total" is the histogram's total. */
    private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("total", "live heap");
        COLUMNS.put("jdk.internal.vm.StackChunk", "frozen stacks (`StackChunk`)");
        COLUMNS.put("[J", "`long[]`");
    }

    private MemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 1_000_000;
        int runs = 3;
        int warmupRounds = 5;
        Path agentJar = HarnessOptions.fromBuildRoot(Path.of("agent", "target", "loomscope-agent.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--help") || args[i].equals("-h")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
                }
                String option = args[i];
                String value = args[++i];
                switch (option) {
                    case "--threads" -> threads = HarnessOptions.positive(option, value);
                    case "--runs" -> runs = HarnessOptions.positive(option, value);
                    case "--warmup-rounds" -> warmupRounds = HarnessOptions.nonNegative(option, value);
                    case "--agent-jar" -> agentJar = Path.of(value);
                    case "--java" -> java = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option: " + option);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("MemoryBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        Path directory = Files.createTempDirectory("loomscope-memory-");
        Map<String, List<Map<String, Long>>> byConfiguration = new LinkedHashMap<>();
        byConfiguration.put("plain", new ArrayList<>());
        byConfiguration.put("loomscope", new ArrayList<>());
        for (int run = 0; run < runs; run++) {
            for (String configuration : byConfiguration.keySet()) {
                List<String> command = new ArrayList<>(List.of(java.toString()));
                command.addAll(JVM_OPTIONS);
                if (configuration.equals("loomscope")) {
                    command.add("-javaagent:" + agentJar.toAbsolutePath() + "=quiet=true,out="
                            + directory.resolve("exit.json"));
                }
                command.addAll(List.of("-cp", OverheadHarness.ownCodeSource().toString(),
                        ParkedThreads.class.getName(), Integer.toString(threads), "600000",
                        Integer.toString(warmupRounds)));
                byConfiguration.get(configuration).add(measure(java, command, directory));
            }
        }
        System.out.print(report(byConfiguration, threads, runs, warmupRounds));
        OverheadHarness.deleteRecursively(directory);
    }

    /** Starts the child, waits until its threads are parked, takes its class histogram, and ends it. */
    private static Map<String, Long> measure(Path java, List<String> command, Path directory) throws Exception {
        Path stdout = directory.resolve("child-stdout.txt");
        Path stderr = directory.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!Files.readString(stdout).contains("heapUsedBytes=")) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(OverheadHarness.failure("did not park its threads", command,
                            stderr));
                }
                Thread.sleep(100);
            }
            Path jcmd = java.resolveSibling("jcmd");
            Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(child.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String text = new String(histogram.getInputStream().readAllBytes());
            histogram.waitFor();
            return parse(text);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** Bytes per class of {@link #COLUMNS} in a class histogram. */
    static Map<String, Long> parse(String histogram) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String line : histogram.split("\\R")) {
            Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.matches() && COLUMNS.containsKey(m.group(3))) {
                bytes.put(m.group(3), Long.parseLong(m.group(2)));
            }
            Matcher total = TOTAL_LINE.matcher(line.trim());
            if (total.matches()) {
                bytes.put("total", Long.parseLong(total.group(2)));
            }
        }
        if (!bytes.containsKey("total")) {
            throw new IllegalStateException("not a class histogram: " + histogram);
        }
        return bytes;
    }

    private static String report(Map<String, List<Map<String, Long>>> byConfiguration, int threads, int runs,
                                 int warmupRounds) {
        StringBuilder md = new StringBuilder();
        md.append("Loomscope memory per parked virtual thread, ")
                .append(ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append("  \n").append("JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs; `")
                .append(String.join(" ", JVM_OPTIONS)).append("`; ").append(String.format(Locale.ROOT, "%,d", threads))
                .append(" parked threads; ").append(warmupRounds).append(" warm-up rounds; medians of ").append(runs)
                .append(" runs per configuration, alternated\n\n");
        md.append("| configuration |");
        COLUMNS.values().forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|");
        COLUMNS.values().forEach(c -> md.append("--:|"));
        md.append('\n');
        Map<String, Map<String, Long>> medians = new LinkedHashMap<>();
        byConfiguration.forEach((configuration, measurements) -> {
            Map<String, Long> median = new LinkedHashMap<>();
            for (String column : COLUMNS.keySet()) {
                long[] values = measurements.stream().mapToLong(m -> m.getOrDefault(column, 0L)).sorted().toArray();
                median.put(column, values[values.length / 2]);
            }
            medians.put(configuration, median);
            md.append("| ").append(configuration).append(" |");
            for (String column : COLUMNS.keySet()) {
                long[] values = measurements.stream().mapToLong(m -> m.getOrDefault(column, 0L)).toArray();
                md.append(String.format(Locale.ROOT, " %.1f MB (%s) |", median.get(column) / 1e6,
                        String.join(", ", Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.0f",
                                v / 1e6)).toList())));
            }
            md.append('\n');
        });
        Map<String, Long> plain = medians.get("plain");
        Map<String, Long> agent = medians.get("loomscope");
        md.append("| **Loomscope − plain, per thread** |");
        for (String column : COLUMNS.keySet()) {
            md.append(String.format(Locale.ROOT, " %+.1f B |", (agent.get(column) - plain.get(column)) / (double) threads));
        }
        md.append(String.format(Locale.ROOT, "%n%nFrozen stacks with the agent: %.1f %% of plain.%n",
                100.0 * agent.get("jdk.internal.vm.StackChunk") / plain.get("jdk.internal.vm.StackChunk")));
        return md.toString();
    }
}

package dev.loomscope.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a dump takes once the agent holds an hour of data: {@code java -cp loomscope-examples.jar
 * dev.loomscope.examples.bench.DumpTimeBenchmark} (or {@code scripts/bench-dump-time}). Prints Markdown.
 * <p>
 * <b>An hour in 36 seconds.</b> What grows with the length of a recording is the heatmaps (eight of them, and the
 * context series): everything else in a dump is bounded by the number of live threads, sites or carriers, not by
 * time. A heatmap's rows are laid out by window count alone: {@code retention / window} windows at full resolution,
 * then 360 windows ten times as long, then 1440 sixty times as long ({@code WindowedHeatmap}). An hour at the default
 * options ({@code window=1s}, {@code retention=10m}: 600 fine windows) is therefore 600 rows of tier 0 and 300 rows of
 * tier 1 per heatmap, and so is a recording of 3600 windows at {@code window=10ms,retention=6s}: 36 seconds. This
 * benchmark starts a child JVM with the agent at those options (the default ones scaled by {@code --window-ms} / 1000),
 * keeps a workload running that puts events into every window of every heatmap, and after 3600 windows takes
 * {@code --dumps} dumps one after the other, 250 ms apart, while the workload goes on.
 * <p>
 * <b>What is timed</b> is what a SIGQUIT or interval dump does: drain the rings, snapshot the aggregator and write
 * the JSON ({@code dev.loomscope.agent.InProcess#snapshotJson}, the agent's public in-process entry point), then write
 * the file the way the agent does (a temporary file in the same directory, forced to disk, renamed over the target).
 * The agent writes its JSON straight into the file rather than into a byte array first; the difference is one copy of
 * a few hundred kilobytes.
 * <p>
 * <b>What is not the same as a real hour:</b> a 10 ms window holds 1/100 of the events of a 1 s window of the same
 * workload, so its rows have fewer non-zero cells (rows are sparse in the JSON). The workload is therefore denser
 * than a service: it starts {@code --threads-per-second} virtual threads that each run, block and run again for
 * log-uniformly spread times, so latency rows span tens of buckets; the report prints the non-zero cells per row, to
 * compare with a real dump. The context series is sampled on fixed periods (the scheduler every 100 ms), so at 10 ms
 * windows only one tier-0 window in ten has a sample: that series is the one list with fewer rows than in a real hour.
 */
public final class DumpTimeBenchmark {
    /** The agent's defaults the benchmark scales: 1 s windows, 10 minutes of them at full resolution. */
    private static final long DEFAULT_WINDOW_MS = 1_000;
    private static final long DEFAULT_FINE_WINDOWS = 600;
    /** An hour of default windows. */
    private static final long HOUR_WINDOWS = 3_600;
    private static final long DUMP_SPACING_MILLIS = 250;
    private static final String CHILD = "--child";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String USAGE = """
            usage: DumpTimeBenchmark [options]
              --agent-jar JAR        the agent (default: agent/target/loomscope-agent.jar of this build)
              --window-ms W          the child's heatmap window; an hour of default windows is 3600 of these
                                     (default 10: 36 s of recording; the agent's minimum)
              --dumps N              dumps timed, one after the other (default 7)
              --threads-per-second N virtual threads the workload starts per second (default 5000)
              --carriers N           the virtual-thread scheduler's parallelism (default: the JVM's, the CPU count);
                                     more carriers are more columns in the activity heatmaps
              --java PATH            java launcher for the child (default: the one running this)
              --keep-files           keep the child's dumps and output (and say where)""";

    private DumpTimeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(CHILD)) {
            child(args);
            return;
        }
        Path agentJar = HarnessOptions.fromBuildRoot(Path.of("agent", "target", "loomscope-agent.jar"));
        long windowMs = 10;
        int dumps = 7;
        int threadsPerSecond = 5_000;
        int carriers = 0;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        boolean keepFiles = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--keep-files")) {
                    keepFiles = true;
                    continue;
                }
                if (option.equals("--help") || option.equals("-h")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + option);
                }
                String value = args[++i];
                switch (option) {
                    case "--agent-jar" -> agentJar = Path.of(value);
                    case "--window-ms" -> {
                        windowMs = HarnessOptions.positive(option, value);
                        if (windowMs < 10) {
                            throw new IllegalArgumentException("--window-ms: the agent's shortest window is 10 ms");
                        }
                    }
                    case "--dumps" -> dumps = HarnessOptions.positive(option, value);
                    case "--threads-per-second" -> threadsPerSecond = HarnessOptions.positive(option, value);
                    case "--carriers" -> carriers = HarnessOptions.positive(option, value);
                    case "--java" -> java = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option: " + option);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("DumpTimeBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        if (!Files.isRegularFile(agentJar)) {
            System.err.println("DumpTimeBenchmark: no agent jar at " + agentJar + " (build with mvn package, or pass"
                    + " --agent-jar)");
            System.exit(2);
        }

        Path directory = Files.createTempDirectory("loomscope-dump-time-");
        long retentionMs = windowMs * DEFAULT_FINE_WINDOWS;
        String agentOptions = "window=" + windowMs + "ms,retention=" + retentionMs + "ms,quiet=true,out="
                + directory.resolve("exit.json");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(OverheadHarness.COMMON_JVM_OPTIONS);
        if (carriers > 0) {
            command.add("-Djdk.virtualThreadScheduler.parallelism=" + carriers);
        }
        command.add("-javaagent:" + agentJar.toAbsolutePath() + "=" + agentOptions);
        command.addAll(List.of("-cp", OverheadHarness.ownCodeSource().toString(), DumpTimeBenchmark.class.getName(), CHILD,
                directory.toString(), Long.toString(windowMs), Integer.toString(dumps),
                Integer.toString(threadsPerSecond)));

        // One long run, not repeated: wait for a quiet machine first, and say how quiet it stayed.
        long waited = OtherCpuMeter.awaitQuiet(0.10, 2_000, 120_000);
        OtherCpuMeter otherCpu = OtherCpuMeter.start();
        Path stdout = directory.resolve("child-stdout.txt");
        Path stderr = directory.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        long timeoutSeconds = HOUR_WINDOWS * windowMs / 1000 + 300;
        if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
        }
        OptionalDouble otherCores = otherCpu == null ? OptionalDouble.empty() : otherCpu.otherCores();
        if (child.isAlive() || child.exitValue() != 0) {
            System.err.println(OverheadHarness.failure(child.isAlive() ? "did not finish" : "exited with "
                    + child.exitValue(), command, stderr));
            System.err.println("DumpTimeBenchmark: files kept in " + directory);
            System.exit(1);
        }

        StringBuilder md = new StringBuilder();
        md.append("Loomscope dump time for an hour of recording, ")
                .append(ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS)
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("  \n");
        md.append("JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs; child JVM options: `")
                .append(String.join(" ", OverheadHarness.COMMON_JVM_OPTIONS))
                .append(carriers > 0 ? " -Djdk.virtualThreadScheduler.parallelism=" + carriers : "")
                .append("`; agent options `window=").append(windowMs).append("ms,retention=").append(retentionMs)
                .append("ms`  \n");
        md.append(String.format(Locale.ROOT, "Other processes used %s while the child ran%s.%n%n",
                otherCores.isPresent() ? String.format(Locale.ROOT, "%.2f cores", otherCores.getAsDouble())
                        : "an unknown share of the CPUs",
                waited >= 1000 ? " (it waited " + waited / 1000 + " s for a quiet machine first)"
                        : waited < 0 ? " (the machine was still busy after 120 s of waiting)" : ""));
        md.append(Files.readString(stdout));
        System.out.print(md);
        if (keepFiles) {
            System.err.println("DumpTimeBenchmark: files kept in " + directory);
        } else {
            OverheadHarness.deleteRecursively(directory);
        }
    }

    /** The child JVM, with the agent: fill 3600 windows, then time the dumps and describe the last one. */
    private static void child(String[] args) throws Exception {
        Path directory = Path.of(args[1]);
        long windowMs = Long.parseLong(args[2]);
        int dumps = Integer.parseInt(args[3]);
        int threadsPerSecond = Integer.parseInt(args[4]);
        Method snapshotJson = Class.forName("dev.loomscope.agent.InProcess", true,
                ClassLoader.getSystemClassLoader()).getMethod("snapshotJson");

        AtomicBoolean stop = new AtomicBoolean();
        Thread driver = Thread.ofPlatform().daemon().name("fill-driver").start(() -> fill(threadsPerSecond, stop));
        // The recording began with the JVM (premain): 3600 windows after the JVM's start it covers an hour's worth.
        long recordingEndMs = ManagementFactory.getRuntimeMXBean().getStartTime() + HOUR_WINDOWS * windowMs;
        long sleepMs = recordingEndMs - System.currentTimeMillis();
        if (sleepMs > 0) {
            Thread.sleep(sleepMs);
        }

        long[] snapshotNanos = new long[dumps];
        long[] writeNanos = new long[dumps];
        long[] sizes = new long[dumps];
        Path last = null;
        for (int i = 0; i < dumps; i++) {
            Path target = directory.resolve("dump-" + (i + 1) + ".json");
            long start = System.nanoTime();
            byte[] json = snapshot(snapshotJson);
            long snapshotted = System.nanoTime();
            writeAtomically(target, json);
            long written = System.nanoTime();
            snapshotNanos[i] = snapshotted - start;
            writeNanos[i] = written - snapshotted;
            sizes[i] = json.length;
            last = target;
            Thread.sleep(DUMP_SPACING_MILLIS);
        }
        stop.set(true);
        driver.join();

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "The child recorded %d windows of %d ms (%.1f s) under a workload of"
                        + " %,d virtual threads/s, then took %d dumps %d ms apart while it went on. %d windows at"
                        + " `window=%dms,retention=%dms` have the rows of an hour at the defaults (`window=1s,"
                        + "retention=10m`).%n%n", HOUR_WINDOWS, windowMs, HOUR_WINDOWS * windowMs / 1000.0,
                threadsPerSecond, dumps, DUMP_SPACING_MILLIS, HOUR_WINDOWS, windowMs,
                windowMs * DEFAULT_FINE_WINDOWS, DEFAULT_WINDOW_MS / 1000));
        md.append("| Dump | Total (ms) | Drain + snapshot + JSON (ms) | Write, fsync, rename (ms) | JSON (bytes) |\n");
        md.append("|--:|--:|--:|--:|--:|\n");
        long[] totals = new long[dumps];
        for (int i = 0; i < dumps; i++) {
            totals[i] = snapshotNanos[i] + writeNanos[i];
            md.append(String.format(Locale.ROOT, "| %d%s | %.1f | %.1f | %.1f | %,d |%n", i + 1,
                    i == 0 ? " (first in the JVM)" : "", totals[i] / 1e6, snapshotNanos[i] / 1e6,
                    writeNanos[i] / 1e6, sizes[i]));
        }
        md.append(String.format(Locale.ROOT, "%n**Median of the %d dumps: %.1f ms** (target: under 200 ms).%n%n",
                dumps, MarkdownReport.median(totals) / 1e6));
        describe(md, JSON.readTree(last.toFile()));
        System.out.print(md);
    }

    private static byte[] snapshot(Method snapshotJson) throws Exception {
        byte[] json;
        try {
            json = (byte[]) snapshotJson.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (json == null) {
            throw new IllegalStateException("the agent is not recording in this JVM");
        }
        return json;
    }

    /** As the agent's AtomicFileWriter: temporary file in the same directory, forced to disk, renamed. */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Starts {@code threadsPerSecond} virtual threads a second, each running a log-uniform 0.2–200 µs, blocking a
     * log-uniform 1 µs–100 ms (a timed park or a sleep), and running again: every window gets creations, blocks,
     * wakes and mounts on every carrier, and latencies spread over many buckets.
     */
    private static void fill(int threadsPerSecond, AtomicBoolean stop) {
        long start = System.nanoTime();
        long started = 0;
        while (!stop.get()) {
            long due = (System.nanoTime() - start) * threadsPerSecond / 1_000_000_000L;
            for (; started < due; started++) {
                Thread.ofVirtual().start(DumpTimeBenchmark::oneThread);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static void oneThread() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        spin(logUniform(random, 200, 200_000));
        long blockNanos = logUniform(random, 1_000, 100_000_000);
        if (random.nextBoolean()) {
            LockSupport.parkNanos(blockNanos);
        } else {
            try {
                Thread.sleep(Duration.ofNanos(blockNanos));
            } catch (InterruptedException e) {
                return;
            }
        }
        spin(logUniform(random, 200, 200_000));
    }

    private static long logUniform(ThreadLocalRandom random, long min, long max) {
        return (long) Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min)));
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** Rows per tier and non-zero cells per row of every list of rows in the dump: what made it that size. */
    private static void describe(StringBuilder md, JsonNode dump) {
        Map<String, JsonNode> lists = new LinkedHashMap<>();
        for (String group : List.of("activity", "latency")) {
            dump.path("heatmaps").path(group).properties().forEach(entry -> {
                if (entry.getValue().isArray()) {
                    lists.put(group + "." + entry.getKey(), entry.getValue());
                }
            });
        }
        lists.put("context", dump.path("context").path("windows"));
        md.append("What the last dump held (`recorder.events` ")
                .append(String.format(Locale.ROOT, "%,d", dump.path("recorder").path("events").asLong()))
                .append(", `counts.dropped` ")
                .append(String.format(Locale.ROOT, "%,d", dump.path("counts").path("dropped").asLong()))
                .append("):\n\n");
        md.append("| Rows of | Rows | By tier | Non-zero cells per row |\n|---|--:|---|--:|\n");
        for (Map.Entry<String, JsonNode> list : lists.entrySet()) {
            Map<Integer, Integer> tiers = new TreeMap<>();
            long cells = 0;
            for (JsonNode row : list.getValue()) {
                tiers.merge(row.path("tier").asInt(), 1, Integer::sum);
                cells += row.path("cells").size();
            }
            int rows = list.getValue().size();
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f |%n", list.getKey(), rows,
                    tiers.entrySet().stream().map(t -> "tier " + t.getKey() + ": " + t.getValue())
                            .reduce((a, b) -> a + ", " + b).orElse("–"), rows == 0 ? 0.0 : (double) cells / rows));
        }
    }
}

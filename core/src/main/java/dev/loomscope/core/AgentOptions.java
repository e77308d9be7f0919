package dev.loomscope.core;

import dev.loomscope.format.DurationText;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent's option string, {@code key=value,key=value}, parsed in this one place; every key is documented in
 * {@code docs/options.md}. A bad key or value never stops the application: it is reported in one line through
 * {@code warn} and the default is used.
 *
 * @param out          dump path; {@code %p} becomes the pid, {@code %t} the dump time (yyyyMMdd-HHmmss)
 * @param rings        number of event rings, a power of two
 * @param ringCapacity records per ring, a power of two
 * @param recording    false: advice is woven but records nothing (to measure the cost of the hooks alone)
 * @param quiet        no line on stderr when a dump is written
 * @param windowNanos  heatmap window length
 * @param retentionNanos how long heatmap windows are kept at full resolution before downsampling
 * @param longSliceNanos run slices at least this long are reported as long (carrier-monopolising) slices
 * @param sampleEvery  one in this many create, block and wake events has its stack sampled; 0 for none
 * @param critical     name prefixes of critical virtual threads, every event of which is sampled
 * @param samplesPerSecond most random stack samples taken per second (critical threads and pinned blocks excepted)
 * @param stackDepth   frames kept per sampled stack
 * @param topSites     sites listed per kind in the JSON
 * @param leakThresholdNanos virtual threads blocked at least this long at a dump are reported as possible leaks
 * @param dump         path pattern of the dumps taken while the JVM runs (SIGQUIT, {@code interval}, the
 *                     {@code dump} command); when not given, {@link #out} with {@code -%t} before its extension
 * @param interval     period of the {@code interval} dumps; {@link Duration#ZERO}: none
 * @param sigquit      SIGQUIT (and {@code jcmd PID JVMTI.data_dump}) writes a dump, through the native shim
 * @param threadSample transitions recorded for about one virtual thread in this many (1: every thread); creations
 *                     and ends always, for every thread
 * @param clock        {@link #CLOCK_AUTO} (the CPU's time-stamp counter where it is invariant and readable, else
 *                     {@code System.nanoTime()}) or {@link #CLOCK_NANO_TIME}
 * @param metrics      where the metrics endpoint listens ({@code docs/fleet.md}), or null: no endpoint
 * @param service      the {@code service} label of the metrics, or null for the main class or jar name
 *                     ({@link ServiceName})
 * @param duration     how long to record: then the agent writes a dump ({@code duration}, to {@link #out}) and
 *                     stops recording; {@link Duration#ZERO}: until the JVM exits
 * @param keep         interval dumps kept: after each, the oldest this JVM wrote beyond this many are deleted; 0: all
 * @param jfrPinned    also record the pinned blocks only the JVM sees (JDK 24+: monitor enters, {@code Object.wait},
 *                     class initialisation), from JFR's {@code jdk.VirtualThreadPinned} ({@link JfrPinnedBlocks})
 * @param operations   distinct operation names kept ({@code Loomscope.operation}); later names count as
 *                     {@code other}; 0: the API is not woven and stays a no-op
 * @param criticalSamplesPerSecond most stack samples taken per second for threads in critical scopes
 *                     ({@code Loomscope.critical})
 * @param metricsOperations operations the metrics endpoint labels its per-operation histograms with (the most
 *                     active); 0: no per-operation histograms
 */
public record AgentOptions(String out, int rings, int ringCapacity, boolean recording, boolean quiet,
                           long windowNanos, long retentionNanos, long longSliceNanos, int sampleEvery,
                           List<String> critical, int samplesPerSecond, int stackDepth, int topSites,
                           long leakThresholdNanos,
                           String dump, Duration interval, boolean sigquit, int threadSample, String clock,
                           MetricsAddress metrics, String service, Duration duration, int keep,
                           boolean jfrPinned, int operations, int criticalSamplesPerSecond,
                           int metricsOperations) {

    /** The options before operations: with their defaults. */
    public AgentOptions(String out, int rings, int ringCapacity, boolean recording, boolean quiet, long windowNanos,
                        long retentionNanos, long longSliceNanos, int sampleEvery, List<String> critical,
                        int samplesPerSecond, int stackDepth, int topSites, long leakThresholdNanos, String dump,
                        Duration interval, boolean sigquit, int threadSample, String clock, MetricsAddress metrics,
                        String service, Duration duration, int keep, boolean jfrPinned) {
        this(out, rings, ringCapacity, recording, quiet, windowNanos, retentionNanos, longSliceNanos, sampleEvery,
                critical, samplesPerSecond, stackDepth, topSites, leakThresholdNanos, dump, interval, sigquit,
                threadSample, clock, metrics, service, duration, keep, jfrPinned, DEFAULT_OPERATIONS,
                DEFAULT_CRITICAL_SAMPLES_PER_SECOND, DEFAULT_METRICS_OPERATIONS);
    }

    /** The options without a metrics endpoint, with the default service name, without a duration, keeping all. */
    public AgentOptions(String out, int rings, int ringCapacity, boolean recording, boolean quiet, long windowNanos,
                        long retentionNanos, long longSliceNanos, int sampleEvery, List<String> critical,
                        int samplesPerSecond, int stackDepth, int topSites, long leakThresholdNanos, String dump,
                        Duration interval, boolean sigquit, int threadSample, String clock) {
        this(out, rings, ringCapacity, recording, quiet, windowNanos, retentionNanos, longSliceNanos, sampleEvery,
                critical, samplesPerSecond, stackDepth, topSites, leakThresholdNanos, dump, interval, sigquit,
                threadSample, clock, null, null, Duration.ZERO, 0, true);
    }

    /**
     * Where the metrics endpoint listens: an IP address or host name, and a TCP port.
     *
     * @param hostGiven the option named the host ({@code HOST:PORT}); a bare port binds {@link #LOOPBACK}
     */
    public record MetricsAddress(String host, int port, boolean hostGiven) {
        /** Where a bare {@code metrics=PORT} listens: this machine only. */
        public static final String LOOPBACK = "127.0.0.1";

        /** As the option spells it, IPv6 addresses in brackets: {@code 127.0.0.1:9404}, {@code [::1]:9404}. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Default of {@code operations}: distinct operation names kept. */
    public static final int DEFAULT_OPERATIONS = 200;
    /** Most {@code operations}: ids are 16 bits, and each operation's aggregates take some tens of KiB. */
    public static final int MAX_OPERATIONS = 2000;
    public static final int DEFAULT_CRITICAL_SAMPLES_PER_SECOND = 1000;
    /** Default of {@code metricsOperations}: each labelled operation adds two histograms (about 60 series). */
    public static final int DEFAULT_METRICS_OPERATIONS = 5;

    public static final String CLOCK_AUTO = "auto";
    public static final String CLOCK_NANO_TIME = "nanoTime";

    public static final AgentOptions DEFAULTS = new AgentOptions("loomscope-%p.json", 16, 32768, true, false,
            TimeUnit.SECONDS.toNanos(1), TimeUnit.MINUTES.toNanos(10), TimeUnit.MILLISECONDS.toNanos(20), 100,
            List.of(), 1000, 32, 20, TimeUnit.SECONDS.toNanos(60), "loomscope-%p-%t.json", Duration.ZERO, true, 1,
            CLOCK_AUTO, null, null, Duration.ZERO, 0, true);

    /** Shortest {@code interval}: a dump drains and writes a file; more often than this is a mistake. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    public static final Duration MAX_INTERVAL = Duration.ofDays(1);
    public static final Duration MAX_DURATION = Duration.ofDays(365);
    /** Most windows kept at full resolution: bounds the heatmaps' memory whatever the options. */
    static final long MAX_FINE_WINDOWS = 100_000;

    /** Parses {@code text} (null or empty: all defaults). */
    public static AgentOptions parse(String text, Consumer<String> warn) {
        String out = DEFAULTS.out;
        int rings = DEFAULTS.rings;
        int ringCapacity = DEFAULTS.ringCapacity;
        boolean recording = DEFAULTS.recording;
        boolean quiet = DEFAULTS.quiet;
        long windowNanos = DEFAULTS.windowNanos;
        long retentionNanos = DEFAULTS.retentionNanos;
        long longSliceNanos = DEFAULTS.longSliceNanos;
        int sampleEvery = DEFAULTS.sampleEvery;
        List<String> critical = DEFAULTS.critical;
        int samplesPerSecond = DEFAULTS.samplesPerSecond;
        int stackDepth = DEFAULTS.stackDepth;
        int topSites = DEFAULTS.topSites;
        long leakThresholdNanos = DEFAULTS.leakThresholdNanos;
        String dump = null;
        Duration interval = DEFAULTS.interval;
        boolean sigquit = DEFAULTS.sigquit;
        int threadSample = DEFAULTS.threadSample;
        String clock = DEFAULTS.clock;
        MetricsAddress metrics = DEFAULTS.metrics;
        String service = DEFAULTS.service;
        Duration duration = DEFAULTS.duration;
        int keep = DEFAULTS.keep;
        boolean jfrPinned = DEFAULTS.jfrPinned;
        int operations = DEFAULTS.operations;
        int criticalSamplesPerSecond = DEFAULTS.criticalSamplesPerSecond;
        int metricsOperations = DEFAULTS.metricsOperations;
        if (text == null || text.isBlank()) {
            return DEFAULTS;
        }
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).trim();
            String value = eq < 0 ? "" : item.substring(eq + 1).trim();
            switch (key) {
                case "out" -> {
                    String problem = pathProblem(value);
                    if (problem != null) {
                        warn.accept(bad(key, value, "a file path" + problem, DEFAULTS.out));
                    } else {
                        out = value;
                    }
                }
                case "rings" -> rings = powerOfTwo(key, value, 1, 1024, DEFAULTS.rings, warn);
                case "ringCapacity" -> ringCapacity = powerOfTwo(key, value, MIN_RING_CAPACITY, 1 << 22, DEFAULTS.ringCapacity, warn);
                case "recording" -> recording = onOff(key, value, DEFAULTS.recording, warn);
                case "quiet" -> quiet = onOff(key, value, DEFAULTS.quiet, warn);
                case "window" -> {
                    windowNanos = duration(key, value, TimeUnit.MILLISECONDS.toNanos(10),
                            TimeUnit.HOURS.toNanos(1), DEFAULTS.windowNanos, warn);
                    if (windowNanos % 1_000_000 != 0) { // windows are written in whole milliseconds
                        warn.accept(bad(key, value, "whole milliseconds", formatDuration(DEFAULTS.windowNanos)));
                        windowNanos = DEFAULTS.windowNanos;
                    }
                }
                case "retention" -> retentionNanos = duration(key, value, 0, TimeUnit.DAYS.toNanos(7),
                        DEFAULTS.retentionNanos, warn);
                case "longSlice" -> longSliceNanos = duration(key, value, 1, TimeUnit.HOURS.toNanos(1),
                        DEFAULTS.longSliceNanos, warn);
                case "sampleEvery" -> sampleEvery = integer(key, value, 0, 1_000_000, DEFAULTS.sampleEvery, warn);
                case "critical" -> critical = value.isEmpty() ? List.of() : List.of(value.split("\\|"));
                case "samplesPerSecond" -> samplesPerSecond = integer(key, value, 1, 1_000_000,
                        DEFAULTS.samplesPerSecond, warn);
                case "stackDepth" -> stackDepth = integer(key, value, 1, 256, DEFAULTS.stackDepth, warn);
                case "topSites" -> topSites = integer(key, value, 1, 1000, DEFAULTS.topSites, warn);
                case "leakThreshold" -> leakThresholdNanos = duration(key, value, 1, TimeUnit.DAYS.toNanos(365),
                        DEFAULTS.leakThresholdNanos, warn);
                case "dump" -> {
                    String problem = pathProblem(value);
                    if (problem != null) {
                        warn.accept(bad(key, value, "a file path" + problem, "the out path with -%t"));
                    } else {
                        dump = value;
                    }
                }
                case "interval" -> interval = interval(key, value, warn);
                case "duration" -> duration = Duration.ofNanos(duration(key, value, MIN_INTERVAL.toNanos(),
                        MAX_DURATION.toNanos(), DEFAULTS.duration.toNanos(), warn));
                case "keep" -> keep = integer(key, value, 0, 1_000_000, DEFAULTS.keep, warn);
                case "sigquit" -> sigquit = onOff(key, value, DEFAULTS.sigquit, warn);
                case "threadSample" -> threadSample = integer(key, value, 1, 1_000_000, DEFAULTS.threadSample, warn);
                case "clock" -> {
                    if (value.equalsIgnoreCase(CLOCK_AUTO) || value.equalsIgnoreCase(CLOCK_NANO_TIME)) {
                        clock = value.equalsIgnoreCase(CLOCK_AUTO) ? CLOCK_AUTO : CLOCK_NANO_TIME;
                    } else {
                        warn.accept(bad(key, value, CLOCK_AUTO + " or " + CLOCK_NANO_TIME, DEFAULTS.clock));
                    }
                }
                case "metrics" -> {
                    metrics = metricsAddress(value);
                    if (metrics == BAD_ADDRESS) {
                        warn.accept(bad(key, value, "PORT (1-65535, on " + MetricsAddress.LOOPBACK + "), HOST:PORT,"
                                + " [IPv6]:PORT or off", "off"));
                        metrics = null;
                    }
                }
                case "service" -> {
                    if (ServiceName.isValid(value)) {
                        service = value;
                    } else {
                        warn.accept(bad(key, value, "1 to " + ServiceName.MAX_LENGTH + " printable ASCII characters",
                                "the main class or jar name"));
                    }
                }
                case "jfrPinned" -> jfrPinned = onOff(key, value, DEFAULTS.jfrPinned, warn);
                case "operations" -> operations = value.equals("off") ? 0
                        : integer(key, value, 0, MAX_OPERATIONS, DEFAULTS.operations, warn);
                case "criticalSamplesPerSecond" -> criticalSamplesPerSecond = integer(key, value, 1, 1_000_000,
                        DEFAULTS.criticalSamplesPerSecond, warn);
                case "metricsOperations" -> metricsOperations = integer(key, value, 0, 200,
                        DEFAULTS.metricsOperations, warn);
                default -> warn.accept("loomscope: unknown option '" + key + "' ignored (options: "
                        + "out, rings, ringCapacity, recording, quiet, window, retention, longSlice, sampleEvery,"
                        + " critical, samplesPerSecond, stackDepth, topSites, leakThreshold, dump, interval, sigquit,"
                        + " threadSample, clock, metrics, service, duration, keep, jfrPinned, operations,"
                        + " criticalSamplesPerSecond, metricsOperations;"
                        + " see docs/options.md)");
            }
        }
        if (retentionNanos / windowNanos > MAX_FINE_WINDOWS) {
            warn.accept("loomscope: retention " + retentionNanos / 1_000_000 + "ms is more than " + MAX_FINE_WINDOWS
                    + " windows; using " + MAX_FINE_WINDOWS + " windows");
            retentionNanos = windowNanos * MAX_FINE_WINDOWS;
        }
        return new AgentOptions(out, rings, ringCapacity, recording, quiet, windowNanos, retentionNanos,
                longSliceNanos, sampleEvery, critical, samplesPerSecond, stackDepth, topSites, leakThresholdNanos,
                dump == null ? timestamped(out) : dump, interval, sigquit, threadSample, clock, metrics, service,
                duration, keep, jfrPinned, operations, criticalSamplesPerSecond, metricsOperations);
    }

    /** What {@link #metricsAddress} returns for a value it cannot use. */
    private static final MetricsAddress BAD_ADDRESS = new MetricsAddress("", 0, false);

    /**
     * {@code PORT}, {@code HOST:PORT}, {@code [IPV6]:PORT}, or {@code off} (null). The host is not resolved here:
     * a name lookup can take seconds, and the agent starts inside the application's {@code premain}; the endpoint
     * resolves it on its own thread.
     */
    private static MetricsAddress metricsAddress(String value) {
        if (value.equals("off") || value.equals("false") || value.equals("no")) {
            return null;
        }
        String host = MetricsAddress.LOOPBACK;
        String port = value;
        boolean hostGiven = false;
        int colon = value.lastIndexOf(':');
        if (colon >= 0) {
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            hostGiven = true;
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.indexOf(':') >= 0) {
                return BAD_ADDRESS; // an IPv6 address without brackets: where does the port begin?
            }
            if (host.isEmpty() || !host.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != '[' && c != ']')) {
                return BAD_ADDRESS;
            }
        }
        try {
            int n = Integer.parseInt(port);
            return n >= 1 && n <= 65535 && port.charAt(0) != '+' ? new MetricsAddress(host, n, hostGiven)
                    : BAD_ADDRESS;
        } catch (NumberFormatException e) {
            return BAD_ADDRESS;
        }
    }

    /** Bytes one record takes in a ring (four longs: see {@code EventRing}). */
    static final int RING_RECORD_BYTES = 32;
    /** The rings take at most this fraction of the largest heap (1/16: the default 16 MiB from a 256 MiB heap up). */
    static final int HEAP_SHARE_DIVISOR = 16;
    /** ... and at most this fraction of the heap still free when the agent starts (a late attach into a full heap). */
    static final int FREE_HEAP_SHARE_DIVISOR = 4;
    static final int MIN_RING_CAPACITY = 1024;

    /**
     * These options with rings that fit the heap: at most 1/{@value #HEAP_SHARE_DIVISOR} of {@code maxHeapBytes} and
     * 1/{@value #FREE_HEAP_SHARE_DIVISOR} of {@code freeHeapBytes}. The rings are allocated at start, all at once, on
     * the Java heap: sized by the options alone they made a small JVM throw {@code OutOfMemoryError} at start-up
     * (fatal with {@code -XX:+ExitOnOutOfMemoryError}), or thrash for a minute before giving up. Halves the capacity
     * of each ring first (down to {@value #MIN_RING_CAPACITY} records), then the number of rings, and says so in one
     * line; a smaller ring only means records may be dropped sooner, which the dump counts.
     */
    public AgentOptions ringsFittedTo(long maxHeapBytes, long freeHeapBytes, Consumer<String> warn) {
        long budget = Math.min(maxHeapBytes / HEAP_SHARE_DIVISOR, freeHeapBytes / FREE_HEAP_SHARE_DIVISOR);
        int fittedRings = rings;
        int fittedCapacity = ringCapacity;
        while (ringBytes(fittedRings, fittedCapacity) > budget) {
            if (fittedCapacity > MIN_RING_CAPACITY) {
                fittedCapacity /= 2;
            } else if (fittedRings > 1) {
                fittedRings /= 2;
            } else {
                break; // 32 KiB: smaller than anything a JVM runs with
            }
        }
        if (fittedRings == rings && fittedCapacity == ringCapacity) {
            return this;
        }
        warn.accept("loomscope: rings=" + rings + " x ringCapacity=" + ringCapacity + " take "
                + mebibytes(ringBytes(rings, ringCapacity)) + ", more than the heap allows (" + mebibytes(budget)
                + ": 1/" + HEAP_SHARE_DIVISOR + " of the " + mebibytes(maxHeapBytes) + " heap, 1/"
                + FREE_HEAP_SHARE_DIVISOR + " of the " + mebibytes(freeHeapBytes) + " free); using rings=" + fittedRings
                + ",ringCapacity=" + fittedCapacity + " (" + mebibytes(ringBytes(fittedRings, fittedCapacity)) + ")");
        return new AgentOptions(out, fittedRings, fittedCapacity, recording, quiet, windowNanos, retentionNanos,
                longSliceNanos, sampleEvery, critical, samplesPerSecond, stackDepth, topSites, leakThresholdNanos,
                dump, interval, sigquit, threadSample, clock, metrics, service, duration, keep, jfrPinned, operations,
                criticalSamplesPerSecond, metricsOperations);
    }

    static long ringBytes(int rings, int ringCapacity) {
        return (long) rings * ringCapacity * RING_RECORD_BYTES;
    }

    private static String mebibytes(long bytes) {
        return bytes >= (1L << 20) ? bytes / (1L << 20) + " MiB" : bytes / 1024 + " KiB";
    }

    /**
     * Why {@code pattern} cannot name a file in this JVM ({@code ": " + reason}), or null if it can: empty, or with
     * characters the JVM cannot put into a file name, such as non-ASCII letters when {@code sun.jnu.encoding} is ASCII
     * (a POSIX locale). Checked here with {@code %p} and {@code %t} expanded to digits, and again at each dump.
     */
    static String pathProblem(String pattern) {
        if (pattern.isEmpty()) {
            return "";
        }
        try {
            Path.of(pattern.replace("%p", "1").replace("%t", "20000101-000000"));
            return null;
        } catch (InvalidPathException e) {
            return " this JVM can name: " + e.getReason() + " (file names are encoded in "
                    + System.getProperty("sun.jnu.encoding", "the platform encoding") + ")";
        }
    }

    /**
     * The default {@code dump} pattern: {@code out} with {@code -%t} before the file's extension, so the dumps taken
     * while the JVM runs go next to the exit dump without overwriting it or each other. A pattern that has
     * {@code %t} already is used as it is.
     */
    static String timestamped(String out) {
        return out.contains("%t") ? out : beforeExtension(out, "-%t");
    }

    /** Inserts {@code text} before the file name's extension ({@code dir.d/a.json} → {@code dir.d/a<text>.json}). */
    static String beforeExtension(String name, String text) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf(File.separatorChar));
        int dot = name.lastIndexOf('.');
        return dot > slash + 1 ? name.substring(0, dot) + text + name.substring(dot) : name + text;
    }

    /** The effective options, for the JSON's {@code agent.options}. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("out", out);
        map.put("rings", rings);
        map.put("ringCapacity", ringCapacity);
        map.put("recording", recording);
        map.put("quiet", quiet);
        map.put("window", formatDuration(windowNanos));
        map.put("retention", formatDuration(retentionNanos));
        map.put("longSlice", formatDuration(longSliceNanos));
        map.put("sampleEvery", sampleEvery);
        map.put("critical", String.join("|", critical));
        map.put("samplesPerSecond", samplesPerSecond);
        map.put("stackDepth", stackDepth);
        map.put("topSites", topSites);
        map.put("leakThreshold", formatDuration(leakThresholdNanos));
        map.put("dump", dump);
        map.put("interval", interval.isZero() ? "off" : formatDuration(interval.toNanos()));
        map.put("sigquit", sigquit);
        map.put("threadSample", threadSample);
        map.put("clock", clock);
        map.put("metrics", metrics == null ? "off" : metrics.toString());
        map.put("service", serviceName());
        map.put("duration", duration.isZero() ? "off" : formatDuration(duration.toNanos()));
        map.put("keep", keep);
        map.put("jfrPinned", jfrPinned);
        map.put("operations", operations);
        map.put("criticalSamplesPerSecond", criticalSamplesPerSecond);
        map.put("metricsOperations", metricsOperations);
        return map;
    }

    private static int integer(String key, String value, int min, int max, int fallback, Consumer<String> warn) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        warn.accept(bad(key, value, "a whole number from " + min + " to " + max, fallback));
        return fallback;
    }

    private static int powerOfTwo(String key, String value, int min, int max, int fallback, Consumer<String> warn) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max && Integer.bitCount(n) == 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        warn.accept(bad(key, value, "a power of two from " + min + " to " + max, fallback));
        return fallback;
    }

    /** The {@code service} label: the option, or the main class or jar name of this JVM ({@link ServiceName}). */
    public String serviceName() {
        return service != null ? service : ServiceName.ofThisJvm();
    }

    /** Heatmap windows kept at full resolution (at least one). */
    public int fineWindows() {
        return (int) Math.max(1, retentionNanos / windowNanos);
    }

    /**
     * Parses a duration in the grammar every part of Loomscope shares ({@link DurationText}: {@code 500us},
     * {@code 1.5ms}, {@code 10s}, {@code 2h}, ...).
     *
     * @return nanoseconds, or -1 if {@code text} is not a duration
     */
    public static long parseDuration(String text) {
        try {
            return DurationText.parseNanos(text);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** The shortest exact spelling of {@code nanos} that {@link #parseDuration} reads back. */
    public static String formatDuration(long nanos) {
        String[] suffixes = {"d", "h", "m", "s", "ms", "us"};
        TimeUnit[] units = {TimeUnit.DAYS, TimeUnit.HOURS, TimeUnit.MINUTES, TimeUnit.SECONDS, TimeUnit.MILLISECONDS,
                TimeUnit.MICROSECONDS};
        for (int i = 0; i < units.length; i++) {
            long perUnit = units[i].toNanos(1);
            if (nanos != 0 && nanos % perUnit == 0) {
                return nanos / perUnit + suffixes[i];
            }
        }
        return nanos + "ns";
    }

    /** {@code off} (or 0, false, no), or a duration from {@link #MIN_INTERVAL} to {@link #MAX_INTERVAL}. */
    private static Duration interval(String key, String value, Consumer<String> warn) {
        switch (value) {
            case "off", "0", "false", "no" -> {
                return Duration.ZERO;
            }
            default -> {
                return Duration.ofNanos(duration(key, value, MIN_INTERVAL.toNanos(), MAX_INTERVAL.toNanos(),
                        DEFAULTS.interval.toNanos(), warn));
            }
        }
    }

    private static long duration(String key, String value, long min, long max, long fallback,
                                 Consumer<String> warn) {
        long nanos = parseDuration(value);
        if (nanos >= min && nanos <= max) {
            return nanos;
        }
        warn.accept(bad(key, value, "a duration from " + formatDuration(min) + " to " + formatDuration(max)
                + ", like 500ms, 1s or 10m", fallback == 0 ? "off" : formatDuration(fallback)));
        return fallback;
    }

    private static boolean onOff(String key, String value, boolean fallback, Consumer<String> warn) {
        switch (value) {
            case "true", "on", "yes", "" -> {
                return true;
            }
            case "false", "off", "no" -> {
                return false;
            }
            default -> {
                warn.accept(bad(key, value, "true or false", fallback));
                return fallback;
            }
        }
    }

    private static String bad(String key, String value, String expected, Object fallback) {
        return "loomscope: bad value '" + value + "' for option '" + key + "' (expected " + expected
                + "); using " + fallback;
    }
}

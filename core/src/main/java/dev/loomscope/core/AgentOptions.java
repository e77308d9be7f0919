package dev.loomscope.core;

import java.io.File;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * @param dump         path pattern of the dumps taken while the JVM runs (SIGQUIT, {@code interval}, the
 *                     {@code dump} command); when not given, {@link #out} with {@code -%t} before its extension
 * @param interval     period of the {@code interval} dumps; {@link Duration#ZERO}: none
 * @param sigquit      SIGQUIT (and {@code jcmd PID JVMTI.data_dump}) writes a dump, through the native shim
 */
public record AgentOptions(String out, int rings, int ringCapacity, boolean recording, boolean quiet,
                           String dump, Duration interval, boolean sigquit) {

    public static final AgentOptions DEFAULTS = new AgentOptions("loomscope-%p.json", 16, 16384, true, false,
            "loomscope-%p-%t.json", Duration.ZERO, true);

    /** Shortest {@code interval}: a dump drains and writes a file; more often than this is a mistake. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    public static final Duration MAX_INTERVAL = Duration.ofDays(1);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** Parses {@code text} (null or empty: all defaults). */
    public static AgentOptions parse(String text, Consumer<String> warn) {
        String out = DEFAULTS.out;
        int rings = DEFAULTS.rings;
        int ringCapacity = DEFAULTS.ringCapacity;
        boolean recording = DEFAULTS.recording;
        boolean quiet = DEFAULTS.quiet;
        String dump = null;
        Duration interval = DEFAULTS.interval;
        boolean sigquit = DEFAULTS.sigquit;
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
                    if (value.isEmpty()) {
                        warn.accept(bad(key, value, "a file path", DEFAULTS.out));
                    } else {
                        out = value;
                    }
                }
                case "rings" -> rings = powerOfTwo(key, value, 1, 1024, DEFAULTS.rings, warn);
                case "ringCapacity" -> ringCapacity = powerOfTwo(key, value, 1024, 1 << 22, DEFAULTS.ringCapacity, warn);
                case "recording" -> recording = onOff(key, value, DEFAULTS.recording, warn);
                case "quiet" -> quiet = onOff(key, value, DEFAULTS.quiet, warn);
                case "dump" -> {
                    if (value.isEmpty()) {
                        warn.accept(bad(key, value, "a file path", "the out path with -%t"));
                    } else {
                        dump = value;
                    }
                }
                case "interval" -> interval = duration(key, value, warn);
                case "sigquit" -> sigquit = onOff(key, value, DEFAULTS.sigquit, warn);
                default -> warn.accept("loomscope: unknown option '" + key + "' ignored (options: "
                        + "out, rings, ringCapacity, recording, quiet, dump, interval, sigquit; see docs/options.md)");
            }
        }
        return new AgentOptions(out, rings, ringCapacity, recording, quiet, dump == null ? timestamped(out) : dump,
                interval, sigquit);
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
        map.put("dump", dump);
        map.put("interval", format(interval));
        map.put("sigquit", sigquit);
        return map;
    }

    /** {@code off}, or the duration in the largest unit that divides it: {@code 500ms}, {@code 30s}, {@code 5m}. */
    static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "off";
        } else if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        } else if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        } else if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static Duration duration(String key, String value, Consumer<String> warn) {
        switch (value) {
            case "off", "0", "false", "no" -> {
                return Duration.ZERO;
            }
            default -> {
                Matcher m = DURATION.matcher(value);
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    Duration d = switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    };
                    if (d.compareTo(MIN_INTERVAL) >= 0 && d.compareTo(MAX_INTERVAL) <= 0) {
                        return d;
                    }
                }
                warn.accept(bad(key, value, "a duration from " + format(MIN_INTERVAL) + " to " + format(MAX_INTERVAL)
                        + " such as 500ms, 30s or 5m, or off", format(DEFAULTS.interval)));
                return DEFAULTS.interval;
            }
        }
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

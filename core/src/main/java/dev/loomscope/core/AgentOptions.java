package dev.loomscope.core;

import java.util.LinkedHashMap;
import java.util.Map;
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
 */
public record AgentOptions(String out, int rings, int ringCapacity, boolean recording, boolean quiet) {

    public static final AgentOptions DEFAULTS = new AgentOptions("loomscope-%p.json", 16, 16384, true, false);

    /** Parses {@code text} (null or empty: all defaults). */
    public static AgentOptions parse(String text, Consumer<String> warn) {
        String out = DEFAULTS.out;
        int rings = DEFAULTS.rings;
        int ringCapacity = DEFAULTS.ringCapacity;
        boolean recording = DEFAULTS.recording;
        boolean quiet = DEFAULTS.quiet;
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
                default -> warn.accept("loomscope: unknown option '" + key + "' ignored (options: "
                        + "out, rings, ringCapacity, recording, quiet; see docs/options.md)");
            }
        }
        return new AgentOptions(out, rings, ringCapacity, recording, quiet);
    }

    /** The effective options, for the JSON's {@code agent.options}. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("out", out);
        map.put("rings", rings);
        map.put("ringCapacity", ringCapacity);
        map.put("recording", recording);
        map.put("quiet", quiet);
        return map;
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

package dev.loomscope.report;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations on the command line ({@code 5ms}, {@code 1.5ms}, {@code 200us}) and in tables, in nanoseconds. */
final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s)");

    private Durations() {
    }

    /** Parses a non-negative duration with a unit (ns, us, ms, s); {@code 0} alone is allowed too. */
    static long parse(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return 0;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500us, 5ms, 1.5s)");
        }
        long unit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1_000;
            case "ms" -> 1_000_000;
            default -> 1_000_000_000;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long");
        }
        return nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * Three significant digits in the largest unit below the value: the precision of the histograms the values come
     * from (HdrHistogram, 3 significant digits), so more digits would only show noise. ASCII units ({@code us}), so
     * the text survives any CI log encoding.
     */
    static String format(long nanos) {
        long abs = Math.abs(nanos);
        if (abs < 1_000) {
            return nanos + " ns";
        }
        if (abs < 1_000_000) {
            return significant(nanos / 1e3) + " us";
        }
        if (abs < 1_000_000_000) {
            return significant(nanos / 1e6) + " ms";
        }
        return significant(nanos / 1e9) + " s";
    }

    /** A signed difference, e.g. {@code +80.1 ms}. */
    static String formatDelta(long nanos) {
        return (nanos >= 0 ? "+" : "-") + format(Math.abs(nanos));
    }

    private static String significant(double v) {
        double abs = Math.abs(v);
        String s = String.format(Locale.ROOT, abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}

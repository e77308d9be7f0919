package dev.loomscope.report;

import dev.loomscope.format.DurationText;

import java.util.Locale;

/** Durations on the command line ({@code 5ms}, {@code 1.5ms}, {@code 200us}: {@link DurationText}) and in tables. */
final class Durations {
    private Durations() {
    }

    /** Parses a duration in the grammar every part of Loomscope shares ({@link DurationText}). */
    static long parse(String text) {
        return DurationText.parseNanos(text);
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

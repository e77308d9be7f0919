package dev.loomscope.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the HTML report writes numbers, so that a person reads them at a glance and tests can predict the text:
 * durations with a unit and three significant digits ({@code 96.4 ms}), counts with thousands separators
 * ({@code 5,218}), times of day in UTC.
 */
final class HtmlNumbers {
    private HtmlNumbers() {
    }

    /** Shown where a value does not exist (a distribution without samples). */
    static final String NONE = "–";

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_OF_DAY =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** {@code 5218} → {@code 5,218}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * A duration in nanoseconds: {@code 850 ns}, {@code 384 µs}, {@code 96.4 ms}, {@code 1.5 s} (three significant
     * digits, trailing zeros dropped), and from a minute on {@code 2 min 5 s}, {@code 1 h 2 min}, {@code 3 d 4 h}.
     */
    static String duration(long nanos) {
        if (nanos < 0) {
            return "-" + duration(nanos == Long.MIN_VALUE ? Long.MAX_VALUE : -nanos);
        }
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 59_950_000_000L) { // below what rounds to 60.0 s
            String[] units = {"µs", "ms", "s"};
            double value = nanos / 1_000.0;
            int unit = 0;
            while (unit < units.length - 1 && significant(value).compareTo(BigDecimal.valueOf(1000)) >= 0) {
                value /= 1_000.0;
                unit++;
            }
            return significant(value).stripTrailingZeros().toPlainString() + " " + units[unit];
        }
        long seconds = Math.round(nanos / 1e9);
        if (seconds < 3_600) {
            return pair(seconds / 60, "min", seconds % 60, "s");
        }
        long minutes = Math.round(nanos / 6e10);
        if (minutes < 24 * 60) {
            return pair(minutes / 60, "h", minutes % 60, "min");
        }
        long hours = Math.round(nanos / 3.6e12);
        return pair(hours / 24, "d", hours % 24, "h");
    }

    /**
     * A fractional duration in nanoseconds (a latency bucket's bound): below 1 µs with three significant digits
     * ({@code 1.19 ns}), from there on as {@link #duration(long)}.
     */
    static String duration(double nanos) {
        if (nanos < 999.5 && nanos > -999.5) {
            return significant(nanos).stripTrailingZeros().toPlainString() + " ns";
        }
        return duration(Math.round(nanos));
    }

    /** A duration in milliseconds, as {@link #duration}. */
    static String millis(long millis) {
        return duration(Math.multiplyExact(millis, 1_000_000L));
    }

    private static BigDecimal significant(double value) {
        return new BigDecimal(value).round(new MathContext(3, RoundingMode.HALF_UP));
    }

    private static String pair(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + " " + bigUnit : big + " " + bigUnit + " " + small + " " + smallUnit;
    }

    /** {@code part / whole} as a percentage with one decimal ({@code 25.5%}); {@link #NONE} if whole is 0. */
    static String percent(double part, double whole) {
        if (whole <= 0) {
            return NONE;
        }
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /** {@code 2026-11-30 08:31:10 UTC}. */
    static String dateTime(long epochMs) {
        return DATE_TIME.format(Instant.ofEpochMilli(epochMs)) + " UTC";
    }

    /** {@code 08:31:10.088} (UTC). */
    static String timeOfDay(long epochMs) {
        return TIME_OF_DAY.format(Instant.ofEpochMilli(epochMs));
    }
}

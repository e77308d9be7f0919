package dev.loomscope.format;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Loomscope, for agent options, the report's command line and {@code @LoomscopeBudget}
 * alike (docs/options.md): a non-negative decimal number and a unit, {@code ns}, {@code us} (or {@code µs}),
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, with nothing between ({@code 500us}, {@code 1.5ms},
 * {@code 10s}, {@code 2h}: an option string has no room for spaces); a bare {@code 0} too. Surrounding spaces are
 * ignored. Rounded to whole nanoseconds.
 */
public final class DurationText {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,18}(?:\\.\\d{1,9})?)(ns|us|µs|ms|s|m|h|d)");

    private DurationText() {
    }

    /**
     * The duration {@code text} stands for, in nanoseconds.
     *
     * @throws IllegalArgumentException if it is not a duration of this grammar, or longer than {@link Long#MAX_VALUE}
     *                                  nanoseconds (292 years)
     */
    public static long parseNanos(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return 0;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500us, 1.5ms, 10s, 2h)");
        }
        long unit = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long");
        }
        return nanos.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}

package dev.loomscope.report;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A percentile named the way the dump names them: {@code p50}, {@code p90}, {@code p99}, {@code p999} (99.9),
 * {@code p9999} (99.99). The first two digits are the integer part and the rest are decimals, so any percentile can be
 * asked for ({@code p95}, {@code p75}): values come from the dump's embedded histogram, not its fixed fields.
 *
 * @param value the percentile, exactly (0 < value < 100)
 */
record Percentile(String name, BigDecimal value) {
    private static final Pattern NAME = Pattern.compile("p(\\d{2})(\\d*)");

    static Percentile parse(String text) {
        Matcher m = NAME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a percentile (p50, p90, p99, p999, ...)");
        }
        BigDecimal value = new BigDecimal(m.group(2).isEmpty() ? m.group(1) : m.group(1) + "." + m.group(2));
        if (value.signum() <= 0) {
            throw new IllegalArgumentException("'" + text + "': the percentile must be above 0");
        }
        return new Percentile(m.group(0), value);
    }

    double asDouble() {
        return value.doubleValue();
    }

    @Override
    public String toString() {
        return name;
    }
}

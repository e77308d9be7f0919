package dev.loomscope.report;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much worse a percentile may get before check fails: {@code --max-regression}, as a fraction of the baseline.
 * <p>
 * Entries are {@code X%} (every percentile), {@code pNN=X%} (one percentile of every metric) or
 * {@code metric.pNN=X%} (one percentile of one metric); the most specific entry wins. What the option does not name
 * keeps the defaults: {@value #DEFAULTS}. The far tail gets more room than the body because it rests on fewer
 * samples and moves more between identical runs. A bare {@code X%} given on the command line also overrides the
 * default for p999: who writes "25%" means every percentile.
 */
final class Thresholds {
    static final String DEFAULTS = "20%,p999=30%";
    private static final String ALL = "*";

    private final Map<String, BigDecimal> defaults;
    private final Map<String, BigDecimal> given;

    private Thresholds(Map<String, BigDecimal> defaults, Map<String, BigDecimal> given) {
        this.defaults = defaults;
        this.given = given;
    }

    static Thresholds defaults() {
        return new Thresholds(entries(DEFAULTS), Map.of());
    }

    /** @param spec the option's value(s), comma-separated; empty for the defaults alone */
    static Thresholds parse(String spec) {
        return new Thresholds(entries(DEFAULTS), entries(spec));
    }

    /** The allowed increase as a fraction (0.2 for 20 %). */
    BigDecimal maxRegression(String metric, Percentile percentile) {
        BigDecimal v = given.get(metric + "." + percentile.name());
        if (v == null) {
            v = given.get(percentile.name());
        }
        if (v == null) {
            v = given.get(ALL);
        }
        if (v == null) {
            v = defaults.get(percentile.name());
        }
        return v != null ? v : defaults.get(ALL);
    }

    private static Map<String, BigDecimal> entries(String spec) {
        Map<String, BigDecimal> map = new LinkedHashMap<>();
        for (String item : spec.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key = eq < 0 ? ALL : item.substring(0, eq).trim();
            String value = (eq < 0 ? item : item.substring(eq + 1)).trim();
            if (!key.equals(ALL)) {
                int dot = key.lastIndexOf('.');
                Percentile.parse(key.substring(dot + 1)); // validates: "p99" or "metric.p99"
                if (dot == 0) {
                    throw new IllegalArgumentException("'" + key + "': metric name missing before '.'");
                }
            }
            map.put(key, percent(value));
        }
        return map;
    }

    /** {@code 20%} or {@code 20} → 0.2. */
    static BigDecimal percent(String text) {
        String t = text.endsWith("%") ? text.substring(0, text.length() - 1).trim() : text;
        try {
            BigDecimal v = new BigDecimal(t);
            if (v.signum() < 0) {
                throw new IllegalArgumentException("'" + text + "': a regression limit cannot be negative");
            }
            return v.movePointLeft(2);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage (e.g. 20%)");
        }
    }
}

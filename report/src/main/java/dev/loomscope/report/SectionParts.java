package dev.loomscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** Pieces of markup that several sections of the report use. */
final class SectionParts {
    private SectionParts() {
    }

    /** Why a section or a part of it has nothing to show: every empty place of the page says why. */
    static Html empty(String why) {
        return Html.of("<p class=\"empty\">{}</p>\n", why);
    }

    /**
     * A section's markup, or why there is none: a section is {@code null} in a dump by an agent older than it.
     *
     * @param absent what to say then
     */
    static <T> Html ifPresent(T section, String absent, Function<T, Html> render) {
        return section == null ? empty(absent) : render.apply(section);
    }

    /** A section's threshold in its introduction, {@code " (300 ms)"}; nothing for a dump without the section. */
    static <T> Html threshold(T section, ToLongFunction<T> thresholdNanos) {
        return section == null ? Html.empty()
                : Html.of(" ({})", HtmlNumbers.duration(thresholdNanos.applyAsLong(section)));
    }

    /** A horizontal bar for a share in [0, 1], with its label. */
    static Html bar(double share, String label, String cssClass) {
        return Html.of("<div class=\"bar {}\"><span style=\"width:{}%\"></span></div><span class=\"pct\">{}</span>",
                cssClass, percentWidth(share), label);
    }

    /** A share in [0, 1] as a CSS width in percent, {@code 97.89}. */
    static String percentWidth(double share) {
        return String.format(Locale.ROOT, "%.2f", 100 * Math.max(0, Math.min(1, share)));
    }

    /** Counts by block kind, {@code park 40, sleep 2}; empty for none. */
    static String kinds(Map<String, Long> kinds) {
        List<String> parts = new ArrayList<>();
        if (kinds != null) {
            kinds.forEach((kind, n) -> parts.add(kind + " " + HtmlNumbers.count(n)));
        }
        return String.join(", ", parts);
    }

    /** A row of a key-value table. */
    static Html kv(String key, String value) {
        return Html.of("<tr><th>{}</th><td>{}</td></tr>", key, value);
    }
}

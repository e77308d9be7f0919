package dev.loomscope.report;

import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LoomscopeDump;

import java.util.List;
import java.util.function.ToLongFunction;

/** Headline numbers: the main counts as cards, and every latency distribution in a table. */
final class HeadlineSection {
    private static final List<Metrics.Count> CARDS = List.of(Metrics.CREATED, Metrics.STARTED, Metrics.ENDED,
            Metrics.LIVE, Metrics.BLOCKS, Metrics.WAKES, Metrics.MOUNTS, Metrics.PINNED_BLOCKS, Metrics.YIELDS,
            Metrics.DROPPED);
    /** The columns of the latency table after the count: id suffix and value. */
    private static final List<Column> COLUMNS = List.of(new Column("p50", LatencySummary::p50),
            new Column("p90", LatencySummary::p90), new Column("p99", LatencySummary::p99),
            new Column("p999", LatencySummary::p999), new Column("max", LatencySummary::max));

    private record Column(String name, ToLongFunction<LatencySummary> value) {
    }


    private HeadlineSection() {
    }

    static Html render(LoomscopeDump dump) {
        Html html = Html.of("<div class=\"cards\">\n");
        for (Metrics.Count card : CARDS) {
            Long value = card.value().apply(dump);
            long n = value == null ? 0 : value;
            html.add("<div class=\"card{}\"><div class=\"value\" id=\"count-{}\">{}</div><div class=\"label\">{}</div>"
                            + "</div>\n", card.problem() && n > 0 ? " bad" : "", card.field(), HtmlNumbers.count(n),
                    card.title());
        }
        html.add("</div>\n");
        html.add("<table id=\"latency-table\" class=\"numbers\">\n<thead><tr><th>latency</th><th>what it measures</th>"
                + "<th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead>\n"
                + "<tbody>\n");
        for (Metrics.Latency latency : Metrics.LATENCIES) {
            html.add(row(latency, latency.summaryIn(dump.latencies())));
        }
        return html.add("</tbody></table>\n");
    }

    private static Html row(Metrics.Latency latency, LatencySummary summary) {
        long count = summary == null ? 0 : summary.count();
        String name = latency.name();
        Html row = Html.of("<tr id=\"lat-{}\"><th>{}</th><td class=\"what\">{}</td><td id=\"lat-{}-count\">{}</td>",
                name, latency.title(), latency.meaning(), name, HtmlNumbers.count(count));
        for (Column column : COLUMNS) {
            row.add("<td id=\"lat-{}-{}\">{}</td>", name, column.name(),
                    count == 0 ? HtmlNumbers.NONE : HtmlNumbers.duration(column.value().applyAsLong(summary)));
        }
        return row.add("</tr>\n");
    }
}

package dev.loomscope.report;

import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Operations;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * By operation: the application's own operations ({@code operations}, named with {@code loomscope-api}), the one that
 * waits longest for a carrier first (wake-to-run p99), each row linking to its block sites and worst events below the
 * table.
 */
final class OperationsSection {
    private OperationsSection() {
    }

    /** The operations, the worst wake-to-run p99 first (then the most wakes, then by name: a total order). */
    static List<Operations.Operation> byWorstWakeToRun(Operations operations) {
        List<Operations.Operation> sorted = new ArrayList<>(operations.perOperation());
        sorted.sort(Comparator.comparingLong((Operations.Operation o) -> p99(o.latencies().wakeToRun())).reversed()
                .thenComparing(Comparator.comparingLong((Operations.Operation o) -> count(o.latencies().wakeToRun()))
                        .reversed())
                .thenComparing(Operations.Operation::name));
        return sorted;
    }

    static Html render(LoomscopeDump dump) {
        return SectionParts.ifPresent(dump.operations(), "This dump has no operations: recorded with operations=0,"
                + " or by an agent older than them.", OperationsSection::operations);
    }

    private static Html operations(Operations operations) {
        if (operations.perOperation().isEmpty()) {
            return SectionParts.empty(operations.apiClassesWoven() == 0
                    ? "The application named no operation: it does not use loomscope-api (Loomscope.operation), or had"
                    + " not loaded it yet."
                    : "The application loaded loomscope-api but no virtual thread ran inside an operation.");
        }
        List<Operations.Operation> sorted = byWorstWakeToRun(operations);
        Html html = Html.of("<table class=\"sites\" id=\"operations-table\"><thead><tr><th>#</th><th>operation</th>"
                + "<th>threads</th><th>wake → run p50</th><th>p99</th><th>max</th><th>wakes</th><th>blocked p99</th>"
                + "<th>run slice p99</th><th>blocks</th><th>long slices</th><th>worst wait (trace id)</th></tr></thead>"
                + "<tbody>\n");
        int rank = 0;
        for (Operations.Operation operation : sorted) {
            rank++;
            LatencySummary wake = operation.latencies().wakeToRun();
            List<Operations.Exemplar> worst = operation.exemplars().wakeToRun();
            html.add("<tr id=\"operation-row-{}\"><td class=\"rank\">{}</td><td><a href=\"#operation-{}\">{}</a>{}</td>"
                            + "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                            + "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                            + "<td class=\"num\">{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td>"
                            + "<td>{}</td></tr>\n", rank, rank, rank, operation.name(), otherTag(operation),
                    HtmlNumbers.count(operation.threads()), percentile(wake, wake == null ? 0 : wake.p50()),
                    percentile(wake, wake == null ? 0 : wake.p99()), percentile(wake, wake == null ? 0 : wake.max()),
                    HtmlNumbers.count(count(wake)),
                    percentile(operation.latencies().blocked(), p99(operation.latencies().blocked())),
                    percentile(operation.latencies().runSlice(), p99(operation.latencies().runSlice())),
                    HtmlNumbers.count(operation.blocks()), pinnedTag(operation),
                    HtmlNumbers.count(operation.longSlices()),
                    worst.isEmpty() ? Html.text(HtmlNumbers.NONE) : exemplarBrief(worst.get(0)));
        }
        html.add("</tbody></table>\n");
        html.add(notes(operations));
        rank = 0;
        for (Operations.Operation operation : sorted) {
            html.add(details(++rank, operation));
        }
        return html;
    }

    /** What the recorder counted of bad input and limits, when there is any. */
    private static Html notes(Operations operations) {
        List<String> notes = new ArrayList<>();
        if (operations.scopesOverLimit() > 0) {
            notes.add(HtmlNumbers.count(operations.scopesOverLimit()) + " scopes were counted as \"other\": their name"
                    + " came after the first " + operations.limit() + " (the operations option). Name operations by"
                    + " route, not by URL.");
        }
        if (operations.scopesIgnored() > 0) {
            notes.add(HtmlNumbers.count(operations.scopesIgnored()) + " scopes had a null or empty name and were"
                    + " ignored.");
        }
        if (operations.namesTruncated() > 0) {
            notes.add(HtmlNumbers.count(operations.namesTruncated()) + " names were cut to "
                    + operations.maxNameChars() + " characters.");
        }
        if (operations.scopesUntracked() > 0) {
            notes.add(HtmlNumbers.count(operations.scopesUntracked()) + " scopes were not tracked (too many threads"
                    + " inside scopes at once).");
        }
        if (operations.traceIdsIgnored() + operations.traceIdsLost() > 0) {
            notes.add(HtmlNumbers.count(operations.traceIdsIgnored() + operations.traceIdsLost())
                    + " trace ids were left out (too long) or lost.");
        }
        Operations.Critical critical = operations.critical();
        if (critical != null && critical.scopes() > 0) {
            String capped = critical.samplesCapped() == 0 ? "" : ", " + HtmlNumbers.count(critical.samplesCapped())
                    + " refused over the budget of " + HtmlNumbers.count(critical.samplesPerSecond()) + " a second";
            notes.add(HtmlNumbers.count(critical.scopes()) + " critical scopes: "
                    + HtmlNumbers.count(critical.samples()) + " stacks sampled for them" + capped + ".");
        }
        if (notes.isEmpty()) {
            return Html.empty();
        }
        Html list = Html.empty();
        notes.forEach(note -> list.add("<li>{}</li>", note));
        return Html.of("<ul class=\"notes\" id=\"operations-notes\">{}</ul>\n", list);
    }

    /** One operation's block sites and worst events. */
    private static Html details(int rank, Operations.Operation operation) {
        Html html = Html.of("<div class=\"sub\" id=\"operation-{}\"><h3>{} <a class=\"muted\""
                + " href=\"#operation-row-{}\">↑</a></h3>\n", rank, operation.name(), rank);
        html.add("<p>{}</p>\n", operation.threads() + " threads (" + operation.inheritedThreads()
                + " started inside it), blocks: " + (operation.blocksByKind().isEmpty() ? "none"
                : SectionParts.kinds(operation.blocksByKind())) + (operation.pinnedBlocks() > 0
                ? ", pinned " + HtmlNumbers.count(operation.pinnedBlocks()) : "") + ".");
        if (operation.blockSites().isEmpty()) {
            html.add(SectionParts.empty("No block of this operation was sampled."));
        } else {
            Html sites = Html.of("<table class=\"sites\"><thead><tr><th>#</th><th>sampled blocks</th>"
                    + "<th>total time</th><th>stack (innermost first; application frames in bold)</th></tr></thead>"
                    + "<tbody>\n");
            int i = 0;
            for (Operations.BlockSite site : operation.blockSites()) {
                sites.add("<tr><td class=\"rank\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                                + "<td class=\"stack\">{}</td></tr>\n", ++i, HtmlNumbers.count(site.count()),
                        HtmlNumbers.duration(site.blockedNs()), Stacks.frames(site.frames()));
            }
            html.add("<h4>Where it blocks</h4>\n").add(sites.add("</tbody></table>\n"));
        }
        html.add("<h4>Its worst events</h4>\n");
        Operations.Exemplars exemplars = operation.exemplars();
        if (exemplars.wakeToRun().isEmpty() && exemplars.blocked().isEmpty() && exemplars.longSlice().isEmpty()) {
            html.add(SectionParts.empty("None: no wake, block or long slice of this operation ended."));
        } else {
            Html rows = Html.empty();
            exemplars.wakeToRun().forEach(e -> rows.add(exemplarRow("waited for a carrier", e)));
            exemplars.blocked().forEach(e -> rows.add(exemplarRow("blocked", e)));
            exemplars.longSlice().forEach(e -> rows.add(exemplarRow("held a carrier", e)));
            html.add("<table class=\"slices\"><thead><tr><th>what</th><th>for</th><th>began (UTC)</th>"
                    + "<th>virtual thread</th><th>trace id</th><th>site</th></tr></thead><tbody>{}</tbody></table>\n",
                    rows);
        }
        return html.add("</div>\n");
    }

    private static Html otherTag(Operations.Operation operation) {
        return operation.name().equals(Operations.OTHER)
                ? Html.of(" <span class=\"tag\">names over the limit</span>") : Html.empty();
    }

    private static Html pinnedTag(Operations.Operation operation) {
        return operation.pinnedBlocks() == 0 ? Html.empty()
                : Html.of(" <span class=\"tag\">{} pinned</span>", HtmlNumbers.count(operation.pinnedBlocks()));
    }

    private static Html exemplarRow(String what, Operations.Exemplar e) {
        return Html.of("<tr><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                        + "<td class=\"num\">#{}{}</td><td class=\"trace\">{}</td><td class=\"stack\">{}</td></tr>",
                what,
                HtmlNumbers.duration(e.durationNs()), HtmlNumbers.timeOfDay(e.startEpochMs()), e.threadId(),
                e.pid() == null ? Html.empty() : Html.of(" <span class=\"muted\">pid {}</span>", e.pid()),
                e.traceId() == null ? HtmlNumbers.NONE : e.traceId(), Stacks.folded("stack", e.frames()));
    }

    private static Html exemplarBrief(Operations.Exemplar e) {
        return Html.of("{} <span class=\"trace\">{}</span>", HtmlNumbers.duration(e.durationNs()),
                e.traceId() == null ? "" : e.traceId());
    }

    private static Html percentile(LatencySummary summary, long value) {
        return Html.text(summary == null || summary.count() == 0 ? HtmlNumbers.NONE : HtmlNumbers.duration(value));
    }

    private static long p99(LatencySummary summary) {
        return summary == null || summary.count() == 0 ? -1 : summary.p99();
    }

    private static long count(LatencySummary summary) {
        return summary == null ? 0 : summary.count();
    }
}

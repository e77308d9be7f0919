package dev.loomscope.report;

import dev.loomscope.format.Sites;

import java.util.List;

/** A ranked list of call sites ({@code sites.create}, ..., {@code sites.pinned}) as a table, one site a row. */
final class SiteTable {
    private SiteTable() {
    }

    /**
     * A row: a site (or several added into one) and what its stack cell shows.
     *
     * @param stack the stack cell's markup
     */
    record Row(Sites.Site site, Html stack) {
        /** A site as it is: its stack, the application's frames in bold. */
        static Row of(Sites.Site site) {
            return new Row(site, Stacks.frames(site.frames()));
        }
    }

    /** One row per site, its stack as it is. */
    static Html render(List<? extends Sites.Site> sites, String counted, boolean charged) {
        return rows(sites.stream().map(Row::of).toList(), counted, charged);
    }

    /**
     * @param rows    at least one
     * @param counted what the count column counts ({@code blocks})
     * @param charged whether the sites have latencies charged to them: total time and p99 columns
     */
    static Html rows(List<Row> rows, String counted, boolean charged) {
        boolean kinds = rows.get(0).site() instanceof Sites.BlockSite;
        Html html = Html.of("<table class=\"sites\"><thead><tr><th>#</th><th>{}</th>", counted);
        if (charged) {
            html.add("<th>total time</th><th>p99</th>");
        }
        if (kinds) {
            html.add("<th>kinds</th>");
        }
        html.add("<th>stack (innermost first; application frames in bold)</th></tr></thead><tbody>\n");
        int rank = 0;
        for (Row row : rows) {
            Sites.Site site = row.site();
            html.add("<tr><td class=\"rank\">{}</td><td class=\"num\">{}</td>", ++rank,
                    HtmlNumbers.count(site.count()));
            if (charged) {
                Sites.Charges c = site.charges();
                boolean none = c == null || c.count() == 0;
                html.add("<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                        HtmlNumbers.duration(c == null ? 0 : c.totalNs()),
                        none ? HtmlNumbers.NONE : HtmlNumbers.duration(c.p99Ns()));
            }
            if (site instanceof Sites.BlockSite block) {
                html.add("<td class=\"nowrap\">{}</td>", SectionParts.kinds(block.kinds()));
            }
            html.add("<td class=\"stack\">{}</td></tr>\n", row.stack());
        }
        return html.add("</tbody></table>\n");
    }
}

package dev.loomscope.report;

import dev.loomscope.format.LoomscopeDump;

/**
 * The diagnosis at the top of the page ({@link Diagnosis}): one line per finding, what and where with numbers, each
 * with links to the sections that show it. Problems are marked; what is fine says so in a muted line.
 */
final class DiagnosisSection {
    private DiagnosisSection() {
    }

    static Html render(LoomscopeDump dump, ApplicationCode code) {
        Html html = Html.of("<ul class=\"findings\">\n");
        for (Diagnosis.Finding finding : Diagnosis.of(dump, code).findings()) {
            Html links = Html.empty();
            for (Diagnosis.Section section : finding.see()) {
                links.add(" <a href=\"#{}\">→&nbsp;{}</a>", section.anchor, section.title);
            }
            html.add("<li class=\"{}\"><span class=\"topic\">{}</span> <span class=\"text\">{}</span>"
                    + "<span class=\"see\">{}</span></li>\n", finding.problem() ? "problem" : "fine", finding.topic(),
                    finding.text(), links);
        }
        return html.add("</ul>\n");
    }
}

package dev.loomscope.report;

import dev.loomscope.format.Counts;
import dev.loomscope.format.LoomscopeDump;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What makes the numbers of the page incomplete, above everything else; nothing when the recording is whole. */
final class Warnings {
    private Warnings() {
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static Html render(LoomscopeDump dump) {
        Counts counts = dump.counts();
        List<Html> warnings = new ArrayList<>();
        if (counts.dropped() > 0) {
            List<String> kinds = new ArrayList<>();
            if (counts.droppedByKind() != null) {
                for (Map.Entry<String, Long> kind : counts.droppedByKind().entrySet()) {
                    if (kind.getValue() > 0) {
                        kinds.add(kind.getKey() + " " + HtmlNumbers.count(kind.getValue()));
                    }
                }
            }
            warnings.add(Html.of("{} records were dropped (rings full): counts and latencies are incomplete{}. A"
                            + " larger ringCapacity or more rings help.", HtmlNumbers.count(counts.dropped()),
                    kinds.isEmpty() ? "" : " (" + String.join(", ", kinds) + ")"));
        }
        String shed = SheddingNote.summary(dump);
        if (shed != null) {
            warnings.add(Html.of("The drain fell behind, and the recorder followed only some threads rather than drop"
                    + " records: {}. {}; the windows are marked <em>threads shed</em> under the heatmaps. A larger"
                    + " ringCapacity or more rings shed less.", shed, capitalised(SheddingNote.MEANING)));
        }
        if (counts.agentErrors() > 0) {
            warnings.add(Html.of("{} errors inside the agent's hooks were caught and swallowed.",
                    HtmlNumbers.count(counts.agentErrors())));
        }
        List<String> missing = dump.agent() == null || dump.agent().hooks() == null ? null
                : dump.agent().hooks().missing();
        if (missing != null && !missing.isEmpty()) {
            warnings.add(Html.of("Hooks not woven into this JVM, so their events are missing: {}.",
                    Html.join(", ", missing.stream().map(hook -> Html.of("<code>{}</code>", hook)).toList())));
        }
        if (dump.recording() != null && dump.recording().lateAttach()) {
            warnings.add(Html.of("The agent was attached to a running JVM: transitions before the attach are not"
                    + " counted, and {} threads that existed before it ended during the recording.",
                    HtmlNumbers.count(counts.preexistingEnded())));
        }
        long lost = dump.sites() == null ? 0 : dump.sites().samplesLost();
        if (lost > 0) {
            warnings.add(Html.of("{} sampled stacks were lost (overwritten before the drain read them): site counts"
                    + " are low by that much.", HtmlNumbers.count(lost)));
        }
        if (warnings.isEmpty()) {
            return Html.empty();
        }
        Html html = Html.of("<div id=\"warnings\" class=\"warnings\">");
        warnings.forEach(w -> html.add("<p>⚠ {}</p>", w));
        return html.add("</div>\n");
    }
}

package dev.loomscope.report;

import dev.loomscope.format.Agent;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Recording;

import java.util.List;
import java.util.Map;

/** Recording: when it ran and how, the agent's options and the hooks it wove. */
final class RecordingSection {
    private RecordingSection() {
    }

    static Html render(LoomscopeDump dump) {
        Html html = Html.of("<table class=\"kv\"><tbody>");
        Recording recording = dump.recording();
        if (recording != null) {
            html.add(SectionParts.kv("recording began", HtmlNumbers.dateTime(recording.startEpochMs())))
                    .add(SectionParts.kv("dump taken", HtmlNumbers.dateTime(recording.dumpEpochMs())))
                    .add(SectionParts.kv("duration", HtmlNumbers.duration(recording.durationNs())));
        }
        if (dump.heatmaps() != null) {
            html.add(SectionParts.kv("heatmap window", HtmlNumbers.millis(dump.heatmaps().windowMs())));
        }
        html.add(SectionParts.kv("records aggregated",
                HtmlNumbers.count(dump.recorder() == null ? 0 : dump.recorder().events())));
        String shed = SheddingNote.summary(dump);
        if (dump.recorder() != null && dump.recorder().shedding() != null) {
            html.add(SectionParts.kv("threads shed", shed == null ? "never: every thread followed throughout"
                    : shed + ", " + HtmlNumbers.count(dump.recorder().shedding().historiesForgotten())
                    + " partial histories set aside"));
        }
        String clock = dump.recorder() == null ? null : dump.recorder().clock();
        if (clock != null && !clock.isEmpty()) {
            html.add(SectionParts.kv("event clock", clock.equals("tsc") ? "CPU time-stamp counter" : clock));
        }
        html.add("</tbody></table>\n");

        Agent agent = dump.agent();
        Map<String, Object> options = agent == null ? null : agent.options();
        if (options != null && !options.isEmpty()) {
            html.add("<details><summary>Agent options</summary><table class=\"kv\"><tbody>");
            options.forEach((name, value) -> html.add(SectionParts.kv(name, String.valueOf(value))));
            html.add("</tbody></table></details>\n");
        }
        List<String> applied = agent == null || agent.hooks() == null ? null : agent.hooks().applied();
        if (applied != null && !applied.isEmpty()) {
            html.add("<details><summary>{} hooks woven</summary><ul class=\"hooks\">", applied.size());
            applied.forEach(hook -> html.add("<li><code>{}</code></li>", hook));
            html.add("</ul></details>\n");
        }
        return html;
    }
}

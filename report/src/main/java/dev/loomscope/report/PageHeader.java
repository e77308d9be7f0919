package dev.loomscope.report;

import dev.loomscope.format.Agent;
import dev.loomscope.format.Jvm;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Recording;

import java.util.ArrayList;
import java.util.List;

/** The line of facts under the page's title: which JVM, when, why the dump, which agent. */
final class PageHeader {
    private PageHeader() {
    }

    static Html facts(LoomscopeDump dump) {
        List<Html> facts = new ArrayList<>();
        Jvm jvm = dump.jvm();
        if (jvm.pid() > 0) { // 0: read from a dump without one
            facts.add(Html.of("JVM pid {}", jvm.pid()));
        }
        if (jvm.javaVersion() != null) {
            facts.add(Html.of("Java {}", jvm.javaVersion())
                    .add(jvm.vendor() != null ? Html.of(" ({})", jvm.vendor()) : Html.empty()));
        }
        Recording recording = dump.recording();
        if (recording != null) {
            facts.add(Html.of("recording from {} for {}", HtmlNumbers.dateTime(recording.startEpochMs()),
                    HtmlNumbers.duration(recording.durationNs())));
            if (recording.trigger() != null) {
                facts.add(Html.of("dump on {}", recording.trigger()));
            }
            if (recording.attach() != null) {
                facts.add(Html.text(recording.lateAttach() ? "agent attached late" : "agent from JVM start"));
            }
        }
        Agent agent = dump.agent();
        if (agent != null && agent.version() != null) {
            facts.add(Html.of("agent {}", agent.version()));
        }
        return Html.join(" · ", facts);
    }
}

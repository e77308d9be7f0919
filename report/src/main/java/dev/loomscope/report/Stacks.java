package dev.loomscope.report;

import java.util.List;

/** A sampled stack as the report shows it: innermost frame first, JDK frames muted, the deep end folded away. */
final class Stacks {
    /** Frames of a stack shown before the fold, at least and at most (to reach the first application frame). */
    private static final int OPEN_FRAMES = 4;
    private static final int MAX_OPEN_FRAMES = 12;

    private Stacks() {
    }

    /**
     * The frames down to the first application frame are shown (at least {@value #OPEN_FRAMES}, at most
     * {@value #MAX_OPEN_FRAMES}), the rest folded.
     */
    static Html frames(List<String> frames) {
        if (frames == null || frames.isEmpty()) {
            return Html.of("<span class=\"muted\">no stack sampled</span>");
        }
        int firstApp = frames.size();
        for (int i = 0; i < frames.size(); i++) {
            if (!isJdkFrame(frames.get(i))) {
                firstApp = i;
                break;
            }
        }
        int open = Math.min(frames.size(), Math.max(OPEN_FRAMES, Math.min(MAX_OPEN_FRAMES, firstApp + 1)));
        Html html = Html.of("<ol class=\"frames\">{}</ol>", list(frames.subList(0, open)));
        if (frames.size() > open) {
            html.add("<details><summary>{} more frames</summary><ol class=\"frames\" start=\"{}\">{}</ol></details>",
                    frames.size() - open, open + 1, list(frames.subList(open, frames.size())));
        }
        return html;
    }

    private static Html list(List<String> frames) {
        Html html = Html.empty();
        for (String frame : frames) {
            html.add(isJdkFrame(frame) ? "<li class=\"jdk\">{}</li>" : "<li>{}</li>", frame);
        }
        return html;
    }

    static boolean isJdkFrame(String frame) {
        return frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun.")
                || frame.startsWith("javax.") || frame.startsWith("com.sun.");
    }
}

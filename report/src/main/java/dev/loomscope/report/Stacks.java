package dev.loomscope.report;

import dev.loomscope.format.ApplicationFrames;

import java.util.List;

/**
 * A sampled stack as the report shows it: innermost frame first, the application's frames in bold and the others (the
 * JDK's, a test runner's, Loomscope's: {@link ApplicationFrames}) muted, the deep end folded away.
 */
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
            if (ApplicationFrames.isApplication(frames.get(i))) {
                firstApp = i;
                break;
            }
        }
        int open = Math.min(frames.size(), Math.max(OPEN_FRAMES, Math.min(MAX_OPEN_FRAMES, firstApp + 1)));
        Html html = Html.of("<ol class=\"frames\">{}</ol>", list(frames.subList(0, open)));
        if (frames.size() > open) {
            html.add(folded(frames.size() - open + " more frames", frames, open));
        }
        return html;
    }

    /** The whole stack folded away under {@code summary}: a stack worth keeping at hand but not worth reading. */
    static Html folded(String summary, List<String> frames) {
        return frames == null || frames.isEmpty() ? Html.empty() : folded(summary, frames, 0);
    }

    private static Html folded(String summary, List<String> frames, int from) {
        return Html.of("<details><summary>{}</summary><ol class=\"frames\" start=\"{}\">{}</ol></details>", summary,
                from + 1, list(frames.subList(from, frames.size())));
    }

    private static Html list(List<String> frames) {
        Html html = Html.empty();
        for (String frame : frames) {
            html.add(ApplicationFrames.isApplication(frame) ? "<li>{}</li>" : "<li class=\"other\">{}</li>", frame);
        }
        return html;
    }
}

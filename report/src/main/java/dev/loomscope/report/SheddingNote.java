package dev.loomscope.report;

import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Recorder;

/**
 * What a dump says of thread shedding ({@code recorder.shedding}), in words, for every place that must say it: the
 * warnings at the top of the page, the recording facts, {@code diagnose} and {@code check}. While the drain fell
 * behind, the recorder followed only some threads, each one whole: creations, ends and live threads stay exact, the
 * rest describes the threads followed then.
 */
final class SheddingNote {
    private SheddingNote() {
    }

    /** The dump's shedding, or null if the recorder never shed a thread (or the dump is older than shedding). */
    static Recorder.Shedding of(LoomscopeDump dump) {
        Recorder.Shedding shedding = dump.recorder() == null ? null : dump.recorder().shedding();
        return shedding != null && shedding.shed() ? shedding : null;
    }

    /**
     * {@code 1 in 8}: the share of all threads followed at {@code level} with {@code threadSample}; {@code none} at the
     * top level.
     */
    static String oneIn(long threadSample, int level) {
        return level >= 25 ? "none" : "1 in " + HtmlNumbers.count(threadSample << level);
    }

    /**
     * {@code threads shed for 2.7 s in 3 episodes, down to 1 in 8 followed}, or null if none was: one clause that the
     * callers put into their own sentence.
     */
    static String summary(LoomscopeDump dump) {
        Recorder.Shedding shedding = of(dump);
        if (shedding == null) {
            return null;
        }
        long threadSample = ChartData.threadSample(dump);
        return "threads shed for " + HtmlNumbers.duration(shedding.shedNs()) + " in " + shedding.episodes()
                + (shedding.episodes() == 1 ? " episode" : " episodes") + ", down to " + oneIn(threadSample,
                shedding.maxLevel()) + " followed" + (shedding.levelNow() > 0 ? " (" + oneIn(threadSample,
                shedding.levelNow()) + " at the dump)" : "");
    }

    /** What shedding means for the numbers, after {@link #summary}. */
    static final String MEANING = "creations, ends and live threads are exact; blocks, wakes, mounts, latencies,"
            + " heatmaps and sites describe the threads followed, each one whole (no latency spans a stretch in which"
            + " its thread was not followed)";
}

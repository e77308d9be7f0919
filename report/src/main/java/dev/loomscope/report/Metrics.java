package dev.loomscope.report;

import dev.loomscope.format.Counts;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.Latencies;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LoomscopeDump;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the metrics of a dump are called and what they mean, in one place: the report's titles, captions and
 * explanations, and the names {@code check} and {@code diff} accept and print. A metric is named as in the dump
 * (docs/schema.md); its title and meaning are for people.
 */
final class Metrics {
    private Metrics() {
    }

    /**
     * A heatmap, {@code heatmaps.<group>.<name>}: a figure of the report.
     *
     * @param counted what one count is, plural, after a total ({@code 1,299 wakes})
     * @param unit    the same, short, in hover text
     */
    record Heatmap(String group, String name, String title, String counted, String unit, String meaning,
                   Function<Heatmaps, List<HeatmapRow>> rows) {
        /** {@code group.name}: how the page and its script refer to it. */
        String key() {
            return group + "." + name;
        }

        /** Its rows in {@code heatmaps}; {@code null} if the dump has none (an older agent). */
        List<HeatmapRow> rowsIn(Heatmaps heatmaps) {
            return heatmaps == null ? null : rows.apply(heatmaps);
        }
    }

    /**
     * A latency distribution, {@code latencies.<name>}: a row of the report's latency table, a metric of check and
     * diff.
     *
     * @param heatmap its heatmap over time; {@code null} for a distribution without one
     */
    record Latency(String name, String title, String meaning, Heatmap heatmap) {
        /** Its summary in {@code latencies}; {@code null} if the dump has none. */
        LatencySummary summaryIn(Latencies latencies) {
            return latencies == null ? null : latencies.metric(name);
        }
    }

    /**
     * A count of a dump: a headline number of the report, a row of diff.
     *
     * @param name    its place in the dump, {@code counts.created}, as diff prints it
     * @param value   its value in a dump; {@code null} when the dump lacks the section
     * @param problem whether any at all deserves a look (the report shows it in red)
     */
    record Count(String name, String title, Function<LoomscopeDump, Long> value, boolean problem) {
        /** The field's own name, {@code created}. */
        String field() {
            return name.substring(name.lastIndexOf('.') + 1);
        }
    }

    /** A block kind ({@code counts.blocksByKind}, {@code latencies.blockedByKind}). */
    record BlockKind(String name, String meaning) {
    }

    // ---- activity heatmaps ----------------------------------------------------------------------------------------

    /** Transitions per window and carrier, in the report's order. */
    static final List<Heatmap> ACTIVITY_HEATMAPS = List.of(
            activity("create", "Creates", "virtual threads created", "creates",
                    "Thread.start() of a virtual thread, by the carrier it ran on (platform threads such as main:"
                            + " \"other threads\").", Heatmaps.Activity::create),
            activity("block", "Blocks", "blocks", "blocks",
                    "A virtual thread gave up its carrier to wait (or parked pinned), by carrier.",
                    Heatmaps.Activity::block),
            activity("wake", "Wakes", "wakes", "wakes", "A blocked virtual thread was queued for a carrier again, by"
                    + " the carrier (or other thread) that woke it.", Heatmaps.Activity::wake),
            activity("mount", "Mounts", "run slices begun", "mounts",
                    "A virtual thread was mounted on the carrier: one run slice began.", Heatmaps.Activity::mount));

    // ---- latencies ------------------------------------------------------------------------------------------------

    static final Latency WAKE_TO_RUN = latency("wakeToRun", "Wake → run", "wakes", "wakes",
            "From a wake (queued for a carrier) until the thread runs again: time spent waiting for a carrier.",
            Heatmaps.Latency::wakeToRun);
    static final Latency BLOCKED = latency("blocked", "Blocked", "blocks", "blocks",
            "From a block until the wake (a timed block ends at its deadline).", Heatmaps.Latency::blocked);
    static final Latency START_DELAY = latency("startDelay", "Start delay", "threads started", "starts",
            "From Thread.start() until the thread first runs on a carrier.", Heatmaps.Latency::startDelay);
    static final Latency RUN_SLICE = latency("runSlice", "Run slice", "run slices", "slices",
            "How long a virtual thread kept its carrier each time it was mounted.", Heatmaps.Latency::runSlice);
    static final Latency PINNED_BLOCKED = new Latency("pinnedBlocked", "Pinned",
            "How long a pinned virtual thread held its carrier while parked.", null);

    /** Every distribution every dump has (empty ones included), in the report's order. */
    static final List<Latency> LATENCIES = List.of(WAKE_TO_RUN, BLOCKED, START_DELAY, RUN_SLICE, PINNED_BLOCKED);
    static final List<Heatmap> LATENCY_HEATMAPS = LATENCIES.stream().map(Latency::heatmap)
            .filter(h -> h != null).toList();
    static final List<Heatmap> HEATMAPS = Stream.concat(ACTIVITY_HEATMAPS.stream(), LATENCY_HEATMAPS.stream())
            .toList();
    /** How a distribution by block kind is named: {@code blockedByKind.<kind>}. */
    static final String BY_KIND = Latencies.BY_KIND + "<kind>";

    // ---- counts ---------------------------------------------------------------------------------------------------

    static final Count CREATED = count("created", "virtual threads created", Counts::created, false);
    static final Count STARTED = count("started", "started (first ran)", Counts::started, false);
    static final Count ENDED = count("ended", "ended", Counts::ended, false);
    static final Count LIVE = count("live", "still alive at the dump", Counts::live, false);
    static final Count BLOCKS = count("blocks", "blocks", Counts::blocks, false);
    static final Count WAKES = count("wakes", "wakes", Counts::wakes, false);
    static final Count MOUNTS = count("mounts", "mounts (run slices)", Counts::mounts, false);
    static final Count PINNED_BLOCKS = count("pinnedBlocks", "pinned blocks", Counts::pinnedBlocks, true);
    static final Count YIELDS = count("yields", "yields", Counts::yields, false);
    static final Count DROPPED = count("dropped", "records dropped", Counts::dropped, true);
    static final Count LONG_SLICES = new Count("longSlices.count", "long slices",
            d -> d.longSlices() == null ? null : d.longSlices().count(), false);
    static final Count LEAKED_THREADS = new Count("leaks.threads", "virtual threads blocked past the leak threshold",
            d -> d.leaks() == null ? null : d.leaks().threads(), true);

    // ---- block kinds ----------------------------------------------------------------------------------------------

    /** The kinds the agent knows, in the report's order. */
    static final List<BlockKind> BLOCK_KINDS = List.of(
            new BlockKind("park", "LockSupport.park: locks, queues, socket I/O"),
            new BlockKind("timedPark", "LockSupport.parkNanos"),
            new BlockKind("sleep", "Thread.sleep"),
            new BlockKind("monitor", "entering synchronized (JDK 24+)"),
            new BlockKind("wait", "Object.wait (JDK 24+)"),
            new BlockKind("timedWait", "Object.wait with a timeout (JDK 24+)"),
            new BlockKind("pinned", "parked while pinned to its carrier"),
            new BlockKind("unknown", "a JDK state the agent does not know"));

    /** The distribution of this name, or {@code null} if it is none of {@link #LATENCIES}. */
    static Latency latency(String name) {
        return LATENCIES.stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }

    /** Every metric name check and diff accept, for messages: {@code wakeToRun, ..., blockedByKind.<kind>}. */
    static String latencyNames() {
        return latencyNamesBut(List.of());
    }

    /** The same without {@code names}: what else there is. */
    static String latencyNamesBut(List<String> names) {
        List<String> rest = new ArrayList<>();
        LATENCIES.stream().map(Latency::name).filter(n -> !names.contains(n)).forEach(rest::add);
        rest.add(BY_KIND);
        return String.join(", ", rest);
    }

    private static Heatmap activity(String name, String title, String counted, String unit, String meaning,
                                    Function<Heatmaps.Activity, List<HeatmapRow>> rows) {
        return new Heatmap("activity", name, title, counted, unit, meaning,
                h -> h.activity() == null ? null : rows.apply(h.activity()));
    }

    private static Latency latency(String name, String title, String counted, String unit, String meaning,
                                   Function<Heatmaps.Latency, List<HeatmapRow>> rows) {
        return new Latency(name, title, meaning, new Heatmap("latency", name, title, counted, unit, meaning,
                h -> h.latency() == null ? null : rows.apply(h.latency())));
    }

    private static Count count(String field, String title, Function<Counts, Long> value, boolean problem) {
        return new Count("counts." + field, title, d -> d.counts() == null ? null : value.apply(d.counts()), problem);
    }
}

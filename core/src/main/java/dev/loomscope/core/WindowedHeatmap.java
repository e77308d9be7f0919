package dev.loomscope.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Counts per time window × column (a carrier, or a latency bucket), in bounded memory however long the run.
 * <p>
 * Windows are aligned on wall-clock time (epoch), so heatmaps of several JVMs line up. Recent windows are kept at full
 * resolution; when a window ages out of its tier it is merged into the covering window of the next, coarser tier
 * ({@link #TIER_FACTORS}: by default 1 s for 10 min, 10 s for 1 h, 1 min for 1 day, 1 h for 30 days), and what ages
 * out of the last tier is merged into one "earlier" row. Nothing is ever discarded: the cells of all rows together
 * always sum to the number of {@link #add} calls (the invariant the JSON documents).
 * <p>
 * Drain thread only; not thread-safe.
 */
final class WindowedHeatmap {
    /** Window length of each tier, as a multiple of the base window. */
    static final long[] TIER_FACTORS = {1, 10, 60, 3600};
    /** Windows kept per tier after the first (whose count comes from the retention option). */
    static final int[] COARSE_TIER_WINDOWS = {360, 1440, 720};

    private final Tier[] tiers;
    private int[] earlier = new int[0];
    /** The cached row: the current full-resolution window, see {@link #row}. */
    private int[] cachedCells = new int[0];
    private long cachedStart;
    private long cachedLength;
    /** 0 while the cache holds a row of tier 0, -1 when it holds nothing (then every add takes the slow path). */
    private long cacheInvalid = -1;
    /** Adds left before the slow path is taken anyway, see {@link #RECHECK_EVERY}. */
    private int untilRecheck;
    private long earlierEndEpochNanos = Long.MIN_VALUE;

    /**
     * @param windowNanos    base window length
     * @param fineWindows    base windows kept at full resolution
     */
    WindowedHeatmap(long windowNanos, int fineWindows) {
        tiers = new Tier[TIER_FACTORS.length];
        for (int t = 0; t < tiers.length; t++) {
            tiers[t] = new Tier(windowNanos * TIER_FACTORS[t], t == 0 ? fineWindows : COARSE_TIER_WINDOWS[t - 1]);
        }
    }

    /** Adds one to the cell ({@code epochNanos}'s window, {@code column}). */
    void add(long epochNanos, int column) {
        int[] cells = row(epochNanos, column);
        if (cells[column] != Integer.MAX_VALUE) { // saturate rather than wrap, like every other add
            cells[column]++;
        }
    }

    /** Adds {@code amount} (non-negative) to the cell, saturating at {@link Integer#MAX_VALUE}. */
    void add(long epochNanos, int column, long amount) {
        int[] cells = row(epochNanos, column);
        cells[column] = (int) Math.min(Integer.MAX_VALUE, cells[column] + Math.max(0, amount));
    }

    /**
     * Every this many adds the slow path is taken although the cache would do. The JIT compiles a branch its profile
     * saw taken less than about once in a million times as a trap, and throws the compiled code away the first time it
     * is taken: without this, each new window (once a second) deoptimised every aggregator method that had this method
     * inlined, which were then compiled again while the drain fell behind. The decision and its measurements:
     * docs/design.md, "A heatmap's fast path is rechecked once in 4096 adds".
     */
    private static final int RECHECK_EVERY = 4096;

    /**
     * The row for an event, through a one-entry cache of the current full-resolution window: nearly every event falls
     * into it, and this saves a 64-bit division per event on the drain.
     * <p>
     * Only {@link #rowSlowly} changes the tiers' rows (a new window, a widening, a downsampling), and it forgets the
     * cache before it does, so a cached row is always the tier's own. The fast path is one branch on one value that is
     * negative when the event is outside the cached window or row, the cache is empty, or a recheck is due (an event
     * more than 292 years from the cached window could pass for inside it, by overflow: none comes from a clock).
     */
    private int[] row(long epochNanos, int column) {
        long sinceStart = epochNanos - cachedStart;
        long outside = sinceStart | (cachedLength - 1 - sinceStart) | (cachedCells.length - 1 - column) | cacheInvalid
                | --untilRecheck;
        return outside >= 0 ? cachedCells : rowSlowly(epochNanos, column);
    }

    private int[] rowSlowly(long epochNanos, int column) {
        untilRecheck = RECHECK_EVERY;
        cacheInvalid = -1; // cellsFor may replace or downsample the cached row
        int[] cells = cellsFor(0, epochNanos, column);
        Tier fine = tiers[0];
        long window = Math.floorDiv(epochNanos, fine.lengthNanos);
        int slot = (int) Math.floorMod(window, (long) fine.windows.length);
        if (fine.windowIndex[slot] == window && fine.windows[slot] == cells) {
            cachedStart = window * fine.lengthNanos;
            cachedLength = fine.lengthNanos;
            cachedCells = cells;
            cacheInvalid = 0;
        }
        return cells;
    }

    /**
     * The cells row (grown to hold {@code column}) that covers {@code epochNanos}, starting at tier {@code t}.
     * Invariant: the windows of one tier never overlap in time with those of another, because a tier downsamples
     * whole groups (all its windows inside one window of the next tier) and then refuses times below its watermark.
     */
    private int[] cellsFor(int t, long epochNanos, int column) {
        for (; t < tiers.length; t++) {
            Tier tier = tiers[t];
            long window = Math.floorDiv(epochNanos, tier.lengthNanos);
            if (window < tier.watermark) {
                continue; // this time is already downsampled into a coarser tier
            }
            int slot = (int) Math.floorMod(window, (long) tier.windows.length);
            long held = tier.windowIndex[slot];
            if (held == window) {
                return tier.ensureWidth(slot, column);
            }
            if (held != Long.MIN_VALUE) {
                if (held > window) {
                    continue; // cannot happen with the watermark, kept for safety
                }
                downsampleThrough(t, held);
                if (window < tier.watermark) {
                    continue; // a tier shorter than one group of the next: this window went with the group
                }
            }
            tier.windowIndex[slot] = window;
            tier.windows[slot] = new int[column + 1];
            return tier.windows[slot];
        }
        earlier = grow(earlier, column);
        // epochNanos is the start of a whole window merged from the last tier (or a late event): the row ends with it
        Tier last = tiers[tiers.length - 1];
        long windowEnd = (Math.floorDiv(epochNanos, last.lengthNanos) + 1) * last.lengthNanos;
        earlierEndEpochNanos = Math.max(earlierEndEpochNanos, windowEnd);
        return earlier;
    }

    /** Merges every window of tier {@code t} up to the end of {@code window}'s group into the next tier. */
    private void downsampleThrough(int t, long window) {
        Tier tier = tiers[t];
        long watermark = window + 1;
        if (t + 1 < tiers.length) {
            long ratio = TIER_FACTORS[t + 1] / TIER_FACTORS[t];
            watermark = (Math.floorDiv(window, ratio) + 1) * ratio;
        }
        tier.watermark = Math.max(tier.watermark, watermark);
        for (int slot = 0; slot < tier.windows.length; slot++) {
            int[] cells = tier.windows[slot];
            if (cells != null && tier.windowIndex[slot] < tier.watermark) {
                long startEpochNanos = tier.windowIndex[slot] * tier.lengthNanos;
                tier.windows[slot] = null;
                tier.windowIndex[slot] = Long.MIN_VALUE;
                int[] target = cellsFor(t + 1, startEpochNanos, cells.length - 1);
                for (int c = 0; c < cells.length; c++) {
                    target[c] = (int) Math.min(Integer.MAX_VALUE, (long) target[c] + cells[c]);
                }
            }
        }
    }

    private static int[] grow(int[] cells, int column) {
        return column < cells.length ? cells : Arrays.copyOf(cells, column + 1);
    }

    /** Rows with at least one count, oldest first: values, which the adds that follow leave as they are. */
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        if (earlier.length > 0) {
            rows.add(new Row(Long.MIN_VALUE, earlierEndEpochNanos, -1, earlier));
        }
        for (int t = tiers.length - 1; t >= 0; t--) {
            Tier tier = tiers[t];
            List<Row> tierRows = new ArrayList<>();
            for (int slot = 0; slot < tier.windows.length; slot++) {
                if (tier.windows[slot] != null) {
                    tierRows.add(new Row(tier.windowIndex[slot] * tier.lengthNanos, tier.lengthNanos, t,
                            tier.windows[slot]));
                }
            }
            tierRows.sort((a, b) -> Long.compare(a.startEpochNanos(), b.startEpochNanos()));
            rows.addAll(tierRows);
        }
        return Collections.unmodifiableList(rows);
    }

    /** Sum of all cells. */
    long total() {
        long total = 0;
        for (Row row : rows()) {
            for (int c : row.cells()) {
                total += c;
            }
        }
        return total;
    }

    /**
     * One time window, a value: the cells are copied in and copied out.
     *
     * @param startEpochNanos window start ({@link Long#MIN_VALUE} for the "earlier" row)
     * @param lengthNanos     window length (for the "earlier" row: the end of the time it covers)
     * @param tier            0 for full resolution, higher for downsampled windows, -1 for the "earlier" row
     * @param cells           count per column
     */
    record Row(long startEpochNanos, long lengthNanos, int tier, int[] cells) {
        Row {
            cells = cells.clone();
        }

        @Override
        public int[] cells() {
            return cells.clone();
        }
    }

    private static final class Tier {
        final long lengthNanos;
        final long[] windowIndex;
        final int[][] windows;
        /** Windows below this index have been downsampled into the next tier. */
        long watermark = Long.MIN_VALUE;

        Tier(long lengthNanos, int windows) {
            this.lengthNanos = lengthNanos;
            this.windowIndex = new long[windows];
            Arrays.fill(windowIndex, Long.MIN_VALUE);
            this.windows = new int[windows][];
        }

        int[] ensureWidth(int slot, int column) {
            int[] cells = windows[slot];
            if (column >= cells.length) {
                cells = Arrays.copyOf(cells, column + 1);
                windows[slot] = cells;
            }
            return cells;
        }
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;

import java.util.ArrayList;
import java.util.List;

/**
 * What the aggregator measures of the transitions: the counters, the latency histograms and the heatmaps, and their
 * snapshot as immutable values ({@link #counts}, {@link #latencies}, {@link #heatmaps}).
 * <p>
 * The transitions write the fields directly: they run once per record on the drain thread, and a field increment is
 * all a count needs. Drain thread only; the snapshot methods under the drain's lock.
 */
final class TransitionMetrics {
    long created;
    long started;
    long ended;
    long preexistingEnded;
    long blocks;
    long pinnedBlocks;
    long wakes;
    long yields;
    long mounts;
    long unmounts;
    long submitFailed;
    final long[] blocksByKind = new long[BlockKind.COUNT];
    /** Pinned blocks by {@link PinnedKind}; sums to {@link #pinnedBlocks}. */
    final long[] pinnedByKind = new long[PinnedKind.COUNT];
    long carriersStarted;
    long carriersExited;
    long carrierIdlePeriods;
    /** Records aggregated. */
    long events;

    final LatencyHistogram startDelay = new LatencyHistogram();
    final LatencyHistogram wakeToRun = new LatencyHistogram();
    final LatencyHistogram runSlice = new LatencyHistogram();
    final LatencyHistogram pinnedBlocked = new LatencyHistogram();
    /** By {@link BlockKind}, created on a kind's first block: most runs see two or three kinds. */
    private final LatencyHistogram[] blockedByKind = new LatencyHistogram[BlockKind.COUNT];
    /** By {@link PinnedKind}, created on a kind's first pinned block: their sum is {@link #pinnedBlocked}. */
    private final LatencyHistogram[] pinnedBlockedByKind = new LatencyHistogram[PinnedKind.COUNT];

    /** Activity heatmaps: columns are carriers ({@link CarrierTable}). */
    final WindowedHeatmap createHeatmap;
    final WindowedHeatmap blockHeatmap;
    final WindowedHeatmap wakeHeatmap;
    final WindowedHeatmap mountHeatmap;
    /** Latency heatmaps: columns are {@link LogLatencyBuckets}. */
    final WindowedHeatmap startDelayHeatmap;
    final WindowedHeatmap wakeToRunHeatmap;
    final WindowedHeatmap blockedHeatmap;
    final WindowedHeatmap runSliceHeatmap;

    /**
     * @param windowNanos heatmap window length
     * @param fineWindows windows kept at full resolution before downsampling
     */
    TransitionMetrics(long windowNanos, int fineWindows) {
        createHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        blockHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        wakeHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        mountHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        startDelayHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        wakeToRunHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        blockedHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
        runSliceHeatmap = new WindowedHeatmap(windowNanos, fineWindows);
    }

    /** The blocked-time histogram of {@code kind}. */
    LatencyHistogram blockedByKind(int kind) {
        LatencyHistogram histogram = blockedByKind[kind];
        if (histogram == null) {
            histogram = new LatencyHistogram();
            blockedByKind[kind] = histogram;
        }
        return histogram;
    }

    /** The pinned-time histogram of {@code pinnedKind}. */
    LatencyHistogram pinnedBlockedByKind(int pinnedKind) {
        LatencyHistogram histogram = pinnedBlockedByKind[pinnedKind];
        if (histogram == null) {
            histogram = new LatencyHistogram();
            pinnedBlockedByKind[pinnedKind] = histogram;
        }
        return histogram;
    }

    /**
     * The counts now.
     *
     * @param droppedByKind  records the rings refused, by kind: only the drain's caller can read the rings
     * @param agentErrors    the recorder's swallowed exceptions
     * @param trackedThreads entries in the aggregator's live-thread table
     */
    Counts counts(long[] droppedByKind, long agentErrors, long trackedThreads) {
        long dropped = 0;
        for (long d : droppedByKind) {
            dropped += d;
        }
        return new Counts(created, started, ended, created - ended, preexistingEnded, blocks, pinnedBlocks, wakes,
                yields, mounts, unmounts, submitFailed, dropped, agentErrors, blocksByKind, droppedByKind,
                carriersStarted, carriersExited, carrierIdlePeriods, events, trackedThreads, pinnedByKind);
    }

    /**
     * Copies of the distributions, summarised only when written. All unpinned blocks ({@code blocked}) are the sum of
     * the per-kind histograms, derived here instead of recording every block twice on the drain's path (pinned blocks
     * have their own, {@code pinnedBlocked}).
     */
    Snapshot.Latencies latencies() {
        List<LatencyDistribution> byKind = new ArrayList<>();
        for (int kind = 0; kind < BlockKind.COUNT; kind++) {
            byKind.add(blockedByKind[kind] == null ? null : blockedByKind[kind].snapshot());
        }
        List<LatencyDistribution> pinnedByKind = new ArrayList<>();
        for (int kind = 0; kind < PinnedKind.COUNT; kind++) {
            pinnedByKind.add(pinnedBlockedByKind[kind] == null ? null : pinnedBlockedByKind[kind].snapshot());
        }
        LatencyHistogram[] unpinned = blockedByKind.clone();
        unpinned[BlockKind.PINNED] = null;
        return new Snapshot.Latencies(startDelay.snapshot(), wakeToRun.snapshot(), LatencyHistogram.sumOf(unpinned),
                runSlice.snapshot(), pinnedBlocked.snapshot(), byKind, pinnedByKind);
    }

    Snapshot.Heatmaps heatmaps() {
        return new Snapshot.Heatmaps(createHeatmap.rows(), blockHeatmap.rows(), wakeHeatmap.rows(),
                mountHeatmap.rows(), startDelayHeatmap.rows(), wakeToRunHeatmap.rows(), blockedHeatmap.rows(),
                runSliceHeatmap.rows());
    }
}

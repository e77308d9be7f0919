package dev.loomscope.core;

/**
 * Totals of recorded virtual-thread transitions at one instant; the {@code counts} object of the JSON.
 * Field meanings are documented in {@code docs/schema.md}; {@code created == ended + live} holds by construction.
 * A value: the arrays are copied in and out.
 *
 * @param blocksByKind        indexed by {@link dev.loomscope.bootstrap.BlockKind}
 * @param droppedByKind       indexed by {@link dev.loomscope.bootstrap.EventKind}
 * @param events              records aggregated
 * @param trackedThreads      entries in the aggregator's live-thread table (memory diagnostics)
 * @param pinnedByKind        pinned blocks by {@link PinnedKind}; sums to {@code pinnedBlocks}
 */
public record Counts(long created, long started, long ended, long live, long preexistingEnded, long blocks,
                     long pinnedBlocks, long wakes, long yields, long mounts, long unmounts, long submitFailed,
                     long dropped, long agentErrors, long[] blocksByKind, long[] droppedByKind, long carriersStarted,
                     long carriersExited, long carrierIdlePeriods, long events, long trackedThreads,
                     long[] pinnedByKind) {
    public Counts {
        blocksByKind = blocksByKind.clone();
        droppedByKind = droppedByKind.clone();
        pinnedByKind = pinnedByKind.clone();
    }

    @Override
    public long[] pinnedByKind() {
        return pinnedByKind.clone();
    }

    @Override
    public long[] blocksByKind() {
        return blocksByKind.clone();
    }

    @Override
    public long[] droppedByKind() {
        return droppedByKind.clone();
    }
}

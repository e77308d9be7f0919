package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the virtual threads of one operation did: counts, the latency distributions (wake-to-run, blocked, run slice;
 * HdrHistogram buckets of the top level's, in rows allocated as used: {@link SparseLatencyHistogram}), the sampled
 * block sites, and the worst events ({@link Exemplars}). The transitions write the fields directly, like {@link TransitionMetrics}.
 * <p>
 * Drain thread only; {@link #snapshot} under the drain's lock.
 */
final class OperationStats {
    /** Distinct block sites kept per operation; blocks at further sites are charged to no site (counted). */
    static final int MAX_BLOCK_SITES = 64;

    final String name;
    /** Threads that began working under the operation: entered it from outside, or inherited it at their start. */
    long threads;
    /** Of {@link #threads}, those that inherited it: virtual threads started inside the operation. */
    long inheritedThreads;
    long blocks;
    long pinnedBlocks;
    long wakes;
    long longSlices;
    final long[] blocksByKind = new long[BlockKind.COUNT];
    final SparseLatencyHistogram wakeToRun = new SparseLatencyHistogram();
    final SparseLatencyHistogram blocked = new SparseLatencyHistogram();
    final SparseLatencyHistogram runSlice = new SparseLatencyHistogram();
    final Exemplars worstWakeToRun = new Exemplars();
    final Exemplars worstBlocked = new Exemplars();
    final Exemplars worstLongSlices = new Exemplars();
    /** Sampled block site id → {blocks whose end was seen, their total ns}. */
    private final Map<Integer, long[]> blockSites = new HashMap<>();
    /** Sampled blocks charged to no site: the operation had {@link #MAX_BLOCK_SITES} already. */
    long blockSitesOverflow;

    OperationStats(String name) {
        this.name = name;
    }

    /** A sampled block of this operation ended after {@code nanos} at {@code site}. */
    void blockedAt(int site, long nanos) {
        long[] charged = blockSites.get(site);
        if (charged == null) {
            if (blockSites.size() >= MAX_BLOCK_SITES) {
                blockSitesOverflow++;
                return;
            }
            charged = new long[2];
            blockSites.put(site, charged);
        }
        charged[0]++;
        charged[1] += nanos;
    }

    /** The operation's block sites with the most blocked time first (then the most blocks), at most {@code top}. */
    List<Snapshot.OperationSite> topBlockSites(int top) {
        List<Snapshot.OperationSite> sites = new ArrayList<>(blockSites.size());
        for (Map.Entry<Integer, long[]> site : blockSites.entrySet()) {
            sites.add(new Snapshot.OperationSite(site.getKey(), site.getValue()[0], site.getValue()[1]));
        }
        sites.sort(Comparator.comparingLong(Snapshot.OperationSite::totalNanos).reversed()
                .thenComparing(Comparator.comparingLong(Snapshot.OperationSite::count).reversed())
                .thenComparingInt(Snapshot.OperationSite::site));
        return sites.size() > top ? List.copyOf(sites.subList(0, top)) : sites;
    }

    Snapshot.Operation snapshot(int topSites) {
        return new Snapshot.Operation(name, threads, inheritedThreads, blocks, pinnedBlocks, wakes, longSlices,
                blocksByKind.clone(), wakeToRun.snapshot(), blocked.snapshot(), runSlice.snapshot(),
                topBlockSites(topSites), blockSitesOverflow, worstWakeToRun.longestFirst(),
                worstBlocked.longestFirst(), worstLongSlices.longestFirst());
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.loomscope.core.ThreadState.BLOCKED;
import static dev.loomscope.core.ThreadState.HAS_SITES;
import static dev.loomscope.core.ThreadState.PHASE_MASK;
import static dev.loomscope.core.ThreadState.blockKindOf;
import static dev.loomscope.core.ThreadState.stateOf;
import static dev.loomscope.core.ThreadState.timeOf;

/**
 * The live virtual threads blocked for at least the leak threshold at a dump, clustered by their sampled block site:
 * what a leak leaves behind (a queue nobody feeds, a lock nobody releases). Found when a snapshot is taken, by one
 * scan of the live-thread table; nothing is kept between dumps.
 */
final class LeakClusters {
    private final long thresholdNanos;

    /** @param thresholdNanos blocked at least this long at a dump: reported */
    LeakClusters(long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
    }

    long thresholdNanos() {
        return thresholdNanos;
    }

    /**
     * The clusters, most threads first.
     *
     * @param live                the aggregator's live threads, entries in {@link ThreadState}'s layout
     * @param sites               the block sites of threads with sampled stacks
     * @param nowSinceOriginNanos the dump's {@code nanoTime}, relative to the recording's origin
     * @param followed            whether a thread was followed from a time (relative to the origin) up to the dump:
     *                            one shed meanwhile may have woken unseen, it is not counted
     */
    List<LeakCluster> find(LiveThreadTable live, SiteAttribution sites, long nowSinceOriginNanos,
                           FollowedSince followed) {
        Map<Integer, Tally> bySite = new HashMap<>();
        live.forEach((threadId, value) -> {
            int state = stateOf(value);
            if ((state & PHASE_MASK) != BLOCKED || timeOf(value) == 0) {
                return;
            }
            long age = nowSinceOriginNanos - timeOf(value);
            if (age < thresholdNanos || !followed.since(threadId, timeOf(value))) {
                return;
            }
            int site = (state & HAS_SITES) != 0 ? sites.blockSite(threadId) : SiteTable.NONE;
            bySite.computeIfAbsent(site, Tally::new).add(age, blockKindOf(state));
        });
        List<Tally> tallies = new ArrayList<>(bySite.values());
        tallies.sort(Comparator.comparingLong((Tally t) -> t.threads).reversed());
        List<LeakCluster> clusters = new ArrayList<>(tallies.size());
        for (Tally tally : tallies) {
            clusters.add(new LeakCluster(tally.site, tally.threads, tally.oldestNanos, tally.byKind));
        }
        return clusters;
    }

    /** Whether a thread's transitions were all recorded from a time on. */
    @FunctionalInterface
    interface FollowedSince {
        boolean since(long threadId, long sinceOriginNanos);
    }

    /** One cluster while the scan adds its threads. */
    private static final class Tally {
        final int site;
        long threads;
        long oldestNanos;
        final long[] byKind = new long[BlockKind.COUNT];

        Tally(int site) {
            this.site = site;
        }

        void add(long ageNanos, int kind) {
            threads++;
            oldestNanos = Math.max(oldestNanos, ageNanos);
            byKind[kind]++;
        }
    }
}

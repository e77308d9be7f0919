package dev.loomscope.format;

import java.util.List;
import java.util.Map;

/**
 * {@code sites}: call sites of sampled events, one list per kind of event, each in {@link SiteRanking}'s order and cut
 * to the agent's {@code topSites}. Counts are of sampled events, not totals.
 *
 * @param sampleEvery    the agent's {@code sampleEvery} option
 * @param samples        stacks sampled and aggregated
 * @param samplesLost    sampled stacks lost before the drain read them
 * @param distinctStacks distinct stacks known
 * @param create         where virtual threads are started (the creator's stack)
 * @param block          where virtual threads block, unpinned (the blocking thread's stack)
 * @param wake           where wakes come from (the waking thread's stack)
 * @param pinned         where virtual threads park pinned
 */
public record Sites(long sampleEvery, long samples, long samplesLost, long distinctStacks, List<CreateSite> create,
                    List<BlockSite> block, List<WakeSite> wake, List<PinnedSite> pinned) {

    /** An entry of one of the lists: a stack ({@code frames}, innermost first) and the sampled events there. */
    public sealed interface Site permits CreateSite, BlockSite, WakeSite, PinnedSite {
        /** Sampled events at this site. */
        long count();

        /** The stack, innermost frame first, as in a Java stack trace. */
        List<String> frames();

        /** The finished, measured events of this site and their latencies; {@code null} for creations. */
        Charges charges();

        /** The total latency charged to this site: what {@link SiteRanking} orders by first. */
        default long chargedNanos() {
            Charges charges = charges();
            return charges == null ? 0 : charges.totalNs();
        }
    }

    /** @param count sampled creations here */
    public record CreateSite(long count, List<String> frames) implements Site {
        @Override
        public Charges charges() {
            return null;
        }
    }

    /**
     * @param count   sampled unpinned blocks here, finished or not
     * @param kinds   {@code count} by block kind, kinds with none left out
     * @param blocked the finished blocks
     */
    public record BlockSite(long count, Map<String, Long> kinds, Charges blocked, List<String> frames)
            implements Site {
        @Override
        public Charges charges() {
            return blocked;
        }
    }

    /** @param count sampled wakes here whose next mount was seen ({@code == wakeToRun.count}) */
    public record WakeSite(long count, Charges wakeToRun, List<String> frames) implements Site {
        @Override
        public Charges charges() {
            return wakeToRun;
        }
    }

    /**
     * @param count pinned blocks here, finished or not
     * @param kinds {@code count} by what blocked ({@code park}, {@code monitor}, ...), kinds with none left out;
     *              {@code null} in dumps of agents before it
     */
    public record PinnedSite(long count, Map<String, Long> kinds, Charges pinnedBlocked, List<String> frames)
            implements Site {
        @Override
        public Charges charges() {
            return pinnedBlocked;
        }
    }

    /**
     * The finished, measured events of a site.
     *
     * @param count   events measured (a block not yet ended is not)
     * @param totalNs their latencies, summed
     * @param p99Ns   their 99th percentile, as the upper bound of its latency bucket (up to 19 % high); 0 if none
     */
    public record Charges(long count, long totalNs, long p99Ns) {
    }
}

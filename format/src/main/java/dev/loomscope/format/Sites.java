package dev.loomscope.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
     * @param buckets their latencies by {@link LatencyBuckets latency bucket}: {@code [bucket, count]} pairs of the
     *                non-zero buckets, in bucket order; {@code null} in dumps without it (written before it was added,
     *                or merged from such a dump; {@code report merge} adds them bucket by bucket). What makes a site's
     *                percentiles over part of a recording, or pooled over JVMs, exact to a bucket ({@link #since}).
     */
    public record Charges(long count, long totalNs, long p99Ns, long[][] buckets) {

        /** Charges without their buckets. */
        public Charges(long count, long totalNs, long p99Ns) {
            this(count, totalNs, p99Ns, null);
        }

        /** Charges with their buckets, {@code p99Ns} computed from them as {@link LatencyBuckets#percentileNanos}. */
        public static Charges of(long count, long totalNs, long[][] buckets) {
            return new Charges(count, totalNs, LatencyBuckets.percentileNanos(buckets, 99), buckets);
        }

        /**
         * What was charged after {@code earlier}, a state of the same site in an earlier dump of the same recording
         * (the numbers only grow): counts and buckets subtract, {@code p99Ns} is that of the difference. Null when
         * either lacks its buckets.
         *
         * @param earlier null for a site the earlier dump did not list: everything was charged since
         * @throws IllegalArgumentException if {@code earlier} is not an earlier state of these charges (one of its
         *                                  buckets holds more)
         */
        public Charges since(Charges earlier) {
            if (earlier == null || buckets == null) {
                return buckets == null ? null : this;
            }
            if (earlier.buckets == null) {
                return null;
            }
            long[] earlierByBucket = new long[LatencyBuckets.COUNT];
            for (long[] cell : earlier.buckets) {
                earlierByBucket[(int) cell[0]] = cell[1];
            }
            List<long[]> cells = new ArrayList<>();
            for (long[] cell : buckets) {
                long added = cell[1] - earlierByBucket[(int) cell[0]];
                earlierByBucket[(int) cell[0]] = 0;
                if (added < 0) {
                    throw new IllegalArgumentException("bucket " + cell[0] + " shrank: not an earlier state");
                } else if (added > 0) {
                    cells.add(new long[]{cell[0], added});
                }
            }
            for (long left : earlierByBucket) {
                if (left > 0) {
                    throw new IllegalArgumentException("a bucket emptied: not an earlier state");
                }
            }
            return of(count - earlier.count, totalNs - earlier.totalNs, cells.toArray(long[][]::new));
        }

        /** By value, buckets included (a record compares arrays by identity). */
        @Override
        public boolean equals(Object other) {
            return other instanceof Charges c && count == c.count && totalNs == c.totalNs && p99Ns == c.p99Ns
                    && Arrays.deepEquals(buckets, c.buckets);
        }

        @Override
        public int hashCode() {
            return Objects.hash(count, totalNs, p99Ns) * 31 + Arrays.deepHashCode(buckets);
        }

        @Override
        public String toString() {
            return "Charges[count=" + count + ", totalNs=" + totalNs + ", p99Ns=" + p99Ns + ", buckets="
                    + Arrays.deepToString(buckets) + "]";
        }
    }
}

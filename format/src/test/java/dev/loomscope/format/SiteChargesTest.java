package dev.loomscope.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A site's charges over part of a recording: the difference of two dumps' charges, its p99 from the buckets. */
class SiteChargesTest {
    /** Bucket 92 holds (8.39 ms, 9.98 ms], bucket 112 (268 ms, 319 ms] (docs/schema.md, "Latency buckets"). */
    private static final int MS_9 = 92;
    private static final int MS_300 = 112;

    @Test
    void p99IsTheUpperBoundOfItsBucket() {
        assertEquals(9_975_793, LatencyBuckets.percentileNanos(new long[][]{{MS_9, 100}}, 99));
        assertEquals(0, LatencyBuckets.percentileNanos(new long[0][], 99));
        assertEquals(Long.MAX_VALUE, LatencyBuckets.percentileNanos(new long[][]{{LatencyBuckets.COUNT - 1, 1}}, 99));
    }

    @Test
    void theChargesSinceAnEarlierDumpAreTheirOwnDistribution() {
        Sites.Charges earlier = Sites.Charges.of(10, 3_000_000_000L, new long[][]{{MS_300, 10}});
        Sites.Charges now = Sites.Charges.of(210, 4_800_000_000L, new long[][]{{MS_9, 200}, {MS_300, 10}});
        assertEquals(LatencyBuckets.percentileNanos(new long[][]{{MS_300, 1}}, 99), now.p99Ns(),
                "over the whole recording, the earlier slow wakes are the p99");

        Sites.Charges since = now.since(earlier);
        assertEquals(200, since.count());
        assertEquals(1_800_000_000L, since.totalNs());
        assertArrayEquals(new long[][]{{MS_9, 200}}, since.buckets());
        assertEquals(9_975_793, since.p99Ns(), "since then, only the fast ones");
        assertEquals(now, now.since(null), "a site the earlier dump did not list: all of it is new");
    }

    @Test
    void withoutBucketsThereIsNoDifference() {
        assertNull(new Sites.Charges(1, 7, 8).since(null));
        assertNull(Sites.Charges.of(1, 7, new long[][]{{3, 1}}).since(new Sites.Charges(1, 7, 8)));
    }

    @Test
    void aLaterStateIsNotAnEarlierOne() {
        Sites.Charges small = Sites.Charges.of(1, 1, new long[][]{{MS_9, 1}});
        Sites.Charges other = Sites.Charges.of(1, 1, new long[][]{{MS_300, 1}});
        assertThrows(IllegalArgumentException.class, () -> small.since(Sites.Charges.of(2, 2,
                new long[][]{{MS_9, 2}})));
        assertThrows(IllegalArgumentException.class, () -> small.since(other));
    }
}

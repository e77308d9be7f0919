package dev.loomscope.format;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SiteRankingTest {

    private static Sites.BlockSite block(String frame, long count, long totalNs) {
        return new Sites.BlockSite(count, Map.of("park", count), new Sites.Charges(count, totalNs, 0), List.of(frame));
    }

    @Test
    void mostTimeFirstThenMostEventsAndTiesKeepTheirOrder() {
        Sites.BlockSite lessTimeMoreBlocks = block("a", 50, 998);
        Sites.BlockSite moreTime = block("b", 1, 1000);
        Sites.BlockSite sameTimeFewer = block("c", 2, 0);
        Sites.BlockSite sameTimeMore = block("d", 3, 0);
        Sites.BlockSite tiedWithD = block("e", 3, 0);
        List<Sites.BlockSite> ranked = SiteRanking.top(
                List.of(sameTimeFewer, lessTimeMoreBlocks, tiedWithD, moreTime, sameTimeMore),
                Sites.Site::chargedNanos, Sites.Site::count, 10);
        assertEquals(List.of(moreTime, lessTimeMoreBlocks, tiedWithD, sameTimeMore, sameTimeFewer), ranked);
    }

    @Test
    void entriesWithoutEventsAreLeftOutAndTheListIsCut() {
        List<Sites.CreateSite> sites = List.of(new Sites.CreateSite(0, List.of("none")),
                new Sites.CreateSite(2, List.of("two")), new Sites.CreateSite(5, List.of("five")),
                new Sites.CreateSite(1, List.of("one")));
        List<Sites.CreateSite> top = SiteRanking.top(sites, Sites.Site::chargedNanos, Sites.Site::count, 2);
        assertEquals(List.of(sites.get(2), sites.get(1)), top);
    }

    @Test
    void theRuleOverTheFormatsEntriesIsTheSame() {
        Sites.WakeSite slow = new Sites.WakeSite(1, new Sites.Charges(1, 9_000, 9_000), List.of("slow"));
        Sites.WakeSite frequent = new Sites.WakeSite(9, new Sites.Charges(9, 900, 100), List.of("frequent"));
        assertEquals(List.of(slow, frequent), List.of(frequent, slow).stream().sorted(SiteRanking.SITES).toList());
    }
}

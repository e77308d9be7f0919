package dev.loomscope.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.format.Leaks;
import dev.loomscope.format.Operations;
import dev.loomscope.format.SiteRanking;
import dev.loomscope.format.Sites;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Lists of entries that several dumps share by identity: call sites and leak clusters (the same {@code frames}),
 * carriers (the same {@code column}). Entries with the same key are combined into one; the list is then ordered by
 * rank and cut to the top N.
 */
final class RankedLists {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sites: the format's order (most time, then most events), then by frames, so that the order is total. */
    static final Comparator<Sites.Site> SITES = SiteRanking.SITES
            .thenComparing(site -> framesKey(site.frames()));
    /** An operation's block sites: most blocked time first, then most blocks, then by frames. */
    static final Comparator<Operations.BlockSite> OPERATION_SITES = Comparator
            .comparingLong(Operations.BlockSite::blockedNs).reversed()
            .thenComparing(Comparator.comparingLong(Operations.BlockSite::count).reversed())
            .thenComparing(site -> framesKey(site.frames()));
    /** Leak clusters: most threads first, then the oldest. */
    static final Comparator<Leaks.Cluster> BY_THREADS = Comparator
            .comparingLong(Leaks.Cluster::threads).reversed()
            .thenComparing(Comparator.comparingLong(Leaks.Cluster::oldestBlockedNs).reversed())
            .thenComparing(cluster -> framesKey(cluster.frames()));

    private RankedLists() {
    }

    /**
     * @param lists   one list per input that has it
     * @param key     the identity of an entry
     * @param combine one entry of the entries with the same key
     * @param order   the merged list's order (must be total, so that the cut does not depend on input order)
     * @param top     entries kept
     */
    static <T> List<T> merge(List<List<T>> lists, Function<T, String> key, Function<List<T>, T> combine,
                             Comparator<? super T> order, int top) {
        Map<String, List<T>> groups = new LinkedHashMap<>();
        for (List<T> list : lists) {
            for (T entry : list) {
                groups.computeIfAbsent(key.apply(entry), k -> new ArrayList<>()).add(entry);
            }
        }
        List<T> merged = new ArrayList<>();
        for (List<T> group : groups.values()) {
            merged.add(combine.apply(group));
        }
        merged.sort(order);
        return merged.stream().limit(top).toList();
    }

    /** The identity of a site or cluster: its frames, as JSON text ({@code null} for "not sampled"). */
    static String framesKey(List<String> frames) {
        try {
            return JSON.writeValueAsString(frames);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a list of strings always has JSON text
        }
    }
}

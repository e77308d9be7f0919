package dev.loomscope.format;

import java.util.List;
import java.util.Map;

/**
 * {@code leaks}: virtual threads blocked (unpinned, not woken) for at least {@code thresholdNs} at the dump,
 * clustered by their sampled block site.
 *
 * @param threads  every such thread ({@code == sum(clusters[].threads)})
 * @param clusters most threads first
 */
public record Leaks(long thresholdNs, long threads, List<Cluster> clusters) {

    /**
     * The threads blocked long at one site.
     *
     * @param oldestBlockedNs how long the oldest of them has been blocked
     * @param kinds           threads by block kind, kinds with none left out
     * @param frames          the block site; {@code null} for the threads whose block was not sampled
     */
    public record Cluster(long threads, long oldestBlockedNs, Map<String, Long> kinds, List<String> frames) {
    }
}

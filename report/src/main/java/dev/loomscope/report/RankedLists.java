package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Lists of entries that several dumps share by identity: call sites and leak clusters (the same {@code frames}),
 * carriers (the same {@code column}). Entries with the same key merge with {@link TreeSum}; the list is then ordered
 * by rank and cut to the top N.
 */
final class RankedLists {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Sites and clusters: biggest total time first (sites with time charges), then most events, then by frames. */
    static final Comparator<JsonNode> BY_TIME_THEN_COUNT = Comparator
            .comparingLong(RankedLists::chargedNanos).reversed()
            .thenComparing(Comparator.comparingLong((JsonNode n) -> n.path("count").asLong()).reversed())
            .thenComparing(RankedLists::framesKey);
    /** Leak clusters: most threads first, then the oldest. */
    static final Comparator<JsonNode> BY_THREADS = Comparator
            .comparingLong((JsonNode n) -> n.path("threads").asLong()).reversed()
            .thenComparing(Comparator.comparingLong((JsonNode n) -> n.path("oldestBlockedNs").asLong()).reversed())
            .thenComparing(RankedLists::framesKey);

    private RankedLists() {
    }

    /**
     * @param lists one array per input that has it
     * @param key   the identity of an entry
     * @param rules how the numeric fields of entries with the same key combine
     * @param order the merged list's order (must be total, so that the cut does not depend on input order)
     * @param top   entries kept
     */
    static ArrayNode merge(List<JsonNode> lists, Function<JsonNode, String> key, Function<String, TreeSum.Rule> rules,
                           Comparator<JsonNode> order, int top) {
        Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
        for (JsonNode list : lists) {
            for (JsonNode entry : list) {
                groups.computeIfAbsent(key.apply(entry), k -> new ArrayList<>()).add(entry);
            }
        }
        List<JsonNode> merged = new ArrayList<>();
        for (List<JsonNode> group : groups.values()) {
            merged.add(TreeSum.merge(group, rules));
        }
        merged.sort(order);
        ArrayNode out = NODES.arrayNode();
        merged.stream().limit(top).forEach(out::add);
        return out;
    }

    /** The identity of a site or cluster: its frames, as JSON text ({@code null} for "not sampled"). */
    static String framesKey(JsonNode entry) {
        JsonNode frames = entry.get("frames");
        return frames == null ? "null" : frames.toString();
    }

    /** The {@code totalNs} of the entry's time charge ({@code blocked}, {@code wakeToRun}, ...), 0 if none. */
    private static long chargedNanos(JsonNode entry) {
        for (JsonNode child : entry) {
            if (child.isObject() && child.has("totalNs")) {
                return child.path("totalNs").asLong();
            }
        }
        return 0;
    }
}

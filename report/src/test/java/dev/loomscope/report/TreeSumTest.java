package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TreeSumTest {

    private static JsonNode json(String text) throws Exception {
        return TestDumps.JSON.readTree(text.replace('\'', '"'));
    }

    private static JsonNode merge(JsonNode... nodes) {
        return TreeSum.merge(Arrays.asList(nodes), field -> switch (field) {
            case "id" -> TreeSum.Rule.SAME;
            case "longest" -> TreeSum.Rule.MAX;
            default -> TreeSum.Rule.SUM;
        });
    }

    @Test
    void numbersByRuleBooleansOrStringsIfAllAgree() throws Exception {
        JsonNode a = json("{'n': 1, 'id': 7, 'longest': 5, 'on': false, 'name': 'x', 'k': {'park': 1}, 'l': ['G1']}");
        JsonNode b = json("{'n': 2, 'id': 7, 'longest': 9, 'on': true, 'name': 'x', 'k': {'sleep': 2},"
                + " 'l': ['G1', 'ZGC']}");
        assertEquals(json("{'n': 3, 'id': 7, 'longest': 9, 'on': true, 'name': 'x', 'k': {'park': 1, 'sleep': 2},"
                + " 'l': ['G1', 'ZGC']}").toString(), merge(a, b).toString());
        JsonNode c = json("{'n': 4, 'id': 8, 'name': 'y'}");
        assertEquals(json("{'n': 7, 'longest': 9, 'on': true, 'k': {'park': 1, 'sleep': 2}, 'l': ['G1', 'ZGC']}")
                .toString(), merge(a, b, c).toString(), "id and name disagree: left out");
    }

    @Test
    void aFieldSomeInputLacksIsNotClaimedForIt() throws Exception {
        JsonNode a = json("{'id': 7, 'name': 'x', 'n': 1}");
        JsonNode b = json("{'n': 1}");
        assertEquals("{\"n\":2}", merge(a, b).toString());
        assertEquals(merge(merge(a, a), b).toString(), merge(a, merge(a, b)).toString(),
                "associative also with absent fields");
        assertNull(TreeSum.merge(List.of(), TreeSum.SUM_ALL));
    }
}

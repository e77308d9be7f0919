package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergeRulesTest {
    /** One input's values: a count, an identity, an extreme, a flag, a name, counts by kind, a list of names. */
    private record Input(long n, Long id, long longest, boolean on, String name, Map<String, Long> k,
                         List<String> l) {
    }

    private static Map<String, Long> counts(Object... nameCountPairs) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < nameCountPairs.length; i += 2) {
            map.put((String) nameCountPairs[i], ((Number) nameCountPairs[i + 1]).longValue());
        }
        return map;
    }

    private static Input merge(Input... inputs) {
        List<Input> all = Arrays.asList(inputs);
        return new Input(MergeRules.sum(all, Input::n), MergeRules.same(all, Input::id),
                MergeRules.max(all, Input::longest), MergeRules.any(all, Input::on), MergeRules.same(all, Input::name),
                MergeRules.sumByName(all, Input::k), MergeRules.union(all, Input::l));
    }

    @Test
    void numbersByRuleFlagsOrNamesIfAllAgree() {
        Input a = new Input(1, 7L, 5, false, "x", counts("park", 1), List.of("G1"));
        Input b = new Input(2, 7L, 9, true, "x", counts("sleep", 2), List.of("G1", "ZGC"));
        assertEquals(new Input(3, 7L, 9, true, "x", counts("park", 1, "sleep", 2), List.of("G1", "ZGC")),
                merge(a, b));
        Input c = new Input(4, 8L, 0, false, "y", null, null);
        assertEquals(new Input(7, null, 9, true, null, counts("park", 1, "sleep", 2), List.of("G1", "ZGC")),
                merge(a, b, c), "id and name disagree: left out");
    }

    @Test
    void aValueSomeInputLacksIsNotClaimedForIt() {
        Input a = new Input(1, 7L, 0, false, "x", null, null);
        Input b = new Input(1, null, 0, false, null, null, null);
        Input merged = merge(a, b);
        assertNull(merged.id());
        assertNull(merged.name());
        assertNull(merged.k(), "no input has counts by kind: none in the merge");
        assertEquals(merge(merge(a, a), b), merge(a, merge(a, b)), "associative also with absent values");
        assertNull(MergeRules.same(Arrays.asList(a, null), Input::name), "an input without the section lacks it");
    }

    @Test
    void presentValuesAndTotalsOfWhatIsPresent() {
        List<Input> all = Arrays.asList(new Input(1, 7L, 0, false, "x", null, null), null,
                new Input(2, null, 0, false, null, null, null));
        assertEquals(List.of(7L), MergeRules.present(all, Input::id));
        assertEquals(7L, MergeRules.sumOfPresent(all, Input::id));
        assertNull(MergeRules.sumOfPresent(all, input -> null));
        assertTrue(MergeRules.present(List.of(), Input::id).isEmpty());
        assertFalse(MergeRules.any(List.<Input>of(), Input::on));
    }
}

package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Merges JSON trees field by field, the way totals of several JVMs combine: numbers add up (or take the largest, or
 * must agree, as the field's {@link Rule} says), booleans are or-ed, strings are kept when every input has the same,
 * lists of strings are united. A field one input lacks counts as 0 / false for numbers and booleans, and as a
 * disagreement for strings: so a field is never claimed for inputs that did not have it.
 * <p>
 * Every rule is associative, and so is the whole merge: merging (a, b) and then c gives what merging a with (b, c)
 * gives, which is what lets a fleet be merged in any grouping.
 */
final class TreeSum {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** How a numeric field combines. */
    enum Rule {
        /** Totals: counts, nanoseconds spent. */
        SUM,
        /** Extremes: the longest slice, the oldest leaked thread, an upper bound of a percentile. */
        MAX,
        /** Identities (a column, a thread id): kept when all inputs agree, left out otherwise. */
        SAME
    }

    /** Numbers add up everywhere. */
    static final Function<String, Rule> SUM_ALL = field -> Rule.SUM;

    private TreeSum() {
    }

    /**
     * @param nodes one per input; {@code null} or a missing node where an input lacks the field
     * @param rules the rule of a numeric field, by its name
     * @return the merged tree, or {@code null} when the field is to be left out
     */
    static JsonNode merge(List<JsonNode> nodes, Function<String, Rule> rules) {
        return merge(nodes, rules, "");
    }

    private static JsonNode merge(List<JsonNode> nodes, Function<String, Rule> rules, String field) {
        List<JsonNode> present = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (n != null && !n.isMissingNode() && !n.isNull()) {
                present.add(n);
            }
        }
        if (present.isEmpty()) {
            return null;
        }
        boolean everyInput = present.size() == nodes.size();
        if (present.stream().allMatch(JsonNode::isObject)) {
            Set<String> keys = new LinkedHashSet<>();
            present.forEach(n -> n.fieldNames().forEachRemaining(keys::add));
            ObjectNode merged = NODES.objectNode();
            for (String key : keys) {
                List<JsonNode> children = new ArrayList<>();
                for (JsonNode n : nodes) {
                    children.add(n == null ? null : n.get(key));
                }
                JsonNode child = merge(children, rules, key);
                if (child != null) {
                    merged.set(key, child);
                }
            }
            return merged;
        }
        if (present.stream().allMatch(JsonNode::isNumber)) {
            return number(present, everyInput, rules.apply(field));
        }
        if (present.stream().allMatch(JsonNode::isBoolean)) {
            return NODES.booleanNode(present.stream().anyMatch(JsonNode::asBoolean));
        }
        if (present.stream().allMatch(n -> n.isArray() && allText(n))) {
            Set<String> union = new LinkedHashSet<>();
            present.forEach(n -> n.forEach(s -> union.add(s.asText())));
            ArrayNode array = NODES.arrayNode();
            union.forEach(array::add);
            return array;
        }
        return everyInput && present.stream().allMatch(present.get(0)::equals) ? present.get(0).deepCopy() : null;
    }

    private static JsonNode number(List<JsonNode> present, boolean everyInput, Rule rule) {
        boolean integral = present.stream().allMatch(JsonNode::isIntegralNumber);
        switch (rule) {
            case SAME -> {
                // By value: 7 read as an int and 7 written as a long are the same thread id.
                boolean agree = integral ? present.stream().allMatch(n -> n.asLong() == present.get(0).asLong())
                        : present.stream().allMatch(n -> n.asDouble() == present.get(0).asDouble());
                return everyInput && agree ? present.get(0) : null;
            }
            case MAX -> {
                return integral ? NODES.numberNode(present.stream().mapToLong(JsonNode::asLong).max().orElseThrow())
                        : NODES.numberNode(present.stream().mapToDouble(JsonNode::asDouble).max().orElseThrow());
            }
            default -> {
                return integral ? NODES.numberNode(present.stream().mapToLong(JsonNode::asLong).sum())
                        : NODES.numberNode(present.stream().mapToDouble(JsonNode::asDouble).sum());
            }
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }
}

package dev.loomscope.report;

import dev.loomscope.format.Sites;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * How the values of several JVMs' dumps combine in a merge: totals add up, extremes take the largest, flags are or-ed,
 * lists of names are united, identities and descriptions are kept only when every input has the same. A value no
 * input has stays absent ({@code null}), and a value one input lacks is never claimed for it: an identity some input
 * lacks is left out.
 * <p>
 * Every rule is associative, and so is the whole merge: merging (a, b) and then c gives what merging a with (b, c)
 * gives, which is what lets a fleet be merged in any grouping.
 */
final class MergeRules {
    private MergeRules() {
    }

    /** The values the inputs that have one have ({@code null} where an input lacks the section or field). */
    static <T, V> List<V> present(List<T> inputs, Function<T, V> value) {
        List<V> values = new ArrayList<>();
        for (T input : inputs) {
            V v = input == null ? null : value.apply(input);
            if (v != null) {
                values.add(v);
            }
        }
        return values;
    }

    /** Totals: counts, nanoseconds spent. */
    static <T> long sum(List<T> inputs, ToLongFunction<T> value) {
        long sum = 0;
        for (T input : inputs) {
            sum += value.applyAsLong(input);
        }
        return sum;
    }

    /** A total that inputs may lack: {@code null} if none has it. */
    /** The largest of the values present (the coarsest of several resolutions), or null if none is. */
    static <T> Long maxOfPresent(List<T> inputs, Function<T, Long> value) {
        return inputs.stream().map(value).filter(java.util.Objects::nonNull).max(Long::compare).orElse(null);
    }

    static <T> Long sumOfPresent(List<T> inputs, Function<T, Long> value) {
        List<Long> values = present(inputs, value);
        return values.isEmpty() ? null : sum(values, Long::longValue);
    }

    /** Extremes: the longest slice, the oldest leaked thread, an upper bound of a percentile. */
    static <T> long max(List<T> inputs, ToLongFunction<T> value) {
        return inputs.stream().mapToLong(value).max().orElse(0);
    }

    /** Flags: true if any input says so. */
    static <T> boolean any(List<T> inputs, Predicate<T> value) {
        return inputs.stream().anyMatch(value);
    }

    /** Identities and descriptions: the value every input has, or {@code null} if they differ or one lacks it. */
    static <T, V> V same(List<T> inputs, Function<T, V> value) {
        V first = null;
        for (T input : inputs) {
            V v = input == null ? null : value.apply(input);
            if (v == null || (first != null && !first.equals(v))) {
                return null;
            }
            first = v;
        }
        return first;
    }

    /** Lists of names (collectors, hooks): every name of every input, once, in first-seen order. */
    static <T> List<String> union(List<T> inputs, Function<T, List<String>> value) {
        List<List<String>> lists = present(inputs, value);
        if (lists.isEmpty()) {
            return null;
        }
        Set<String> union = new LinkedHashSet<>();
        lists.forEach(union::addAll);
        return List.copyOf(union);
    }

    /**
     * Counts by key, as {@code [key, count]} pairs (a site's latency buckets): added key by key, the non-zero keys in
     * key order.
     */
    static long[][] cells(List<long[][]> inputs) {
        TreeMap<Long, Long> sum = new TreeMap<>();
        for (long[][] cells : inputs) {
            for (long[] cell : cells) {
                sum.merge(cell[0], cell[1], Long::sum);
            }
        }
        return sum.entrySet().stream().filter(e -> e.getValue() != 0)
                .map(e -> new long[]{e.getKey(), e.getValue()}).toArray(long[][]::new);
    }

    /**
     * A site's charges in several dumps, added: counts and totals add up; when every one has its latency buckets,
     * they add bucket by bucket ({@link #cells}) and {@code p99Ns} is that of the pooled buckets (exact to a bucket,
     * as in one JVM's dump); otherwise there are no buckets and {@code p99Ns} is the largest (an upper bound).
     * {@code null} for none.
     */
    static Sites.Charges charges(List<Sites.Charges> charges) {
        if (charges.isEmpty()) {
            return null;
        }
        long count = sum(charges, Sites.Charges::count);
        long totalNs = sum(charges, Sites.Charges::totalNs);
        List<long[][]> buckets = present(charges, Sites.Charges::buckets);
        return buckets.size() == charges.size() ? Sites.Charges.of(count, totalNs, cells(buckets))
                : new Sites.Charges(count, totalNs, max(charges, Sites.Charges::p99Ns));
    }

    /** Counts by name (by block kind, by event kind): added name by name, names in first-seen order. */
    static <T> Map<String, Long> sumByName(List<T> inputs, Function<T, Map<String, Long>> value) {
        List<Map<String, Long>> maps = present(inputs, value);
        if (maps.isEmpty()) {
            return null;
        }
        Map<String, Long> sum = new LinkedHashMap<>();
        maps.forEach(map -> map.forEach((name, count) -> sum.merge(name, Objects.requireNonNullElse(count, 0L),
                Long::sum)));
        return sum;
    }
}

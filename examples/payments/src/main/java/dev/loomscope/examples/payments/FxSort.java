package dev.loomscope.examples.payments;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders items by their value in EUR, largest first, where each item's value needs a blocking lookup (a historical
 * FX rate over HTTP), looked up once per item.
 *
 * <p>Two ways, switched by {@link Pathology#PINNING}: in Java ({@link List#sort}, values looked up first), or the
 * pinned path, where the lookups happen inside the comparison while the thread cannot unmount. This is the JDK 21
 * version of the class: the pinned path sorts inside a {@code synchronized} block, which pins a virtual thread that
 * parks there on JDK 21–23 (not on JDK 24+, JEP 491). A JDK 22+ build adds, in {@code META-INF/versions/22} of the
 * jar, the version that sorts with libc {@code qsort} through the FFM API and looks up inside the comparator upcall:
 * a native frame on the stack pins on every JDK.
 */
final class FxSort {
    /** An item's value in EUR; may block (HTTP). */
    interface Value<T> {
        double eur(T item) throws Exception;
    }

    private FxSort() {
    }

    /** How the pinned path pins on this build and JDK, for the startup line. */
    static String pinnedPathDescription() {
        return Runtime.version().feature() <= 23
                ? "sort inside synchronized (pins on JDK 21-23)"
                : "sort inside synchronized: does NOT pin on JDK " + Runtime.version().feature()
                  + " (this jar was built without the JDK 22+ FFM version; build with JDK 22+)";
    }

    /** Sorts {@code items} by value, largest first; returns the values in the new order. */
    static <T> double[] sortByEurDescending(List<T> items, Value<T> value, boolean pinnedPath) throws Exception {
        int n = items.size();
        double[] values = new double[n];
        if (!pinnedPath) {
            for (int i = 0; i < n; i++) {
                values[i] = value.eur(items.get(i));
            }
            return reorder(items, values, java.util.stream.IntStream.range(0, n).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> values[i]).reversed()).toList());
        }
        Lazy<T> lazy = new Lazy<>(items, value);
        List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, n).boxed().toList());
        synchronized (lazy) {
            order.sort((a, b) -> Double.compare(lazy.get(b), lazy.get(a)));
        }
        if (lazy.failure != null) {
            throw lazy.failure;
        }
        for (int i = 0; i < n; i++) {
            values[i] = lazy.get(i);
        }
        return reorder(items, values, order);
    }

    private static <T> double[] reorder(List<T> items, double[] values, List<Integer> order) {
        List<T> copy = List.copyOf(items);
        double[] sorted = new double[values.length];
        for (int i = 0; i < order.size(); i++) {
            items.set(i, copy.get(order.get(i)));
            sorted[i] = values[order.get(i)];
        }
        return sorted;
    }

    /** Values looked up on first use; a failure is kept (a comparison cannot throw it) and rethrown after the sort. */
    static final class Lazy<T> {
        private final List<T> items;
        private final Value<T> value;
        private final double[] values;
        private final boolean[] known;
        Exception failure;

        Lazy(List<T> items, Value<T> value) {
            this.items = items;
            this.value = value;
            this.values = new double[items.size()];
            this.known = new boolean[items.size()];
        }

        double get(int i) {
            if (!known[i]) {
                known[i] = true;
                try {
                    values[i] = value.eur(items.get(i));
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
            return values[i];
        }
    }
}

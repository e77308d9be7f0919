package dev.loomscope.examples.payments;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Orders items by their value in EUR, largest first, where each item's value needs a blocking lookup (a historical
 * FX rate over HTTP), looked up once per item.
 *
 * <p>Two ways, switched by {@link Pathology#PINNING}: in Java ({@link List#sort}, values looked up first), or the
 * pinned path: libc {@code qsort} (through the FFM API) sorts the items' indices with a Java comparator called back
 * as an upcall, and the comparator looks values up on first use. While {@code qsort} is on the stack the virtual
 * thread has a native frame and cannot unmount, so each lookup's park is a pinned park: the carrier itself waits for
 * the HTTP response. It pins on every JDK, including 24+ where {@code synchronized} no longer does.
 *
 * <p>This is the JDK 22+ version (release 22, {@code META-INF/versions/22} of the multi-release jar). The downcall
 * needs native access: the jar's manifest has {@code Enable-Native-Access: ALL-UNNAMED} for {@code java -jar};
 * with {@code -cp}, pass {@code --enable-native-access=ALL-UNNAMED} (otherwise JDK 22+ prints a warning once).
 */
final class FxSort {
    /** An item's value in EUR; may block (HTTP). */
    interface Value<T> {
        double eur(T item) throws Exception;
    }

    private static final ValueLayout.OfInt INDEX = ValueLayout.JAVA_INT;
    /** The sort of the current thread, for the comparator upcall (one static stub serves every thread). */
    private static final ThreadLocal<Lazy<?>> CURRENT = new ThreadLocal<>();
    private static final MethodHandle QSORT = qsort();
    private static final MemorySegment COMPARATOR = comparator();

    /** {@code void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *))}. */
    @SuppressWarnings("restricted") // native access: see the class comment
    private static MethodHandle qsort() {
        Linker linker = Linker.nativeLinker();
        MemoryLayout sizeT = linker.canonicalLayouts().get("size_t");
        return linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, sizeT, sizeT, ValueLayout.ADDRESS));
    }

    /** The upcall stub of {@link #compare}, for the life of the JVM (one serves every thread). */
    @SuppressWarnings("restricted")
    private static MemorySegment comparator() {
        try {
            MethodHandle compare = MethodHandles.lookup().findStatic(FxSort.class, "compare",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            // Pointer parameters sized to one index, so the comparator can read them without reinterpret().
            ValueLayout pointer = ValueLayout.ADDRESS.withTargetLayout(INDEX);
            return Linker.nativeLinker().upcallStub(compare,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, pointer, pointer), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private FxSort() {
    }

    /** How the pinned path pins on this build and JDK, for the startup line. */
    static String pinnedPathDescription() {
        return "libc qsort via FFM with a blocking upcall comparator (pins on every JDK)";
    }

    /** Sorts {@code items} by value, largest first; returns the values in the new order. */
    static <T> double[] sortByEurDescending(List<T> items, Value<T> value, boolean pinnedPath) throws Exception {
        int n = items.size();
        double[] values = new double[n];
        if (!pinnedPath) {
            for (int i = 0; i < n; i++) {
                values[i] = value.eur(items.get(i));
            }
            return reorder(items, values, IntStream.range(0, n).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> values[i]).reversed()).toList());
        }
        Lazy<T> lazy = new Lazy<>(items, value);
        int[] order = new int[n];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment indices = arena.allocate(INDEX, n);
            for (int i = 0; i < n; i++) {
                indices.setAtIndex(INDEX, i, i);
            }
            CURRENT.set(lazy);
            try {
                QSORT.invokeExact(indices, (long) n, INDEX.byteSize(), COMPARATOR);
            } catch (Throwable t) {
                throw t instanceof Exception e ? e : new IllegalStateException(t);
            } finally {
                CURRENT.remove();
            }
            for (int i = 0; i < n; i++) {
                order[i] = indices.getAtIndex(INDEX, i);
            }
        }
        if (lazy.failure != null) {
            throw lazy.failure;
        }
        for (int i = 0; i < n; i++) {
            values[i] = lazy.get(i);
        }
        return reorder(items, values, IntStream.of(order).boxed().toList());
    }

    /**
     * The comparator {@code qsort} calls back: larger value first. It must not throw (an exception escaping an upcall
     * ends the JVM), so a failed lookup is kept for the caller and the comparison answers 0.
     */
    static int compare(MemorySegment a, MemorySegment b) {
        try {
            Lazy<?> lazy = CURRENT.get();
            return Double.compare(lazy.get(b.get(INDEX, 0)), lazy.get(a.get(INDEX, 0)));
        } catch (Throwable t) {
            return 0;
        }
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

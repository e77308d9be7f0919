package dev.loomscope.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The worst few events of one kind of one operation (the longest wake-to-run latencies, blocks or slices), with what
 * identifies them outside Loomscope: when they began, the thread, and the trace id of the scope they ran in. The
 * {@link #KEPT} longest are kept; an event no longer than all of them costs one comparison.
 * <p>
 * Drain thread only.
 */
final class Exemplars {
    /** Events kept per kind and operation. */
    static final int KEPT = 5;

    /**
     * One event.
     *
     * @param startEpochNanos when it began (the wake, the block, the mount)
     * @param traceId         the trace id of the thread's scope then, null if none or lost
     * @param site            its sampled or walked site ({@link SiteTable#NONE} if none)
     */
    record Exemplar(long durationNanos, long startEpochNanos, long threadId, String traceId, int site) {
    }

    private final Exemplar[] kept = new Exemplar[KEPT];
    private int size;
    /** The shortest duration kept once full: what a new event must exceed. */
    private long floorNanos = -1;

    /** Whether an event of {@code durationNanos} would be kept: decide before looking up what it needs. */
    boolean qualifies(long durationNanos) {
        return durationNanos > floorNanos;
    }

    void offer(Exemplar exemplar) {
        if (!qualifies(exemplar.durationNanos())) {
            return;
        }
        if (size < KEPT) {
            kept[size++] = exemplar;
        } else {
            int shortest = 0;
            for (int i = 1; i < KEPT; i++) {
                if (kept[i].durationNanos() < kept[shortest].durationNanos()) {
                    shortest = i;
                }
            }
            kept[shortest] = exemplar;
        }
        if (size == KEPT) {
            long floor = Long.MAX_VALUE;
            for (Exemplar e : kept) {
                floor = Math.min(floor, e.durationNanos());
            }
            floorNanos = floor;
        }
    }

    /** The events kept, longest first. */
    List<Exemplar> longestFirst() {
        List<Exemplar> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(kept[i]);
        }
        list.sort(Comparator.comparingLong(Exemplar::durationNanos).reversed()
                .thenComparingLong(Exemplar::startEpochNanos));
        return list;
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.Recorder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongUnaryOperator;

/**
 * Run slices at least as long as the long-slice threshold ({@link LongSlice}): all are counted and the longest kept
 * with their details. No event happens while a virtual thread keeps its carrier, so the site where such a slice spends
 * its CPU time is found by walking the thread's stack while the slice still runs ({@link #walkRunning}).
 * <p>
 * Drain thread only.
 */
final class LongSlices {
    /** Longest slices kept with their details. */
    static final int KEPT = 20;
    /** No entry in the table of mounted threads (an entry is never negative). */
    private static final long ABSENT = -1L;

    private final long thresholdNanos;
    private final int stackDepth;
    private final SiteTable sites;
    private final CarrierTable carriers;
    /** The aggregator's mounted threads, entries in {@link MountedSlice}'s layout: a walked site is noted there. */
    private final LiveThreadTable carrierOfMounted;
    private final LongUnaryOperator epochNanos;
    /** A running slice is one whose thread has been followed since it began: a shed thread may have left unseen. */
    private final SheddingHistory shedding;
    private long count;
    /** The longest finished slices, at most {@link #KEPT}, shortest at the head. */
    private final PriorityQueue<LongSlice> longest =
            new PriorityQueue<>(Comparator.comparingLong(LongSlice::durationNanos));

    /**
     * @param thresholdNanos   run slices at least this long are long slices
     * @param stackDepth       frames kept of the stacks walked here
     * @param sites            where walked stacks are interned
     * @param carriers         the carriers and their current slices
     * @param carrierOfMounted the aggregator's table of mounted threads ({@link MountedSlice})
     * @param epochNanos       turns a {@code nanoTime} into wall-clock nanoseconds since the epoch
     * @param shedding         whether a slice's thread was followed all along ({@link SheddingHistory#unbroken})
     */
    LongSlices(long thresholdNanos, int stackDepth, SiteTable sites, CarrierTable carriers,
               LiveThreadTable carrierOfMounted, LongUnaryOperator epochNanos, SheddingHistory shedding) {
        this.thresholdNanos = thresholdNanos;
        this.stackDepth = stackDepth;
        this.sites = sites;
        this.carriers = carriers;
        this.carrierOfMounted = carrierOfMounted;
        this.epochNanos = epochNanos;
        this.shedding = shedding;
    }

    long thresholdNanos() {
        return thresholdNanos;
    }

    /** Long slices finished so far, kept or not. */
    long count() {
        return count;
    }

    /**
     * A run slice ended at {@code endNanoTime} after {@code durationNanos}: counted if long, kept if among the
     * longest.
     *
     * @param site the slice's walked site ({@link SiteTable#NONE} if not walked)
     */
    void sliceEnded(long threadId, long carrierThreadId, long endNanoTime, long durationNanos, int site) {
        if (durationNanos < thresholdNanos) {
            return;
        }
        count++;
        if (longest.size() == KEPT && durationNanos <= longest.peek().durationNanos()) {
            return; // shorter than every slice kept: counted, not listed
        }
        longest.add(new LongSlice(threadId, carrierThreadId, epochNanos.applyAsLong(endNanoTime - durationNanos),
                durationNanos, site, false));
        if (longest.size() > KEPT) {
            longest.poll();
        }
    }

    /**
     * Walks the stack of every virtual thread that has kept its carrier for the threshold, once per slice, while it
     * still runs: a slice's own site (where the CPU time goes), which no event of the thread can show. Called by the
     * drain thread between batches, and by a snapshot.
     */
    void walkRunning(long nowNanoTime) {
        for (CarrierTable.CarrierStats carrier : carriers.carriers()) {
            if (carrier.runningThread != 0 && !carrier.sliceWalked
                    && nowNanoTime - carrier.sliceStartNanos >= thresholdNanos) {
                carrier.sliceWalked = true;
                if (!shedding.unbroken(carrier.runningThread, carrier.sliceStartNanos, nowNanoTime)) {
                    carrier.runningThread = 0; // shed since it mounted: it may have left unseen, its slice is unknown
                    continue;
                }
                Thread running = Recorder.mountedOn(carrier.threadId, carrier.runningThread);
                long mounted = carrierOfMounted.get(carrier.runningThread, ABSENT);
                if (running != null && mounted != ABSENT) {
                    carrier.sliceSite = walk(running);
                    if (carrier.sliceSite != SiteTable.NONE) {
                        carrierOfMounted.put(carrier.runningThread, MountedSlice.withSite(mounted, carrier.sliceSite));
                    }
                }
            }
        }
    }

    /**
     * The site where {@code thread} runs now ({@link SiteTable#NONE} if it has no stack: it ended meanwhile).
     * {@link Thread#getStackTrace()} of a mounted virtual thread is a handshake with its carrier.
     */
    int walk(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        return stack.length > 0 ? sites.intern(stack, stackDepth) : SiteTable.NONE;
    }

    /**
     * The longest finished slices and every slice still running for at least the threshold at {@code nowNanoTime}
     * (ongoing, with its duration so far), longest first. Walk the running ones first ({@link #walkRunning}).
     */
    List<LongSlice> longest(long nowNanoTime) {
        List<LongSlice> slices = new ArrayList<>(longest);
        for (CarrierTable.CarrierStats carrier : carriers.carriers()) {
            long running = nowNanoTime - carrier.sliceStartNanos;
            if (carrier.runningThread != 0 && running >= thresholdNanos
                    && shedding.unbroken(carrier.runningThread, carrier.sliceStartNanos, nowNanoTime)) {
                slices.add(new LongSlice(carrier.runningThread, carrier.threadId,
                        epochNanos.applyAsLong(carrier.sliceStartNanos), running, carrier.sliceSite, true));
            }
        }
        slices.sort(Comparator.comparingLong(LongSlice::durationNanos).reversed());
        return slices;
    }
}

package dev.loomscope.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The carrier threads seen so far, each with a dense column index for the activity heatmaps, and per-carrier
 * statistics. Column 0 is "other": events caused by threads that are neither carriers nor virtual threads mounted on
 * one (the main thread creating virtual threads, the timer thread waking sleepers).
 * Drain thread only.
 */
final class CarrierTable {
    static final int OTHER = 0;

    /** Carrier thread id → column; a primitive table: looked up for every event, boxing would allocate. */
    private final LiveThreadTable columnByThreadId = new LiveThreadTable();
    private final List<CarrierStats> stats = new ArrayList<>(List.of(new CarrierStats(0)));

    /** The column of carrier {@code carrierThreadId}, assigning the next one on first sight. */
    int column(long carrierThreadId) {
        if (carrierThreadId == 0) {
            return OTHER;
        }
        int column = (int) columnByThreadId.get(carrierThreadId, -1);
        if (column < 0) {
            column = stats.size();
            columnByThreadId.put(carrierThreadId, column);
            stats.add(new CarrierStats(carrierThreadId));
        }
        return column;
    }

    /** The column of {@code threadId} if it is a known carrier, else -1. */
    int columnIfCarrier(long threadId) {
        return (int) columnByThreadId.get(threadId, -1);
    }

    CarrierStats stats(int column) {
        return stats.get(column);
    }

    /** Carriers (row 0 excluded), for scans. */
    List<CarrierStats> carriers() {
        return stats.subList(1, stats.size());
    }

    /**
     * Per-carrier totals at {@code nowNanoTime}; row 0 ("other") is left out. A carrier is mounted now if its current
     * slice's thread has been followed since the slice began: a thread shed meanwhile may have left unrecorded.
     */
    List<Snapshot.Carrier> snapshot(long nowNanoTime, SheddingHistory shedding) {
        List<Snapshot.Carrier> carriers = new ArrayList<>();
        for (int c = 1; c < stats.size(); c++) {
            CarrierStats s = stats.get(c);
            long idle = s.idleNanos + (s.idleSince != 0 ? Math.max(0, nowNanoTime - s.idleSince) : 0);
            carriers.add(new Snapshot.Carrier(c, s.threadId, s.mounts, s.busyNanos, idle, s.longestSliceNanos,
                    s.runningThread != 0 && shedding.unbroken(s.runningThread, s.sliceStartNanos, nowNanoTime)));
        }
        return carriers;
    }

    /** What one carrier did. Busy time is the sum of its finished run slices. */
    static final class CarrierStats {
        final long threadId;
        long mounts;
        long busyNanos;
        long longestSliceNanos;
        long idleNanos;
        /** nanoTime when the carrier went idle, 0 when active. */
        long idleSince;
        /** Virtual thread mounted now, 0 if none. */
        long runningThread;
        /** nanoTime the current slice began. */
        long sliceStartNanos;
        /** Site of the current slice, walked while it ran long; {@link SiteTable#NONE} if not (yet) walked. */
        int sliceSite;
        boolean sliceWalked;

        CarrierStats(long threadId) {
            this.threadId = threadId;
        }

        /**
         * Records of different virtual threads come from different rings, so a carrier's mounts can arrive out of
         * order: only a mount newer than the current slice becomes the current slice.
         */
        void mounted(long virtualThreadId, long nanoTime) {
            mounts++;
            if (runningThread == 0 || nanoTime - sliceStartNanos >= 0) {
                runningThread = virtualThreadId;
                sliceStartNanos = nanoTime;
                sliceSite = SiteTable.NONE;
                sliceWalked = false;
            }
        }

        void unmounted(long virtualThreadId) {
            if (runningThread == virtualThreadId) {
                runningThread = 0;
            }
        }

        void sliceEnded(long sliceNanos) {
            busyNanos += sliceNanos;
            longestSliceNanos = Math.max(longestSliceNanos, sliceNanos);
        }

        void idleBegins(long nanoTime) {
            idleSince = nanoTime;
        }

        void idleEnds(long nanoTime) {
            if (idleSince != 0) {
                idleNanos += Math.max(0, nanoTime - idleSince);
                idleSince = 0;
            }
        }
    }
}

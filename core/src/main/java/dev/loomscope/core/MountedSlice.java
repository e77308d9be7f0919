package dev.loomscope.core;

/**
 * The layout of a mounted virtual thread's entry in the aggregator's table of mounted threads: the column of the
 * carrier its current slice runs on in the low 32 bits ({@link CarrierTable#OTHER} when its mount was not seen) and,
 * once {@link LongSlices} has walked the slice's stack, that site in the high 32 bits ({@link SiteTable#NONE} before).
 * Kept per thread because only a thread's own records are ordered: another thread's mount on the same carrier may be
 * drained before this thread's unmount.
 */
final class MountedSlice {
    private MountedSlice() {
    }

    /** The entry of a slice that has just begun on carrier column {@code column}. */
    static long on(int column) {
        return column;
    }

    static int column(long entry) {
        return (int) entry;
    }

    static int site(long entry) {
        return (int) (entry >>> 32);
    }

    static long withSite(long entry, int site) {
        return (long) site << 32 | column(entry);
    }
}

package dev.loomscope.core;

/**
 * Live virtual threads blocked for at least the leak threshold at one sampled block site, at a snapshot
 * ({@link LeakClusters}). A value: the array is its own copy, read only.
 */
final class LeakCluster {
    /** The block site, {@link SiteTable#NONE} for blocks whose stack was not sampled. */
    final int site;
    final long threads;
    /** The longest of their blocks so far. */
    final long oldestNanos;
    /** Threads by {@link dev.loomscope.bootstrap.BlockKind}. */
    final long[] byKind;

    LeakCluster(int site, long threads, long oldestNanos, long[] byKind) {
        this.site = site;
        this.threads = threads;
        this.oldestNanos = oldestNanos;
        this.byKind = byKind.clone();
    }
}

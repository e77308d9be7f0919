package dev.loomscope.core;

import dev.loomscope.bootstrap.SampleRing;
import dev.loomscope.bootstrap.SitePurpose;
import dev.loomscope.bootstrap.StackSample;

import java.util.List;

/**
 * Charges what happened to sampled call sites: a create site at once; a block or wake site once the record it
 * precedes (in the same ring) arrives and the latency that record ends is known.
 * <p>
 * A SAMPLE record comes before the BLOCK, PINNED_BLOCK or SUBMIT it describes. Until then, and until the latency ends,
 * the site waits in {@link #sitesOfThread}, per thread: the site of the block being entered (sampled in
 * {@code afterYield} or {@code parkOnCarrierThread}, right before the BLOCK or PINNED_BLOCK record), of the block in
 * progress, and of the wake awaiting its mount.
 * The aggregator marks such a thread ({@link ThreadState#HAS_SITES}) and only then calls the methods that look it up,
 * so threads without samples never probe this table.
 * <p>
 * Drain thread only.
 */
final class SiteAttribution {
    // Site ids of one thread, packed into one long of sitesOfThread.
    private static final int SITE_BITS = 21;
    private static final long SITE_MASK = (1L << SITE_BITS) - 1;
    private static final int PENDING_BLOCK_SITE = 0;
    private static final int BLOCK_SITE = SITE_BITS;
    private static final int WAKE_SITE = 2 * SITE_BITS;

    private final SiteTable sites;
    /** Where sampled stacks come from, or null when sampling is off. */
    private final SampleRing samples;
    private final LiveThreadTable sitesOfThread = new LiveThreadTable();
    private long samplesTaken;
    private long samplesLost;

    /**
     * @param sites   where the sites are interned and charged
     * @param samples where sampled stacks come from, or null when sampling is off
     */
    SiteAttribution(SiteTable sites, SampleRing samples) {
        this.sites = sites;
        this.samples = samples;
    }

    /**
     * A SAMPLE record: a create site is charged at once; a block or wake site waits for the record it precedes.
     *
     * @param arg the record's argument: the sample's sequence number and its {@link SitePurpose}
     * @return whether a site now waits for the thread (the caller marks it {@link ThreadState#HAS_SITES})
     */
    boolean sampled(long threadId, long arg) {
        StackSample sample = samples == null ? null : samples.take(arg >>> SitePurpose.BITS);
        if (sample == null) {
            samplesLost++;
            return false;
        }
        samplesTaken++;
        int site = sites.intern(sample.frames());
        int purpose = (int) (arg & ((1 << SitePurpose.BITS) - 1));
        if (purpose == SitePurpose.CREATE) {
            sites.get(site).created();
            return false;
        }
        put(threadId, purpose == SitePurpose.BLOCK ? PENDING_BLOCK_SITE : WAKE_SITE, site);
        return true;
    }

    /** A block of {@code blockKind} begins: the pending block site (if any) becomes the site of the block. */
    void blockBegan(long threadId, int blockKind) {
        int site = take(threadId, PENDING_BLOCK_SITE);
        if (site != SiteTable.NONE) {
            sites.get(site).blockBegan(blockKind);
            put(threadId, BLOCK_SITE, site);
        }
    }

    /** A pinned park begins: the pending block site (if any) becomes the site of the block. */
    void pinnedParkBegan(long threadId) {
        int site = take(threadId, PENDING_BLOCK_SITE);
        if (site != SiteTable.NONE) {
            sites.get(site).pinnedBlockBegan(PinnedKind.PARK);
            put(threadId, BLOCK_SITE, site);
        }
    }

    /** A pinned block the JVM reported whole, with its stack: charged at once. */
    void reportedPinnedBlock(List<String> frames, int pinnedKind, long nanos) {
        SiteTable.SiteStats site = sites.get(sites.intern(frames));
        site.pinnedBlockBegan(pinnedKind);
        site.pinned(nanos);
    }

    /**
     * An unpinned block ended after {@code nanos}: charged to its site.
     *
     * @return the site, {@link SiteTable#NONE} if the block was not sampled
     */
    int blockEnded(long threadId, long nanos) {
        int site = take(threadId, BLOCK_SITE);
        if (site != SiteTable.NONE) {
            sites.get(site).blocked(nanos);
        }
        return site;
    }

    /** A pinned block ended after {@code nanos}: charged to its site. */
    void pinnedBlockEnded(long threadId, long nanos) {
        int site = take(threadId, BLOCK_SITE);
        if (site != SiteTable.NONE) {
            sites.get(site).pinned(nanos);
        }
    }

    /** A woken thread is mounted {@code nanos} after its wake: charged to the wake's site. */
    void wokenThreadRan(long threadId, long nanos) {
        int site = take(threadId, WAKE_SITE);
        if (site != SiteTable.NONE) {
            sites.get(site).wokeToRun(nanos);
        }
    }

    /** The site of the thread's block in progress, {@link SiteTable#NONE} if not sampled. */
    int blockSite(long threadId) {
        return (int) (sitesOfThread.get(threadId, 0L) >>> BLOCK_SITE & SITE_MASK);
    }

    /** The thread ended: whatever still waits for it is dropped. */
    void threadEnded(long threadId) {
        sitesOfThread.remove(threadId, 0L);
    }

    long samplesTaken() {
        return samplesTaken;
    }

    long samplesLost() {
        return samplesLost;
    }

    private void put(long threadId, int slot, int site) {
        long packed = sitesOfThread.get(threadId, 0L);
        sitesOfThread.put(threadId, (packed & ~(SITE_MASK << slot)) | (long) site << slot);
    }

    /** Removes and returns the site in {@code slot} of the thread's sites (NONE if none). */
    private int take(long threadId, int slot) {
        long packed = sitesOfThread.get(threadId, 0L);
        int site = (int) (packed >>> slot & SITE_MASK);
        if (site != SiteTable.NONE) {
            long rest = packed & ~(SITE_MASK << slot);
            if (rest == 0) {
                sitesOfThread.remove(threadId, 0L);
            } else {
                sitesOfThread.put(threadId, rest);
            }
        }
        return site;
    }
}

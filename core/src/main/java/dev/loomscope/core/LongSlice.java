package dev.loomscope.core;

/**
 * A run slice at least as long as the long-slice threshold: a virtual thread kept its carrier (virtual threads are
 * never preempted), and every thread queued behind it waited.
 *
 * @param site    where the thread was running while the slice was long ({@link SiteTable#NONE} if not walked)
 * @param ongoing still running at the dump (duration so far)
 */
record LongSlice(long threadId, long carrierThreadId, long startEpochNanos, long durationNanos, int site,
                 boolean ongoing) {
}

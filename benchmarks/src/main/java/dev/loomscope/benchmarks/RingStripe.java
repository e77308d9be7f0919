package dev.loomscope.benchmarks;

/** Which ring the recorder puts a virtual thread's records in. */
public final class RingStripe {
    private RingStripe() {
    }

    /**
     * A copy of the stripe in {@code Recorder.record} (private there): a Fibonacci hash of the thread id, so that one
     * thread's records stay in one ring, in order, and consecutive ids land on different rings. Keep the two in step.
     *
     * @param rings a power of two
     */
    public static int of(long threadId, int rings) {
        return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 40) & (rings - 1);
    }
}

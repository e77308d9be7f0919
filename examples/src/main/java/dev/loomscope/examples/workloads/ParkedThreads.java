package dev.loomscope.examples.workloads;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The memory side of the benchmarks: {@code ParkedThreads [n] [holdMillis] [warmupRounds]} starts n virtual threads
 * (default 1,000,000) that park until released, waits until every one is parked, lets the recording catch up,
 * collects, and prints {@code heapUsedBytes=<after GC>}; then holds holdMillis (for a class histogram: {@code jcmd PID
 * GC.class_histogram}) and releases them. Run it with and without the agent: the difference per thread is what
 * Loomscope costs a parked virtual thread (docs/PERFORMANCE.md, {@code scripts/bench-memory}).
 * <p>
 * {@code warmupRounds} (default 0) rounds of {@value #WARMUP_THREADS} threads park and are released first, so that
 * the JIT has compiled the park path before the measured burst: a thread that parks in interpreted frames freezes a
 * stack chunk about five times larger than one parking in compiled frames, so without a warm-up the frozen stacks
 * measure how far compilation was when the burst came, not what the agent adds to them.
 */
public final class ParkedThreads {
    private ParkedThreads() {
    }

    private static final int WARMUP_THREADS = 100_000;

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long holdMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int warmupRounds = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        for (int round = 0; round < warmupRounds; round++) {
            release(parkAll(WARMUP_THREADS));
        }
        Thread[] threads = parkAll(n);
        Thread.sleep(2000); // the drain is behind a burst of a million creations
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        System.out.println("heapUsedBytes=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        System.out.flush();
        Thread.sleep(holdMillis);
        release(threads);
    }

    /** Starts {@code n} virtual threads that park, and returns once every one is parked. */
    private static Thread[] parkAll(int n) {
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().start(LockSupport::park);
        }
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        return threads;
    }

    private static void release(Thread[] threads) throws InterruptedException {
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}

package dev.loomscope.examples.workloads;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The memory side of the benchmarks: {@code ParkedThreads [n] [holdMillis]} starts n virtual threads (default
 * 1,000,000) that park until released, waits until every one is parked, lets the recording catch up, collects, and
 * prints {@code heapUsedBytes=<after GC>}; then holds holdMillis (for a class histogram: {@code jcmd PID
 * GC.class_histogram}) and releases them. Run it with and without the agent: the difference per thread is what
 * Loomscope costs a parked virtual thread (docs/PERFORMANCE.md).
 */
public final class ParkedThreads {
    private ParkedThreads() {
    }

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long holdMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().start(LockSupport::park);
        }
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        Thread.sleep(2000); // the drain is behind a burst of a million creations
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        System.out.println("heapUsedBytes=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        Thread.sleep(holdMillis);
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}

package dev.loomscope.agent.it.workloads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ParkedUntilStopped <stopFile> <threads> <warmupRounds>}: warms the park path up ({@code warmupRounds} rounds
 * of 50,000 virtual threads that park and are released, so that it runs compiled), then parks {@code threads} virtual
 * threads, prints {@code parked} and keeps them parked until {@code stopFile} exists.
 */
public final class ParkedUntilStopped {
    private static final int WARMUP_THREADS = 50_000;

    private ParkedUntilStopped() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Path.of(args[0]);
        for (int round = 0; round < Integer.parseInt(args[2]); round++) {
            release(parkAll(WARMUP_THREADS));
        }
        Thread[] parked = parkAll(Integer.parseInt(args[1]));
        Thread.sleep(1000); // the drain catches up with the burst
        System.out.println("parked");
        System.out.flush();
        while (!Files.exists(stopFile)) {
            Thread.sleep(20);
        }
        release(parked);
    }

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

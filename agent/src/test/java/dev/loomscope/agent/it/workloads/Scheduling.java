package dev.loomscope.agent.it.workloads;

import java.util.ArrayList;
import java.util.List;

/**
 * Workloads with known scheduling latencies.
 * <ul>
 *   <li>{@code sleep20 N}: N virtual threads each sleep 20 ms once.</li>
 *   <li>{@code sleepers}: 50 virtual threads loop on 10 ms sleeps for 1.5 s.</li>
 *   <li>{@code sleepersWithHog}: the same, and a virtual thread that three times keeps its carrier for 100 ms of CPU
 *       work. Run with parallelism 1, every sleeper woken during a hog waits for the hog's slice to end: about 50
 *       wakes per hog delayed by 90–100 ms, some 2 % of all wakes. Prints {@code hog=<thread id>}.</li>
 *   <li>{@code hogs N MILLIS}: N virtual threads started at once, each keeps its carrier for MILLIS of CPU work and
 *       ends: N long slices, the first of them beginning as the JVM starts.</li>
 * </ul>
 */
public final class Scheduling {
    private Scheduling() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sleep20" -> sleepOnce(Integer.parseInt(args[1]));
            case "sleepers" -> sleepers(false);
            case "sleepersWithHog" -> sleepers(true);
            case "hogs" -> hogs(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("ok " + args[0]);
    }

    static void sleepOnce(int n) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> sleep(20)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    static void sleepers(boolean withHog) throws InterruptedException {
        long end = System.nanoTime() + 1_500_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    sleep(10);
                }
            }));
        }
        if (withHog) {
            Thread hog = Thread.ofVirtual().unstarted(() -> {
                for (int i = 0; i < 3; i++) {
                    sleep(300);
                    spin(100);
                }
            });
            hog.start();
            System.out.println("hog=" + hog.threadId());
            threads.add(hog);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    static void hogs(int n, long millis) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> spin(millis)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** CPU work without any blocking call: the carrier is not released until it ends. */
    static long spin(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < until) {
            x += x * 31 + 7;
        }
        return x;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

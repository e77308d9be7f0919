package dev.loomscope.agent.it.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts and joins a given number of virtual threads, each adding its index to a sum, prints the result and exits
 * with a given status: output and exit status an agent must leave alone.
 * <p>
 * Args: number of virtual threads, exit status.
 */
public final class CountingApp {
    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        int exitStatus = Integer.parseInt(args[1]);
        AtomicLong sum = new AtomicLong();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long index = i;
            started.add(Thread.ofVirtual().start(() -> sum.addAndGet(index)));
        }
        for (Thread thread : started) {
            thread.join();
        }
        System.out.println("virtualThreads=" + threads);
        System.out.println("sum=" + sum.get());
        System.exit(exitStatus);
    }
}

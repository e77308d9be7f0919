package dev.loomscope.agent.it.workloads;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code Leak <n> <holdMillis>}: n "notifier" virtual threads wait on a queue nobody ever feeds, next to 20 threads
 * that do short, healthy work. Main returns after the notifiers have been parked for holdMillis; they are still
 * parked at the exit dump.
 */
public final class Leak {
    private Leak() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        long holdMillis = Long.parseLong(args[1]);
        BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
        Thread[] notifiers = new Thread[n];
        for (int i = 0; i < n; i++) {
            notifiers[i] = Thread.ofVirtual().name("notifier-" + i).start(() -> awaitNotification(notifications));
        }
        for (int i = 0; i < 20; i++) {
            Thread.ofVirtual().start(() -> Scheduling.sleep(5)).join();
        }
        for (Thread t : notifiers) {
            Lifecycle.awaitState(t, Thread.State.WAITING);
        }
        Thread.sleep(holdMillis);
        System.out.println("ok leak");
    }

    static void awaitNotification(BlockingQueue<String> queue) {
        try {
            queue.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

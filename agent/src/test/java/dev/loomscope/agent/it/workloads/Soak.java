package dev.loomscope.agent.it.workloads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A long-running service for soak tests: {@code Soak <stopFile> <pairs>} keeps {@code pairs} pairs of virtual threads
 * handing a turn back and forth (the scheduler at full rate) while a platform thread creates short-lived virtual
 * threads that sleep a millisecond (churn: threads come and go all the time). Prints {@code ready}, runs until
 * {@code stopFile} exists, prints {@code stopped} and exits 0.
 */
public final class Soak {
    private static volatile boolean stop;

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Path.of(args[0]);
        int pairCount = Integer.parseInt(args[1]);
        Thread[] threads = new Thread[2 * pairCount];
        for (int i = 0; i < pairCount; i++) {
            Thread[] pair = new Thread[2];
            boolean[] pingsTurn = {true};
            pair[0] = Thread.ofVirtual().unstarted(() -> play(pingsTurn, true, pair));
            pair[1] = Thread.ofVirtual().unstarted(() -> play(pingsTurn, false, pair));
            threads[2 * i] = pair[0];
            threads[2 * i + 1] = pair[1];
            pair[0].start();
            pair[1].start();
        }
        Thread churner = Thread.ofPlatform().daemon().start(() -> {
            while (!stop) {
                try {
                    Thread.ofVirtual().start(() -> sleepMillis(1)).join();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        System.out.println("ready");
        System.out.flush();
        while (!Files.exists(stopFile)) {
            Thread.sleep(50);
        }
        stop = true;
        churner.join();
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("stopped");
    }

    /** One side of a pair: waits for its turn (re-checked after every park), then hands the turn over. */
    private static void play(boolean[] pingsTurn, boolean ping, Thread[] pair) {
        Thread other = pair[ping ? 1 : 0];
        while (!stop) {
            synchronized (pingsTurn) {
                if (pingsTurn[0] == ping) {
                    pingsTurn[0] = !ping;
                    LockSupport.unpark(other);
                    continue;
                }
            }
            LockSupport.park();
        }
        LockSupport.unpark(other);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

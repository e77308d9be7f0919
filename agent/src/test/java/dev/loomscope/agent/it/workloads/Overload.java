package dev.loomscope.agent.it.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * More transitions than a drain with a tiny ring keeps up with, and virtual threads started at a pace it does keep up
 * with (creations and ends are always recorded, so they alone must fit), for the tests of thread shedding.
 * <ul>
 *   <li>{@code sleepers THREADS SLEEPS SLEEP_MS}: every thread sleeps SLEEPS times SLEEP_MS, nothing else; one
 *   block, one wake and one mount per sleep, each block exactly SLEEP_MS long (so a latency made of two sleeps stands
 *   out); threads started 50 at a time, 10 ms apart.</li>
 *   <li>{@code pingpong PAIRS ROUNDS}: pairs of threads handing a turn back and forth ROUNDS times with
 *   park/unpark (carriers busy all the time); pairs started 10 at a time, 10 ms apart.</li>
 * </ul>
 * Prints {@code threads=N} (every virtual thread it started) and {@code ok MODE} once all have ended.
 */
public final class Overload {
    private static final int SLEEPERS_PER_BATCH = 50;
    private static final int PAIRS_PER_BATCH = 10;
    private static final long BATCH_PAUSE_MILLIS = 10;

    private Overload() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        switch (args[0]) {
            case "sleepers" -> sleepers(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Long.parseLong(args[3]), threads);
            case "pingpong" -> pingPong(Integer.parseInt(args[1]), Integer.parseInt(args[2]), threads);
            default -> throw new IllegalArgumentException(args[0]);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("threads=" + threads.size());
        System.out.println("ok " + args[0]);
    }

    private static void sleepers(int count, int sleeps, long sleepMillis, List<Thread> threads)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int s = 0; s < sleeps; s++) {
                    try {
                        Thread.sleep(sleepMillis);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
            if ((i + 1) % SLEEPERS_PER_BATCH == 0) {
                Thread.sleep(BATCH_PAUSE_MILLIS);
            }
        }
    }

    private static void pingPong(int pairs, int rounds, List<Thread> threads) throws InterruptedException {
        for (int i = 0; i < pairs; i++) {
            Pair pair = new Pair(rounds);
            pair.ping = Thread.ofVirtual().unstarted(pair::ping);
            pair.pong = Thread.ofVirtual().unstarted(pair::pong);
            pair.ping.start();
            pair.pong.start();
            threads.add(pair.ping);
            threads.add(pair.pong);
            if ((i + 1) % PAIRS_PER_BATCH == 0) {
                Thread.sleep(BATCH_PAUSE_MILLIS);
            }
        }
    }

    /**
     * Two virtual threads passing a turn back and forth, each waiting for it with park (as the PingPong benchmark):
     * ping hands the turn over {@code rounds} times, then tells pong it is done.
     */
    private static final class Pair {
        private final int rounds;
        private volatile boolean pingsTurn = true;
        private volatile boolean done;
        Thread ping;
        Thread pong;

        Pair(int rounds) {
            this.rounds = rounds;
        }

        void ping() {
            for (int round = 0; round < rounds; round++) {
                pingsTurn = false;
                LockSupport.unpark(pong);
                while (!pingsTurn) {
                    LockSupport.park(this);
                }
            }
            done = true;
            LockSupport.unpark(pong);
        }

        void pong() {
            while (true) {
                while (pingsTurn && !done) {
                    LockSupport.park(this);
                }
                if (done) {
                    return;
                }
                pingsTurn = true;
                LockSupport.unpark(ping);
            }
        }
    }
}

package dev.loomscope.agent.it.workloads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps every carrier busy with park/unpark handoffs between pairs of virtual threads, as fast as the scheduler goes:
 * more transitions per second than the agent's drain thread can take on a small machine, so that its rings stay full
 * and every dump competes with producers that refill them at once.
 * <p>
 * Usage: {@code Saturate <stopFile> <maxSeconds> [pairs]} (default 256 pairs); prints {@code ready} once the pairs run
 * and {@code stopped} with the number of handoffs at the end, then exits 0.
 */
public final class Saturate {
    private static volatile boolean stop;

    private Saturate() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Path.of(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        int pairCount = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        Pair[] pairs = new Pair[pairCount];
        for (int i = 0; i < pairCount; i++) {
            Pair pair = new Pair();
            pair.ping = Thread.ofVirtual().name("ping-" + i).unstarted(pair::ping);
            pair.pong = Thread.ofVirtual().name("pong-" + i).unstarted(pair::pong);
            pairs[i] = pair;
            pair.ping.start();
            pair.pong.start();
        }
        System.out.println("ready");
        System.out.flush();
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        stop = true;
        long handoffs = 0;
        for (Pair pair : pairs) {
            LockSupport.unpark(pair.ping);
            LockSupport.unpark(pair.pong);
            pair.ping.join();
            pair.pong.join();
            handoffs += pair.handoffs;
        }
        System.out.println("stopped after " + handoffs + " handoffs");
    }

    /** Two virtual threads passing a turn back and forth until {@link #stop}; each re-checks the turn after a park. */
    private static final class Pair {
        private volatile boolean pingsTurn = true;
        Thread ping;
        Thread pong;
        /** Written by ping only, read after join. */
        long handoffs;

        void ping() {
            while (!stop) {
                pingsTurn = false;
                LockSupport.unpark(pong);
                while (!pingsTurn && !stop) {
                    LockSupport.park(this);
                }
                handoffs++;
            }
            LockSupport.unpark(pong);
        }

        void pong() {
            while (!stop) {
                while (pingsTurn && !stop) {
                    LockSupport.park(this);
                }
                pingsTurn = true;
                LockSupport.unpark(ping);
            }
            LockSupport.unpark(ping);
        }
    }
}

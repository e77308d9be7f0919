package dev.loomscope.agent.it.workloads;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A JVM with live virtual threads for an agent to attach to: some parked on a queue, others ping-ponging with
 * {@link LockSupport} (see {@link PingPong}), and optionally short-lived ones being created all the time. Prints
 * {@code ready} once every one of them is running, then obeys commands on stdin, one per line:
 * <ul>
 *   <li>{@code spawn N}: starts N more queue-parked threads and one more ping-pong pair, waits until the new parked
 *   threads are parked and every pair has played on, then prints {@code spawned N+2}</li>
 *   <li>{@code stop} (or end of input): ends every thread, joins them, prints {@code ended T} (parked and ping-pong
 *   threads, old and new), {@code churned C} (short-lived threads, if any churners) and {@code done}, and returns from
 *   main</li>
 * </ul>
 * Args: queue-parked threads, ping-pong pairs, and optionally churners (platform threads creating short-lived virtual
 * threads one after another until stopped), all started before {@code ready}.
 */
public final class LiveThreadsApp {
    private static final Object TOKEN = new Object();
    /** Rounds every pair plays after a spawn before the spawn is acknowledged. */
    private static final long ROUNDS_AFTER_SPAWN = 1000;
    private static final long ROUNDS_PER_BREATH = 256;
    /** Iterations of the computation of a churned thread. */
    private static final int CHURN_WORK = 200_000;
    /** Where a churned thread leaves its result, so that the computation is not optimised away. */
    private static volatile long sink;

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final List<Thread> parked = new ArrayList<>();
    private final List<PingPong> pairs = new ArrayList<>();
    private final List<Thread> churners = new ArrayList<>();
    private final AtomicLong churned = new AtomicLong();
    private volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        LiveThreadsApp app = new LiveThreadsApp();
        app.startParked(Integer.parseInt(args[0]));
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
            app.pairs.add(app.new PingPong());
        }
        app.startChurners(args.length > 2 ? Integer.parseInt(args[2]) : 0);
        app.awaitRoundsPlayed(1);
        System.out.println("ready");

        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = stdin.readLine()) != null && !line.equals("stop"); ) {
            if (line.startsWith("spawn ")) {
                int count = Integer.parseInt(line.substring("spawn ".length()).trim());
                app.startParked(count);
                app.pairs.add(app.new PingPong());
                app.awaitRoundsPlayed(ROUNDS_AFTER_SPAWN);
                System.out.println("spawned " + (count + 2));
            } else {
                System.out.println("unknown command: " + line);
            }
        }
        long threads = app.stopAll();
        System.out.println("ended " + threads);
        if (!app.churners.isEmpty()) {
            System.out.println("churned " + app.churned.get());
        }
        System.out.println("done");
    }

    /** Starts virtual threads that each wait for one token, and returns once all of them are parked. */
    private void startParked(int count) throws InterruptedException {
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(Thread.ofVirtual().name("parked-" + parked.size()).start(() -> {
                try {
                    queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            parked.add(started.get(i));
        }
        for (Thread thread : started) {
            while (thread.getState() != Thread.State.WAITING) {
                Thread.sleep(1);
            }
        }
    }

    /**
     * Starts platform threads that each, until stopped, start a short virtual thread computing for a while and join
     * it: virtual threads are being created, mounted and ended at every moment, the moment of an attach included.
     */
    private void startChurners(int count) {
        for (int i = 0; i < count; i++) {
            churners.add(Thread.ofPlatform().name("churner-" + i).start(() -> {
                try {
                    while (running) {
                        Thread.ofVirtual().start(LiveThreadsApp::compute).join();
                        churned.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }

    private static void compute() {
        long x = 88172645463325252L;
        for (int i = 0; i < CHURN_WORK; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
    }

    /** Returns once every pair has played at least {@code rounds} more rounds than when called. */
    private void awaitRoundsPlayed(long rounds) throws InterruptedException {
        long[] before = pairs.stream().mapToLong(p -> p.rounds.get()).toArray();
        for (int i = 0; i < before.length; i++) {
            while (pairs.get(i).rounds.get() < before[i] + rounds) {
                Thread.sleep(1);
            }
        }
    }

    /** Ends every thread and waits for it; returns how many there were. */
    private long stopAll() throws InterruptedException {
        for (int i = 0; i < parked.size(); i++) {
            queue.put(TOKEN);
        }
        running = false;
        for (PingPong pair : pairs) {
            LockSupport.unpark(pair.ping);
            LockSupport.unpark(pair.pong);
        }
        for (Thread churner : churners) {
            churner.join();
        }
        long threads = 0;
        for (Thread thread : parked) {
            thread.join();
            threads++;
        }
        for (PingPong pair : pairs) {
            pair.ping.join();
            pair.pong.join();
            threads += 2;
        }
        return threads;
    }

    /**
     * Two virtual threads handing a turn back and forth, each parking until it is its turn.
     * <p>
     * A pair that never pauses keeps its carrier to itself: each unpark queues the partner on the carrier's own work
     * queue, which the carrier drains before it looks at any other, so threads started from outside would wait
     * forever once every carrier hosts a pair. Every {@link #ROUNDS_PER_BREATH} rounds the thread holding the turn
     * therefore sleeps a millisecond, leaving the carrier free for other work meanwhile.
     */
    private final class PingPong {
        final AtomicLong rounds = new AtomicLong();
        volatile Thread turn;
        final Thread ping;
        final Thread pong;

        PingPong() {
            ping = Thread.ofVirtual().unstarted(() -> play(true));
            pong = Thread.ofVirtual().unstarted(() -> play(false));
            turn = ping;
            ping.start();
            pong.start();
        }

        private void play(boolean isPing) {
            Thread self = Thread.currentThread();
            Thread other = isPing ? pong : ping;
            while (running) {
                if (turn == self) {
                    if (rounds.incrementAndGet() % ROUNDS_PER_BREATH == 0) {
                        breathe();
                    }
                    turn = other;
                    LockSupport.unpark(other);
                } else {
                    LockSupport.park(this);
                }
            }
        }

        private static void breathe() {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package dev.loomscope.examples.workloads;

import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Park/unpark handoff between pairs of virtual threads: the scheduler's block-and-wake path at full rate.
 * <p>
 * Each pair has a ping and a pong thread and a turn variable. A round trip is ping handing the turn to pong and pong
 * handing it back; the side whose turn it is not parks until the other side has flipped the turn and unparked it.
 * The turn is what each side waits for, never the wake-up itself: a park may return spuriously, and an unpark that
 * arrives before the park leaves a permit that makes the next park return at once, so both re-check the turn.
 * <p>
 * Defaults: 100_000 pairs (200_000 virtual threads) doing 10 round trips each, that is 2_000_000 handoffs, all
 * threads started first and then joined. Options: {@code --pairs N}, {@code --rounds R}, {@code --warmup-pairs W}
 * (default pairs / 10), {@code --passes P} (default 1: timed passes run one after the other; all but the last print
 * their time to stderr, to see how far from steady state the last one is).
 * <p>
 * Measurement: a warm-up pass with {@code W} pairs (so the JIT has compiled the scheduler paths and any advice in
 * them), then {@link System#gc()}, then the timed pass, from the creation of the first thread to the join of the last.
 * Prints to stdout {@code elapsedNanos=<timed pass>}, {@code timedPassCpuNanos=<the JVM's CPU time during it>}, then
 * {@code processCpuNanos=<the JVM's CPU time so far>}.
 */
public final class PingPong {
    private static final int PING_TURN = 0;
    private static final int PONG_TURN = 1;

    private PingPong() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkloadArgs options = WorkloadArgs.parse("PingPong", args, Set.of("pairs", "rounds", "warmup-pairs", "passes"));
        int pairs = options.count("pairs", 100_000);
        int rounds = options.count("rounds", 10);
        int warmupPairs = options.count("warmup-pairs", pairs / 10);
        int passes = Math.max(1, options.count("passes", 1));

        if (warmupPairs > 0) {
            run(warmupPairs, rounds);
            System.gc();
        }
        for (int pass = 1; pass < passes; pass++) {
            System.err.println("pass " + pass + ": elapsedNanos=" + run(pairs, rounds));
        }
        long timedPassStart = ProcessCpu.nanos();
        long elapsedNanos = run(pairs, rounds);
        System.out.println("elapsedNanos=" + elapsedNanos);
        ProcessCpu.print(timedPassStart);
    }

    /** Runs {@code pairs} pairs to completion and returns the wall time it took. */
    static long run(int pairCount, int rounds) throws InterruptedException {
        long start = System.nanoTime();
        Pair[] pairs = new Pair[pairCount];
        for (int i = 0; i < pairCount; i++) {
            Pair pair = new Pair(rounds);
            // Both threads exist before either starts, so each can be given the other; start() publishes the fields.
            pair.ping = Thread.ofVirtual().unstarted(pair::ping);
            pair.pong = Thread.ofVirtual().unstarted(pair::pong);
            pairs[i] = pair;
            pair.ping.start();
            pair.pong.start();
        }
        for (Pair pair : pairs) {
            pair.ping.join();
            pair.pong.join();
        }
        long elapsed = System.nanoTime() - start;

        // Outside the timed region: a pair that died on an exception must fail the run, not make it look fast.
        long roundTrips = 0;
        for (Pair pair : pairs) {
            roundTrips += pair.completedRounds; // join() made the ping thread's writes visible
        }
        if (roundTrips != (long) pairCount * rounds) {
            throw new IllegalStateException("PingPong: " + roundTrips + " round trips instead of "
                    + (long) pairCount * rounds);
        }
        return elapsed;
    }

    /** Two virtual threads passing a turn back and forth {@code rounds} times. */
    private static final class Pair {
        private final int rounds;
        /** Whose turn it is; written only by the side that holds the turn, just before it unparks the other. */
        private volatile int turn = PING_TURN;
        Thread ping;
        Thread pong;
        /** Round trips ping saw complete; ping thread only, read after join. */
        int completedRounds;

        Pair(int rounds) {
            this.rounds = rounds;
        }

        void ping() {
            for (int round = 0; round < rounds; round++) {
                turn = PONG_TURN;
                LockSupport.unpark(pong);
                while (turn != PING_TURN) {
                    LockSupport.park(this);
                }
                completedRounds++;
            }
        }

        void pong() {
            for (int round = 0; round < rounds; round++) {
                while (turn != PONG_TURN) {
                    LockSupport.park(this);
                }
                turn = PING_TURN;
                LockSupport.unpark(ping);
            }
        }
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.benchmarks.CpuClock;
import dev.loomscope.benchmarks.RingStripe;
import dev.loomscope.bootstrap.EventRing;
import dev.loomscope.bootstrap.OperationScopes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds per record on the drain thread: the {@link Aggregator} fed a synthetic stream shaped like the PingPong
 * workload (examples: pairs of virtual threads handing a turn back and forth with park/unpark), either directly
 * ({@link #direct}) or through real {@link EventRing}s ({@link #throughRings}: the rings' consumer side included).
 * One drain thread, as in the agent; records per second per drain thread are 10^9 / the figure. Each iteration also
 * prints the drain thread's CPU time per record ({@code cpu: … ns/record}), the figure a dump's
 * {@code recorder.drainCpuNs / recorder.events} gives for a real run.
 * <p>
 * The stream: every thread is created and started first, as PingPong starts all its pairs before joining them
 * ({@link Stream#prologue}, fed outside the measurement), then each handoff is three records on one of two carriers:
 * MOUNT of the thread whose turn it is, SUBMIT of its partner (the unpark), BLOCK of the thread itself (its park,
 * {@link BlockKind#PARK}). Each round hands off every pair once, in a shuffled order, as the scheduler's queues mix
 * them. {@code liveThreads} is the number of threads alive throughout: the size of the live-thread table, whose cache
 * misses are the suspected cost once it outgrows the caches.
 * <p>
 * Each invocation replays the same {@value #RECORDS} records with timestamps moved forward. A replay hands off every
 * pair an even number of times, so each thread ends it in the state it started in and the aggregator's tables keep
 * their size; a fresh aggregator per iteration bounds everything else (heatmap windows).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@OperationsPerInvocation(AggregatorBenchmark.RECORDS)
public class AggregatorBenchmark {
    /** Handoffs per replay: with liveThreads dividing it, every pair hands off 2 * HANDOFFS / liveThreads times. */
    static final int HANDOFFS = 200_000;
    static final int RECORDS = 3 * HANDOFFS;
    /** Time between two records: PingPong does about 2 million handoffs (6 million records) a second. */
    static final long RECORD_SPACING_NANOS = 160;
    static final long REPLAY_NANOS = RECORDS * RECORD_SPACING_NANOS;
    /** Virtual thread ids come after the JDK's own threads; PingPong creates ping and pong one after the other. */
    static final long FIRST_THREAD_ID = 1_000;
    static final long[] CARRIERS = {21, 22};
    static final long MAIN_THREAD_ID = 1;
    static final int KIND_SHIFT = 56;
    static final long THREAD_MASK = (1L << KIND_SHIFT) - 1;
    static final long PARK = BlockKind.PARK; // BLOCK arg: timeout 0 << 8 | kind

    /** The records, generated once per trial: three longs each, as in a ring (timestamp, kind | thread, arg). */
    @State(Scope.Benchmark)
    public static class Stream {
        /** Even and dividing {@link #HANDOFFS} (200,000): 1000, 2000, 10000, 50000, 100000, 200000. */
        @Param({"1000", "200000"})
        int liveThreads;
        /**
         * Operations the threads work for ({@code Loomscope.operation}), each thread one of them from its creation
         * (an OPERATION record after its CREATE, as a thread started inside a scope has); 0: none, the stream of an
         * application that does not use the API.
         */
        @Param({"0"})
        int operations;

        /** Starts every thread and leaves, per pair, the one whose turn it is queued and the other parked. */
        long[] prologue;
        /** Timestamps relative to the start of the replay. */
        long[] handoffs;

        @Setup(Level.Trial)
        public void generate() {
            if (liveThreads < 2 || liveThreads % 2 != 0 || HANDOFFS % liveThreads != 0) {
                throw new IllegalArgumentException("liveThreads must be even and divide " + HANDOFFS + ": "
                        + liveThreads);
            }
            int pairs = liveThreads / 2;
            Writer out = new Writer(9 * pairs);
            for (int p = 0; p < pairs; p++) {
                long ping = ping(p);
                long pong = ping + 1;
                out.add(EventKind.CREATE, ping, MAIN_THREAD_ID);
                out.add(EventKind.CREATE, pong, MAIN_THREAD_ID);
                if (operations > 0) {
                    long inherit = OperationScopes.recordArg(2 + p % operations, 0, OperationScopes.INHERIT);
                    out.add(EventKind.OPERATION, ping, inherit);
                    out.add(EventKind.OPERATION, pong, inherit);
                }
                out.add(EventKind.MOUNT, ping, CARRIERS[0]);
                out.add(EventKind.BLOCK, ping, PARK);
                out.add(EventKind.MOUNT, pong, CARRIERS[1]);
                out.add(EventKind.SUBMIT, ping, pong); // pong hands the turn to ping...
                out.add(EventKind.BLOCK, pong, PARK); // ...and parks
            }
            prologue = java.util.Arrays.copyOf(out.records, out.length());

            boolean[] pongsTurn = new boolean[pairs]; // ping holds the turn after the prologue
            int[] order = new int[pairs];
            for (int p = 0; p < pairs; p++) {
                order[p] = p;
            }
            SplittableRandom random = new SplittableRandom(42);
            out = new Writer(RECORDS);
            for (int handoff = 0; handoff < HANDOFFS; handoff++) {
                int inRound = handoff % pairs;
                if (inRound == 0) {
                    shuffle(order, random);
                }
                int p = order[inRound];
                long turn = ping(p) + (pongsTurn[p] ? 1 : 0);
                long partner = ping(p) + (pongsTurn[p] ? 0 : 1);
                long carrier = CARRIERS[handoff & 1];
                out.add(EventKind.MOUNT, turn, carrier);
                out.add(EventKind.SUBMIT, partner, turn);
                out.add(EventKind.BLOCK, turn, PARK);
                pongsTurn[p] = !pongsTurn[p];
            }
            handoffs = out.records;
        }

        private static long ping(int pair) {
            return FIRST_THREAD_ID + 2L * pair;
        }

        private static void shuffle(int[] a, SplittableRandom random) {
            for (int i = a.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }

        /** A fresh aggregator with every thread started: the live-thread table at its full size. */
        Aggregator startedAggregator(long originNanoTime) {
            AgentOptions options = AgentOptions.DEFAULTS; // as RecordingSession builds it; no stack sampling
            Aggregator aggregator = new Aggregator(FIRST_THREAD_ID, originNanoTime,
                    TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()), options.windowNanos(),
                    options.fineWindows(), options.longSliceNanos(), null, options.leakThresholdNanos(),
                    options.stackDepth(), ClockConversion.identity());
            long[] r = prologue;
            for (int i = 0; i < r.length; i += 3) {
                aggregator.accept(originNanoTime + r[i], (int) (r[i + 1] >>> KIND_SHIFT), r[i + 1] & THREAD_MASK,
                        r[i + 2]);
            }
            return aggregator;
        }

        long prologueNanos() {
            return prologue.length / 3 * RECORD_SPACING_NANOS;
        }

        /**
         * Checks that the aggregator followed the stream as this benchmark says (every handoff a wake, every thread
         * alive): a change in its state machine must not turn these figures into those of another path.
         */
        void check(Aggregator aggregator, long replays) {
            Counts counts = aggregator.snapshot(new long[EventKind.COUNT], 0).counts();
            long expectedWakes = liveThreads / 2 + replays * HANDOFFS;
            if (counts.live() != liveThreads || counts.wakes() != expectedWakes || counts.blocks() != counts.mounts()) {
                throw new IllegalStateException("the aggregator did not follow the synthetic stream: live "
                        + counts.live() + " (expected " + liveThreads + "), wakes " + counts.wakes() + " (expected "
                        + expectedWakes + "), blocks " + counts.blocks() + ", mounts " + counts.mounts());
            }
        }
    }

    /** Appends records, timestamps {@link #RECORD_SPACING_NANOS} apart. */
    private static final class Writer {
        final long[] records;
        private int length;

        Writer(int count) {
            records = new long[3 * count];
        }

        int length() {
            return length;
        }

        void add(int kind, long threadId, long arg) {
            int record = length / 3;
            records[length++] = (record + 1) * RECORD_SPACING_NANOS;
            records[length++] = (long) kind << KIND_SHIFT | threadId;
            records[length++] = arg;
        }
    }

    /**
     * The aggregator, fed straight from the stream's array. Also prints the drain thread's CPU time per record of each
     * iteration, which unlike the score leaves out time spent waiting for a core.
     */
    @State(Scope.Thread)
    public static class Direct {
        Aggregator aggregator;
        long replayStart;
        long replays;
        private long cpuAtStart;
        private long cpuNanos;

        @Setup(Level.Iteration)
        public void start(Stream stream) {
            long origin = System.nanoTime();
            aggregator = stream.startedAggregator(origin);
            replayStart = origin + stream.prologueNanos();
            replays = 0;
            cpuNanos = 0;
        }

        @Setup(Level.Invocation)
        public void startCpuClock() {
            cpuAtStart = CpuClock.threadCpuNanos();
        }

        @TearDown(Level.Invocation)
        public void stopCpuClock() {
            cpuNanos += CpuClock.threadCpuNanos() - cpuAtStart;
        }

        @TearDown(Level.Iteration)
        public void check(Stream stream) {
            CpuClock.print(cpuNanos, replays * RECORDS, "record");
            stream.check(aggregator, replays);
        }
    }

    @Benchmark
    public void direct(Stream stream, Direct state) {
        Aggregator aggregator = state.aggregator;
        long start = state.replayStart;
        long[] r = stream.handoffs;
        for (int i = 0; i < r.length; i += 3) {
            aggregator.accept(start + r[i], (int) (r[i + 1] >>> KIND_SHIFT), r[i + 1] & THREAD_MASK, r[i + 2]);
        }
        state.replayStart = start + REPLAY_NANOS;
        state.replays++;
    }

    /**
     * The aggregator fed by draining {@link EventRing}s that the invocation's setup filled with one replay, striped
     * by thread id as the recorder stripes them.
     */
    @State(Scope.Thread)
    public static class ThroughRings {
        /** The agent's default ring count; twice its ring capacity, so that one replay fits without a drop. */
        static final int RINGS = 16;
        static final int RING_CAPACITY = 65536;
        /** Records per ring per pass, as the agent's drain takes them. */
        static final int DRAIN_BATCH = 4096;

        final EventRing[] rings = new EventRing[RINGS];
        Aggregator aggregator;
        long replayStart;
        long replays;
        private long cpuAtStart;
        private long cpuNanos;

        @Setup(Level.Trial)
        public void createRings() {
            for (int i = 0; i < RINGS; i++) {
                rings[i] = new EventRing(RING_CAPACITY);
            }
        }

        @Setup(Level.Iteration)
        public void start(Stream stream) {
            long origin = System.nanoTime();
            aggregator = stream.startedAggregator(origin);
            replayStart = origin + stream.prologueNanos();
            replays = 0;
            cpuNanos = 0;
        }

        /** Outside the measurement: the producers' side. An invocation lasts tens of milliseconds. */
        @Setup(Level.Invocation)
        public void offer(Stream stream) {
            long start = replayStart;
            long[] r = stream.handoffs;
            for (int i = 0; i < r.length; i += 3) {
                long threadId = r[i + 1] & THREAD_MASK;
                int stripe = RingStripe.of(threadId, RINGS); // as the recorder stripes: one thread, one ring
                if (!rings[stripe].offer(start + r[i], (int) (r[i + 1] >>> KIND_SHIFT), threadId, r[i + 2])) {
                    throw new IllegalStateException("ring " + stripe + " full: one replay must fit in the rings");
                }
            }
            replayStart = start + REPLAY_NANOS;
            replays++;
            cpuAtStart = CpuClock.threadCpuNanos(); // here, not in a second setup: JMH does not order helpers
        }

        @TearDown(Level.Invocation)
        public void stopCpuClock() {
            cpuNanos += CpuClock.threadCpuNanos() - cpuAtStart;
        }

        @TearDown(Level.Iteration)
        public void check(Stream stream) {
            CpuClock.print(cpuNanos, replays * RECORDS, "record");
            stream.check(aggregator, replays);
        }
    }

    /** Drains as the agent's drain thread does: a batch per ring in turn until every ring is empty. */
    @Benchmark
    public int throughRings(ThroughRings state) {
        Aggregator aggregator = state.aggregator;
        int total = 0;
        int pass;
        do {
            pass = 0;
            for (EventRing ring : state.rings) {
                pass += ring.drain(aggregator, ThroughRings.DRAIN_BATCH);
            }
            total += pass;
        } while (pass > 0);
        if (total != RECORDS) {
            throw new IllegalStateException("drained " + total + " records instead of " + RECORDS);
        }
        return total;
    }
}

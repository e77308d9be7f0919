package dev.loomscope.benchmarks;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.EventRing;
import dev.loomscope.bootstrap.Recorder;
import dev.loomscope.bootstrap.ThreadShedding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Nanoseconds per event on the recorder's hot path: each benchmark calls one {@code Recorder.on*} entry point the way
 * advice woven into {@code java.lang.VirtualThread} does, with the recorder installed as the agent installs it
 * (16 rings of 32768 records) and a drain thread that empties the rings and discards the records.
 * <p>
 * Stack sampling is off: {@link Recorder#installSampling} is never called, so these figures are the cost of every
 * event, without the sampled one in {@code sampleEvery} that also walks a stack.
 * <p>
 * Baselines: {@link #nanoTime} is the clock read every record pays; {@link #off} is an entry point with the recorder
 * not installed (the agent with {@code recording=false}), which is also the cost of calling it and of picking the
 * thread argument. What recording adds to an event is its figure minus {@code off}.
 * <p>
 * Concrete subclasses fix the number of application threads calling in: {@link RecorderOneThread},
 * {@link RecorderTwoThreads}. {@link Recorder} is a static singleton, so it is installed once per trial; run with
 * forks (the default): {@link #off} needs a JVM in which nothing installed it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public abstract class RecorderBenchmark {
    /** The agent's defaults ({@code rings}, {@code ringCapacity} in docs/options.md). */
    static final int RINGS = 16;
    static final int RING_CAPACITY = 32768;
    /**
     * JDK 25's {@code VirtualThread} states at the hooks. The recorder only uses them as indices into the table handed
     * to {@link Recorder#install}, so their values matter only in being the ones that table maps.
     */
    static final int STARTED = 1;
    static final int PARKING = 3;
    static final int UNPARKED = 9;

    /** The recorder installed without stack sampling, and a drain that keeps the rings from filling up. */
    @State(Scope.Benchmark)
    public static class Installed {
        private DiscardingDrain drain;
        private long droppedBefore;
        private long shedPassesBefore;

        @Setup(Level.Trial)
        public void install() {
            byte[] blockKindByState = new byte[256];
            blockKindByState[PARKING] = BlockKind.PARK;
            // carrier class null: the carrier events (ForkJoinPool hooks) are not measured here
            Recorder.install(RINGS, RING_CAPACITY, blockKindByState, STARTED, null, null);
            drain = DiscardingDrain.start(Recorder.rings());
        }

        /**
         * A dropped record takes a cheaper path than a recorded one, so drops would flatter the figures: they are
         * printed with the iteration they happened in.
         */
        @TearDown(Level.Iteration)
        public void reportDrops() {
            long dropped = drain.dropped();
            if (dropped != droppedBefore) {
                System.out.println("recorder: " + (dropped - droppedBefore) + " records dropped (rings full)");
            }
            droppedBefore = dropped;
            long shedPasses = drain.shedPasses();
            if (shedPasses != shedPassesBefore) {
                System.out.println("recorder: threads shed at " + (shedPasses - shedPassesBefore)
                        + " drain passes (a ring past half full): events of shed threads return early");
            }
            shedPassesBefore = shedPasses;
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            drain.stop();
            System.out.println("recorder: " + drain.drained() + " records drained, " + drain.dropped() + " dropped");
        }
    }

    /** The recorder as the agent leaves it with {@code recording=false}: never installed, every entry point returns. */
    @State(Scope.Benchmark)
    public static class NotInstalled {
        @Setup(Level.Trial)
        public void check() {
            if (Recorder.rings() != null) {
                throw new IllegalStateException("the recorder was installed in this JVM by another benchmark:"
                        + " the 'off' case needs its own fork (do not run with -f 0)");
            }
        }
    }

    /**
     * The virtual threads an application thread reports events for, taken in turn: as on a carrier, consecutive events
     * concern different threads, so they go to different rings (records are striped by thread id). Unstarted: the
     * recorder only reads a thread's id.
     * <p>
     * Also prints the benchmark thread's CPU time per operation at the end of each iteration (the operations counted
     * by {@link #next}): unlike the score, it leaves out time spent waiting for a core.
     */
    @State(Scope.Thread)
    public static class VirtualThreads {
        private final Thread[] threads = new Thread[256];
        private long next;
        private long cpuAtStart;
        private long nextAtStart;

        @Setup(Level.Trial)
        public void create(ThreadParams params) {
            int found = 0;
            while (found < threads.length) {
                Thread candidate = Thread.ofVirtual().unstarted(() -> { });
                if (accepts(candidate, params)) {
                    threads[found++] = candidate;
                }
            }
        }

        /** Whether this benchmark thread reports events of {@code candidate}: any virtual thread will do here. */
        boolean accepts(Thread candidate, ThreadParams params) {
            return true;
        }

        @Setup(Level.Iteration)
        public void startCpuClock() {
            cpuAtStart = CpuClock.threadCpuNanos();
            nextAtStart = next;
        }

        @TearDown(Level.Iteration)
        public void printCpuTime() {
            CpuClock.print(CpuClock.threadCpuNanos() - cpuAtStart, next - nextAtStart, "op on this thread");
        }

        Thread next() {
            return threads[(int) (next++ & (threads.length - 1))];
        }
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public void off(NotInstalled recorder, VirtualThreads threads) {
        Recorder.onBlock(threads.next(), PARKING, 0L);
    }

    @Benchmark
    public void create(Installed recorder, VirtualThreads threads) {
        Recorder.onCreate(threads.next());
    }

    @Benchmark
    public void mount(Installed recorder, VirtualThreads threads) {
        Recorder.onMount(threads.next());
    }

    /** A park: the JDK state at {@code afterYield} is mapped to {@link BlockKind#PARK}. */
    @Benchmark
    public void block(Installed recorder, VirtualThreads threads) {
        Recorder.onBlock(threads.next(), PARKING, 0L);
    }

    /** A wake (state UNPARKED; the start submission, state STARTED, would record nothing). */
    @Benchmark
    public void submit(Installed recorder, VirtualThreads threads) {
        Recorder.onSubmit(threads.next(), UNPARKED);
    }

    @Benchmark
    public void end(Installed recorder, VirtualThreads threads) {
        Recorder.onEnd(threads.next());
    }

    /**
     * Empties the rings as the agent's drain thread does (up to 4096 records per ring per pass, 1 ms sleep when all
     * were empty) but throws the records away: the aggregator's cost is {@code AggregatorBenchmark}'s subject. A ring
     * that got past half full raised the shed level ({@code ThreadShedding}): the pass after lowers it back to 0 at
     * once, so that the events measured are recorded ones, and counts that it had to.
     */
    static final class DiscardingDrain implements Runnable {
        private static final int BATCH = 4096;
        private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

        private final EventRing[] rings;
        private final Thread thread;
        private volatile boolean stopping;
        private volatile long drained;
        private volatile long shedPasses;

        private DiscardingDrain(EventRing[] rings) {
            this.rings = rings;
            this.thread = new Thread(this, "benchmark-drain");
            this.thread.setDaemon(true);
        }

        static DiscardingDrain start(EventRing[] rings) {
            DiscardingDrain drain = new DiscardingDrain(rings);
            drain.thread.start();
            return drain;
        }

        @Override
        public void run() {
            long total = 0;
            while (!stopping) {
                int pass = 0;
                for (EventRing ring : rings) {
                    pass += ring.drain((timestamp, kind, threadId, arg) -> { }, BATCH);
                }
                total += pass;
                drained = total; // one volatile store per pass, not per record
                ThreadShedding shedding = Recorder.shedding();
                if (ThreadShedding.level(shedding.word()) > 0) {
                    shedPasses++;
                    for (long w = shedding.word(); ThreadShedding.level(w) > 0; w = shedding.word()) {
                        shedding.lower(w);
                    }
                }
                if (pass == 0) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join();
        }

        long drained() {
            return drained;
        }

        long shedPasses() {
            return shedPasses;
        }

        long dropped() {
            long dropped = 0;
            for (EventRing ring : rings) {
                for (int kind = 0; kind < EventKind.COUNT; kind++) {
                    dropped += ring.dropped(kind);
                }
            }
            return dropped;
        }
    }
}

package dev.loomscope.examples.workloads;

import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Creation, start and termination of many short virtual threads: the lifecycle path, where a profiler pays per thread
 * rather than per block.
 * <p>
 * Defaults: 1_000_000 virtual threads whose task only counts itself, started with {@code Thread.ofVirtual().start}
 * in batches of 10_000, each batch joined before the next starts (so at most one batch is alive: the storm measures
 * churn, not how many threads the heap can hold). Options: {@code --threads N}, {@code --batch B},
 * {@code --warmup-threads W} (default threads / 10).
 * <p>
 * Measurement: a warm-up pass with {@code W} threads, then {@link System#gc()}, then the timed pass, from the first
 * start to the last join. Prints to stdout {@code elapsedNanos=<timed pass>}, {@code timedPassCpuNanos=<the JVM's CPU
 * time during it>}, then {@code processCpuNanos=<the JVM's CPU time so far>}.
 */
public final class CreateStorm {
    /** What each thread does: one striped increment, also the check that every thread ran. */
    private static final LongAdder TASKS_RUN = new LongAdder();

    private CreateStorm() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkloadArgs options = WorkloadArgs.parse("CreateStorm", args, Set.of("threads", "batch", "warmup-threads"));
        int threads = options.count("threads", 1_000_000);
        int batch = Math.max(1, options.count("batch", 10_000));
        int warmupThreads = options.count("warmup-threads", threads / 10);

        if (warmupThreads > 0) {
            run(warmupThreads, batch);
            System.gc();
        }
        long timedPassStart = ProcessCpu.nanos();
        long elapsedNanos = run(threads, batch);
        System.out.println("elapsedNanos=" + elapsedNanos);
        ProcessCpu.print(timedPassStart);
    }

    /** Starts and joins {@code threads} virtual threads and returns the wall time it took. */
    static long run(int threads, int batch) throws InterruptedException {
        TASKS_RUN.reset();
        Thread[] started = new Thread[Math.min(batch, Math.max(threads, 1))];
        Thread.Builder builder = Thread.ofVirtual();
        long start = System.nanoTime();
        for (int done = 0; done < threads; ) {
            int size = Math.min(started.length, threads - done);
            for (int i = 0; i < size; i++) {
                started[i] = builder.start(TASKS_RUN::increment);
            }
            for (int i = 0; i < size; i++) {
                started[i].join();
            }
            done += size;
        }
        long elapsed = System.nanoTime() - start;
        if (TASKS_RUN.sum() != threads) {
            throw new IllegalStateException("CreateStorm: " + TASKS_RUN.sum() + " tasks ran instead of " + threads);
        }
        return elapsed;
    }
}

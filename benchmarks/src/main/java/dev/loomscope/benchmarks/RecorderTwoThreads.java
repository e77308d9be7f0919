package dev.loomscope.benchmarks;

import dev.loomscope.bootstrap.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link RecorderBenchmark} with two application threads, as two carriers would call in: they share the rings (and
 * race for the same one when their threads hash to it), and on a 2-core machine they share the cores with the drain.
 * <p>
 * {@link #blockOwnRings} is the control for the sharing: the same event, but each benchmark thread reports only
 * virtual threads whose records go to rings the other one never writes.
 */
@Threads(2)
public class RecorderTwoThreads extends RecorderBenchmark {

    /** Like {@link VirtualThreads}, restricted to threads striped to this benchmark thread's share of the rings. */
    @State(Scope.Thread)
    public static class VirtualThreadsOwnRings extends VirtualThreads {
        @Override
        boolean accepts(Thread candidate, ThreadParams params) {
            return RingStripe.of(candidate.threadId(), RINGS) % params.getThreadCount() == params.getThreadIndex();
        }
    }

    @Benchmark
    public void blockOwnRings(Installed recorder, VirtualThreadsOwnRings threads) {
        Recorder.onBlock(threads.next(), PARKING, 0L);
    }
}

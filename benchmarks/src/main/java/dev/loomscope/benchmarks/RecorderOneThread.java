package dev.loomscope.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link RecorderBenchmark} with one application thread: the drain has the other core to itself. */
@Threads(1)
public class RecorderOneThread extends RecorderBenchmark {
}

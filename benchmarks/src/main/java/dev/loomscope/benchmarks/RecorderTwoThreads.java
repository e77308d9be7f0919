package dev.loomscope.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link RecorderBenchmark} with two application threads, as two carriers would call in: they share the rings (and
 * race for the same one when their threads hash to it), and on a 2-core machine they share the cores with the drain.
 */
@Threads(2)
public class RecorderTwoThreads extends RecorderBenchmark {
}

package dev.loomscope.examples.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A workload main class the harness runs in child JVMs, with its arguments.
 *
 * @param name        the name in the table
 * @param mainClass   prints {@code elapsedNanos=N} on its stdout
 * @param args        passed to the main class, the same in every configuration
 * @param description what one run does, for the line under the table
 * @param timedShare  the timed pass's share of the work of a run (warm-up and untimed passes included), so of the
 *                    records it recorded: the records of a run are counted at its end, for the whole run
 */
record Workload(String name, String mainClass, List<String> args, String description, double timedShare) {
    /** CreateStorm threads alive at most at once: the storm measures churn, not how many threads fit in the heap. */
    private static final int STORM_BATCH = 10_000;

    /**
     * @param passes full-size passes per JVM, the last one timed: more than 1 measures the steady state, after the JIT
     *               has compiled the scheduler, the advice and the drain on the workload itself
     */
    static Workload pingPong(int pairs, int rounds, int passes) {
        int warmupPairs = pairs / 10;
        List<String> args = new ArrayList<>(List.of("--pairs", Integer.toString(pairs), "--rounds",
                Integer.toString(rounds), "--warmup-pairs", Integer.toString(warmupPairs)));
        if (passes > 1) {
            args.addAll(List.of("--passes", Integer.toString(passes)));
        }
        String untimed = passes > 1 ? String.format(", then %d untimed full-size passes", passes - 1) : "";
        return new Workload("PingPong", "dev.loomscope.examples.workloads.PingPong", List.copyOf(args),
                String.format("%,d pairs of virtual threads (%,d threads), %d park/unpark round trips per pair"
                                + " (%,d handoffs); warm-up pass of %,d pairs first%s",
                        pairs, 2L * pairs, rounds, 2L * pairs * rounds, warmupPairs, untimed),
                (double) pairs / ((long) pairs * passes + warmupPairs));
    }

    static Workload createStorm(int threads) {
        int warmupThreads = threads / 10;
        return new Workload("CreateStorm", "dev.loomscope.examples.workloads.CreateStorm",
                List.of("--threads", Integer.toString(threads), "--batch", Integer.toString(STORM_BATCH),
                        "--warmup-threads", Integer.toString(warmupThreads)),
                String.format("%,d trivial virtual threads started and joined in batches of %,d;"
                        + " warm-up pass of %,d threads first", threads, STORM_BATCH, warmupThreads),
                (double) threads / (threads + warmupThreads));
    }
}

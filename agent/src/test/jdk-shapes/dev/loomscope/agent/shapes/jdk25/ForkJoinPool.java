package dev.loomscope.agent.shapes.jdk25;

/**
 * The members of {@code java.util.concurrent.ForkJoinPool} the agent advises, by name only ({@code runWorker}, {@code
 * awaitWork}), read from the JDK's own sources, {@code lib/src.zip} of Temurin 25.0.3+9 (lines 1975 and 2081). {@code
 * WorkQueue} is the pool's own package-private class, so this copy declares one of its own: the parameter types differ
 * in package only.
 */
@SuppressWarnings("unused")
public class ForkJoinPool {
    final void runWorker(WorkQueue w) {
    }

    private int awaitWork(WorkQueue w, int p) {
        return 0;
    }
    static final class WorkQueue {
    }
}

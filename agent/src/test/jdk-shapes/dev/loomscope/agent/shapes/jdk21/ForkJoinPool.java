package dev.loomscope.agent.shapes.jdk21;

/**
 * The members of {@code java.util.concurrent.ForkJoinPool} the agent advises, by name only ({@code runWorker}, {@code
 * awaitWork}), read from openjdk/jdk21u-dev at commit 237b4d4cf4c6aa6cda506e02b0d699e736e615f0. {@code WorkQueue} is
 * the pool's own package-private class, so this copy declares one of its own: the parameter types differ in package
 * only.
 */
@SuppressWarnings("unused")
public class ForkJoinPool {
    final void runWorker(WorkQueue w) {
    }

    private int awaitWork(WorkQueue w) {
        return 0;
    }
    static final class WorkQueue {
    }
}

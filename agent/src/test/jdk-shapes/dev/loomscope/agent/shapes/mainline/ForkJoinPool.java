package dev.loomscope.agent.shapes.mainline;

/**
 * The members of {@code java.util.concurrent.ForkJoinPool} the agent advises, by name only ({@code runWorker}, {@code
 * awaitWork}), read from microsoft/openjdk-jdk at commit 29e2f682ab5ed41abcf9443a6d0a8d8e66fbf105 (a mirror of
 * openjdk/jdk's master). {@code WorkQueue} is the pool's own package-private class, so this copy declares one of its
 * own: the parameter types differ in package only.
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

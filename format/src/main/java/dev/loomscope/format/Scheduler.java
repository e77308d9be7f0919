package dev.loomscope.format;

/**
 * {@code scheduler}: the virtual-thread scheduler at the dump. The pool's own counters are all present or all
 * {@code null} (its {@code ForkJoinPool} was not found); {@code mxBean} only on JDK 24+.
 */
public record Scheduler(Long parallelism, Long poolSize, Long activeThreads, Long runningThreads, Long queuedTasks,
                        Long queuedSubmissions, Long steals, MxBean mxBean) {

    /** The JDK's {@code jdk.management:type=VirtualThreadScheduler} MXBean. */
    public record MxBean(long parallelism, long poolSize, long mountedVirtualThreadCount,
                         long queuedVirtualThreadCount) {
    }
}

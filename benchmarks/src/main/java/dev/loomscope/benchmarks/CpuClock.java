package dev.loomscope.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the calling thread. On a machine shared with other work, JMH's wall-clock scores also count the time a
 * benchmark thread waited for a core; its CPU time per operation does not, so the benchmarks print it next to them.
 */
public final class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuClock() {
    }

    /** Nanoseconds of CPU the current thread has used, or -1 if the JVM cannot tell. */
    public static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** One line for the benchmark's log: {@code cpu: 12.3 ns/op (what)}. */
    public static void print(long cpuNanos, long operations, String what) {
        if (cpuNanos >= 0 && operations > 0) {
            System.out.printf("cpu: %.1f ns/%s%n", (double) cpuNanos / operations, what);
        }
    }
}

package dev.loomscope.examples.workloads;

import java.lang.management.ManagementFactory;

/**
 * The CPU time (user + system) of the whole JVM so far, every thread included (the agent's drain, JFR's threads), which
 * the workloads print at their end for the overhead harness: the cost of a configuration is the CPU it adds over the
 * empty agent, per record recorded (docs/PERFORMANCE.md). The CPU of the timed pass alone leaves out what a JVM pays
 * once, before its workload runs: its own start, the agent's weaving.
 */
public final class ProcessCpu {
    /** Before the JVM's CPU time up to the end of the workload's main, on its own stdout line (the harness reads it). */
    public static final String PREFIX = "processCpuNanos=";
    /** Before the JVM's CPU time during the timed pass alone, on its own stdout line. */
    public static final String TIMED_PREFIX = "timedPassCpuNanos=";

    private ProcessCpu() {
    }

    /** The JVM's CPU time so far, in ns, or -1 if it cannot tell. */
    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * Prints {@code timedPassCpuNanos=<CPU since timedPassStart>}, then {@code processCpuNanos=<n>}, to stdout; each
     * only if the JVM can tell.
     *
     * @param timedPassStart {@link #nanos()} when the timed pass began
     */
    static void print(long timedPassStart) {
        long nanos = nanos();
        if (nanos >= 0 && timedPassStart >= 0) {
            System.out.println(TIMED_PREFIX + (nanos - timedPassStart));
        }
        if (nanos >= 0) {
            System.out.println(PREFIX + nanos);
        }
    }
}

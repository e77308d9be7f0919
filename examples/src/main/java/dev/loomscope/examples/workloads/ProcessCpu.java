package dev.loomscope.examples.workloads;

import java.lang.management.ManagementFactory;

/**
 * The CPU time (user + system) of the whole JVM so far, every thread included (the agent's drain, JFR's threads), which
 * the workloads print at their end for the overhead harness: the cost of a configuration is the CPU it adds over the
 * empty agent, per record recorded (docs/PERFORMANCE.md).
 */
final class ProcessCpu {
    static final String PREFIX = "processCpuNanos=";

    private ProcessCpu() {
    }

    /** Prints {@code processCpuNanos=<n>} to stdout, or nothing if the JVM cannot tell. */
    static void print() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            if (nanos >= 0) {
                System.out.println(PREFIX + nanos);
            }
        }
    }
}

package dev.loomscope.format;

/**
 * {@code recorder}: diagnostics of the recording itself.
 *
 * @param events         records aggregated
 * @param trackedThreads virtual threads the aggregator holds state for at the dump
 * @param drainCpuNs     CPU time of the drain thread so far, -1 if the JVM cannot tell
 * @param clock          {@code tsc} or {@code nanoTime}; {@code null} in dumps of earlier agent builds
 */
public record Recorder(long events, long trackedThreads, long drainCpuNs, String clock) {
}

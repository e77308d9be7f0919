package dev.loomscope.format;

/**
 * {@code jvm}: the recorded JVM.
 *
 * @param javaVersion  the system property {@code java.version}
 * @param vendor       the system property {@code java.vendor}
 * @param startEpochMs when the JVM started
 */
public record Jvm(long pid, String javaVersion, String vendor, long startEpochMs) {
}

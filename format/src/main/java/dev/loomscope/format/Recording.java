package dev.loomscope.format;

/**
 * {@code recording}: what the dump covers. Every dump covers the recording from its start.
 *
 * @param trigger    what asked for the dump: {@code exit}, {@code sigquit}, {@code interval}, {@code attach-dump},
 *                   {@code in-process}, {@code http}, {@code duration}, {@code stop} ({@code docs/schema.md})
 * @param attach     {@link #STARTUP} or {@link #LATE}
 * @param durationNs the recording's length up to the dump
 */
public record Recording(String trigger, String attach, long startEpochMs, long dumpEpochMs, long durationNs) {
    /** Recorded from JVM start ({@code -javaagent}). */
    public static final String STARTUP = "startup";
    /** Attached to a running JVM: transitions before the attach are not counted. */
    public static final String LATE = "late";

    public boolean lateAttach() {
        return LATE.equals(attach);
    }
}

package dev.loomscope.core;

import java.util.Map;

/**
 * Everything one dump writes: the in-memory model that output formats are written from.
 *
 * @param lateAttach  the agent was attached to a running JVM (counts miss what happened before)
 * @param trigger     what asked for the dump: {@code exit}
 * @param dumpEpochMs wall-clock time of the dump
 * @param recordingNanos how long the recorder had been running
 */
public record Snapshot(JvmInfo jvm, String agentVersion, Map<String, Object> options, HookReport hooks,
                       boolean lateAttach,
                       String trigger, long recordingStartEpochMs, long dumpEpochMs, long recordingNanos,
                       Counts counts) {

    /** @param startEpochMs when the JVM started */
    public record JvmInfo(long pid, String javaVersion, String vendor, long startEpochMs) {
    }
}

package dev.loomscope.format;

import java.util.Map;

/**
 * {@code latencies}: the distributions over the whole recording.
 *
 * @param startDelay    {@code Thread.start} to the first mount
 * @param wakeToRun     a wake to the next mount: the time a runnable thread waited for a carrier
 * @param blocked       an unpinned block to its end
 * @param runSlice      mount to unmount
 * @param pinnedBlocked a pinned block to its end
 * @param blockedByKind by block kind, only kinds with a finished block
 * @param pinnedBlockedByKind the {@code pinnedBlocked} values by what blocked ({@code park}, {@code monitor},
 *                      {@code wait}, {@code classInit}, {@code other}), only kinds with a finished pinned block;
 *                      {@code null} in dumps of agents before it
 */
public record Latencies(LatencySummary startDelay, LatencySummary wakeToRun, LatencySummary blocked,
                        LatencySummary runSlice, LatencySummary pinnedBlocked,
                        Map<String, LatencySummary> blockedByKind, Map<String, LatencySummary> pinnedBlockedByKind) {
    /** A metric name's prefix for a kind of {@link #blockedByKind}: {@code blockedByKind.sleep}. */
    public static final String BY_KIND = "blockedByKind.";

    /**
     * The distribution a metric names ({@code wakeToRun}, ..., {@code blockedByKind.<kind>}), as the report's
     * {@code --metrics} and the JUnit budgets name them; {@code null} if this dump has none.
     */
    public LatencySummary metric(String name) {
        return switch (name) {
            case "startDelay" -> startDelay;
            case "wakeToRun" -> wakeToRun;
            case "blocked" -> blocked;
            case "runSlice" -> runSlice;
            case "pinnedBlocked" -> pinnedBlocked;
            default -> name.startsWith(BY_KIND) && blockedByKind != null
                    ? blockedByKind.get(name.substring(BY_KIND.length())) : null;
        };
    }
}

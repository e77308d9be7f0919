package dev.loomscope.format;

import java.util.List;
import java.util.Map;

/**
 * {@code operations}: the application's own operations, as it names them with {@code Loomscope.operation(name)}
 * (module {@code api}), and its critical scopes. Present when the agent's {@code operations} option is on (the
 * default), whether or not the application opened a scope; {@code null} in dumps of agents before it.
 *
 * @param limit           the {@code operations} option: distinct names kept; the names after it count as
 *                        {@link #OTHER}
 * @param named           distinct names kept (not counting {@code other})
 * @param scopesOverLimit scopes counted as {@code other} because their name came after the limit
 * @param scopesIgnored   scopes ignored: a null or empty name
 * @param namesTruncated  distinct names longer than {@code maxNameChars}, cut to it
 * @param maxNameChars    the length names are cut to
 * @param scopesUntracked scopes not tracked: the agent's table of threads inside scopes was full where the thread
 *                        hashed
 * @param traceIdsIgnored trace ids left out for being longer than the agent takes (128 characters)
 * @param traceIdsLost    trace ids lost on their way to the drain: events of their scope have none
 * @param apiClassesWoven copies of {@code dev.loomscope.api.Loomscope} the agent wove (one per class loader that
 *                        loaded it; 0: the application does not use the API, or loaded it nowhere yet)
 * @param critical        critical scopes ({@code Loomscope.critical()})
 * @param perOperation    one entry per operation that had a thread, in the order the names were first used
 */
public record Operations(int limit, int named, long scopesOverLimit, long scopesIgnored, long namesTruncated,
                         int maxNameChars, long scopesUntracked, long traceIdsIgnored, long traceIdsLost,
                         long apiClassesWoven, Critical critical, List<Operation> perOperation) {
    /** The operation every name after the limit counts as. */
    public static final String OTHER = "other";

    /** The entry named {@code name}, or null. */
    public Operation operation(String name) {
        for (Operation operation : perOperation) {
            if (operation.name().equals(name)) {
                return operation;
            }
        }
        return null;
    }

    /**
     * {@code operations.critical}: every event of a thread inside {@code Loomscope.critical()} has its stack sampled,
     * up to a budget per second.
     *
     * @param scopes          critical scopes opened
     * @param samples         stacks sampled because their thread was in a critical scope
     * @param samplesCapped   samples refused because the second's budget was spent (0: every event was sampled)
     * @param samplesPerSecond the budget, the agent's {@code criticalSamplesPerSecond} option
     */
    public record Critical(long scopes, long samples, long samplesCapped, long samplesPerSecond) {
    }

    /**
     * One operation: what the virtual threads did while they worked for it. Its counts and distributions cover the
     * events of threads inside one of its scopes, or started inside one (which inherit it); an event belongs to the
     * innermost scope open on its thread.
     *
     * @param threads            threads that began working for it: entered it from outside it, or inherited it
     * @param inheritedThreads   of those, virtual threads started inside it
     * @param blocks             blocks, pinned ones included; {@code == sum(blocksByKind) + pinnedBlocks}
     * @param pinnedBlocks       pinned blocks
     * @param wakes              wakes of its blocked threads
     * @param longSlices         its run slices at least {@code longSlices.thresholdNs} long
     * @param blocksByKind       unpinned blocks by kind, kinds with none left out
     * @param latencies          its distributions
     * @param blockSites         its sampled block sites, the most blocked time first, at most 5
     * @param blockSitesOverflow sampled blocks charged to no site: the operation had 64 distinct sites already
     * @param exemplars          its worst events, with their trace ids
     */
    public record Operation(String name, long threads, long inheritedThreads, long blocks, long pinnedBlocks,
                            long wakes, long longSlices, Map<String, Long> blocksByKind, Latencies latencies,
                            List<BlockSite> blockSites, long blockSitesOverflow, Exemplars exemplars) {
    }

    /**
     * {@code latencies} of one operation: HdrHistograms of the same layout as the top level's
     * ({@link LatencySummary}), so that {@code merge} adds them exactly.
     *
     * @param wakeToRun a wake of one of its threads to the next mount
     * @param blocked   an unpinned block of one of its threads to its end
     * @param runSlice  a mount of one of its threads to the unmount
     */
    public record Latencies(LatencySummary wakeToRun, LatencySummary blocked, LatencySummary runSlice) {
        /** The distribution a metric names ({@code wakeToRun}, {@code blocked}, {@code runSlice}), or null. */
        public LatencySummary metric(String name) {
            return switch (name) {
                case "wakeToRun" -> wakeToRun;
                case "blocked" -> blocked;
                case "runSlice" -> runSlice;
                default -> null;
            };
        }
    }

    /**
     * A sampled site where the operation's threads blocked (its stack as in {@code sites.block}).
     *
     * @param count     sampled blocks here whose end was seen
     * @param blockedNs their blocked time, summed
     */
    public record BlockSite(long count, long blockedNs, List<String> frames) {
    }

    /**
     * The worst events of an operation, 5 of each kind, the longest first.
     *
     * @param wakeToRun the longest waits for a carrier after a wake
     * @param blocked   the longest unpinned blocks
     * @param longSlice the longest long slices
     */
    public record Exemplars(List<Exemplar> wakeToRun, List<Exemplar> blocked, List<Exemplar> longSlice) {
    }

    /**
     * One of the worst events.
     *
     * @param pid          the JVM it happened in: only in a merged dump, {@code null} in the agent's own
     * @param durationNs   how long it took
     * @param startEpochMs when it began: the wake, the block, the mount
     * @param threadId     the virtual thread
     * @param traceId      the trace id of its thread's scope ({@code Loomscope.operation(name, traceId)}); {@code null}
     *                     if none was given (or it was lost)
     * @param frames       its site: the sampled block site, the walked stack of a long slice; {@code null} if none
     */
    public record Exemplar(Long pid, long durationNs, long startEpochMs, long threadId, String traceId,
                           List<String> frames) {
    }
}

package dev.loomscope.format;

/**
 * One dump: the whole JSON object, its sections in the order they are written. A section an older dump lacks is
 * {@code null} after reading.
 *
 * @param schema always {@link #SCHEMA} in a dump a reader accepts
 * @param operations the application's operations; {@code null} in dumps of agents before it, and when the agent's
 *                   {@code operations} option is off
 * @param merged which JVMs a dump made by {@code report merge} covers; {@code null} in the agent's own dumps
 */
public record LoomscopeDump(String schema, Jvm jvm, Agent agent, Recording recording, Counts counts,
                            Recorder recorder, Carriers carriers, Latencies latencies, LongSlices longSlices,
                            Sites sites, Leaks leaks, Operations operations, Heatmaps heatmaps, Scheduler scheduler,
                            Context context, Merged merged) {
    /** A dump without {@code operations} (as agents before it wrote them). */
    public LoomscopeDump(String schema, Jvm jvm, Agent agent, Recording recording, Counts counts, Recorder recorder,
                         Carriers carriers, Latencies latencies, LongSlices longSlices, Sites sites, Leaks leaks,
                         Heatmaps heatmaps, Scheduler scheduler, Context context, Merged merged) {
        this(schema, jvm, agent, recording, counts, recorder, carriers, latencies, longSlices, sites, leaks, null,
                heatmaps, scheduler, context, merged);
    }

    /**
     * The schema identifier, the value of {@code schema}: bumped only on incompatible changes, and a reader refuses a
     * value it does not know. Fields are only ever added within one schema.
     */
    public static final String SCHEMA = "loomscope/1";
    /** What every schema identifier of this format starts with: a file with another is not a Loomscope dump. */
    public static final String SCHEMA_FAMILY = "loomscope/";
}

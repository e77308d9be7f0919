/**
 * The {@code loomscope/1} dump format, in one place: what the agent writes and every reader reads.
 * <p>
 * One record per JSON object of the dump ({@link LoomscopeDump} and its sections), whose component names are the JSON
 * field names, so that a reader maps a dump onto them directly (Jackson databind, unknown fields ignored: fields are
 * only ever added within {@code loomscope/1}); {@link DumpJsonWriter}, the one writer, used by the agent and by
 * {@code report merge} alike; the codec of the embedded histograms ({@link HistogramCodec}); the latency summary built
 * from a histogram ({@link LatencySummary#of}); the order of the call-site lists ({@link SiteRanking}); which frames
 * of a stack are the application's ({@link ApplicationFrames}); when a percentile has enough samples to be judged
 * ({@link SampleRule}); sums over heatmap rows ({@link HeatmapRow}). Every field is documented in {@code docs/schema.md} and described, for
 * validators, by {@code docs/loomscope-1.schema.json}.
 * <p>
 * Conventions. A component the schema requires is a primitive where it is a number or a boolean; a field the schema
 * allows to be absent (or that only a merged dump has) is an object type, {@code null} when absent; a section or
 * summary an older dump lacks is {@code null} after reading. Records hold the lists and maps they are given, without
 * copying: the agent builds them once per dump, readers only read them.
 * <p>
 * The module depends on HdrHistogram and on jackson-core (the streaming writer), never on databind: it runs inside
 * the agent, relocated with them.
 */
package dev.loomscope.format;

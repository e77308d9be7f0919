package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.format.Agent;
import dev.loomscope.format.Carriers;
import dev.loomscope.format.Context;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.Jvm;
import dev.loomscope.format.Latencies;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.Leaks;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Operations;
import dev.loomscope.format.Recorder;
import dev.loomscope.format.Recording;
import dev.loomscope.format.Scheduler;
import dev.loomscope.format.SiteRanking;
import dev.loomscope.format.Sites;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Writes a {@link Snapshot} as {@code loomscope/1} JSON: maps it to the format's records ({@link #dump}), which
 * {@link DumpJsonWriter} writes. The one place that reads a snapshot for output: a change to {@link Snapshot} is
 * answered here and nowhere else.
 */
public final class SnapshotJsonWriter {
    /** What the columns of the activity heatmaps are, written into every dump for its readers. */
    static final String ACTIVITY_COLUMNS = "carrier column (carriers.perCarrier[].column); 0 = other threads";
    /** The bucket layout of {@link LogLatencyBuckets}, written into every dump with the latency heatmaps. */
    static final Heatmaps.Buckets LATENCY_BUCKETS = new Heatmaps.Buckets("base2-exponential",
            LogLatencyBuckets.SUB_BUCKETS, LogLatencyBuckets.BUCKETS,
            "i holds latencies v (ns) with 2^(i/4) < v <= 2^((i+1)/4); 0 also holds v <= 1; the last holds v > 2^40");

    private SnapshotJsonWriter() {
    }

    public static void write(Snapshot snapshot, OutputStream out) throws IOException {
        DumpJsonWriter.write(dump(snapshot), out);
    }

    /**
     * The snapshot as the format's records. Summarises the distributions, after the drain's lock is released:
     * percentiles and the compressed histograms are the slow part of a dump.
     */
    static LoomscopeDump dump(Snapshot snapshot) {
        Snapshot.Data data = snapshot.data();
        Snapshot.JvmInfo jvm = snapshot.jvm();
        Counts c = data.counts();
        return new LoomscopeDump(LoomscopeDump.SCHEMA,
                new Jvm(jvm.pid(), jvm.javaVersion(), jvm.vendor(), jvm.startEpochMs()),
                new Agent(snapshot.agentVersion(), snapshot.options(),
                        new Agent.Hooks(snapshot.hooks().applied(), snapshot.hooks().missing())),
                new Recording(snapshot.trigger(), snapshot.lateAttach() ? Recording.LATE : Recording.STARTUP,
                        snapshot.recordingStartEpochMs(), snapshot.dumpEpochMs(), snapshot.recordingNanos()),
                counts(c),
                new Recorder(c.events(), c.trackedThreads(), snapshot.drainCpuNanos(), snapshot.clock(),
                        shedding(data.shedding())),
                carriers(data),
                latencies(data.latencies()),
                longSlices(data),
                sites(snapshot, data),
                leaks(data),
                operations(snapshot, data),
                heatmaps(snapshot.windowNanos(), data.heatmaps()),
                scheduler(snapshot.context().scheduler()),
                context(snapshot.context()),
                null);
    }

    private static dev.loomscope.format.Counts counts(Counts c) {
        Map<String, Long> blocksByKind = new LinkedHashMap<>();
        for (int kind = 1; kind < BlockKind.COUNT; kind++) {
            if (kind != BlockKind.YIELD) { // a yield is not a block: counted in counts.yields
                blocksByKind.put(BlockKind.name(kind), c.blocksByKind()[kind]);
            }
        }
        blocksByKind.put(BlockKind.name(BlockKind.UNKNOWN), c.blocksByKind()[BlockKind.UNKNOWN]);
        Map<String, Long> droppedByKind = new LinkedHashMap<>();
        for (int kind = 1; kind < EventKind.COUNT; kind++) {
            droppedByKind.put(EventKind.name(kind), c.droppedByKind()[kind]);
        }
        Map<String, Long> pinnedByKind = new LinkedHashMap<>();
        for (int kind = 0; kind < PinnedKind.COUNT; kind++) {
            pinnedByKind.put(PinnedKind.name(kind), c.pinnedByKind()[kind]);
        }
        return new dev.loomscope.format.Counts(c.created(), c.started(), c.ended(), c.live(), c.blocks(),
                c.pinnedBlocks(), c.wakes(), c.yields(), c.mounts(), c.unmounts(), c.submitFailed(), c.dropped(),
                c.agentErrors(), c.preexistingEnded(), blocksByKind, droppedByKind, pinnedByKind);
    }

    private static Recorder.Shedding shedding(Snapshot.Shedding shedding) {
        return new Recorder.Shedding(shedding.levelNow(), shedding.maxLevel(), shedding.episodes(),
                shedding.shedNanos(), shedding.forgotten(), shedding.creationsCounted(), SheddingHistory.COLUMNS,
                rows(shedding.windows()));
    }

    private static Carriers carriers(Snapshot.Data data) {
        Counts c = data.counts();
        Map<Long, String> names = CarrierNames.of(data.carriers());
        List<Carriers.Carrier> perCarrier = new ArrayList<>();
        for (Snapshot.Carrier carrier : data.carriers()) {
            perCarrier.add(new Carriers.Carrier(carrier.column(), carrier.threadId(), names.get(carrier.threadId()),
                    carrier.mounts(), carrier.busyNanos(), carrier.idleNanos(), carrier.longestSliceNanos(),
                    carrier.mountedNow()));
        }
        return new Carriers(c.carriersStarted(), c.carriersExited(), c.carrierIdlePeriods(), perCarrier);
    }

    private static Latencies latencies(Snapshot.Latencies latencies) {
        Map<String, LatencySummary> blockedByKind = new LinkedHashMap<>();
        for (int kind = 0; kind < latencies.blockedByKind().size(); kind++) {
            LatencyDistribution distribution = latencies.blockedByKind().get(kind);
            if (distribution != null) {
                blockedByKind.put(BlockKind.name(kind), distribution.summary());
            }
        }
        Map<String, LatencySummary> pinnedBlockedByKind = new LinkedHashMap<>();
        for (int kind = 0; kind < latencies.pinnedBlockedByKind().size(); kind++) {
            LatencyDistribution distribution = latencies.pinnedBlockedByKind().get(kind);
            if (distribution != null) {
                pinnedBlockedByKind.put(PinnedKind.name(kind), distribution.summary());
            }
        }
        return new Latencies(latencies.startDelay().summary(), latencies.wakeToRun().summary(),
                latencies.blocked().summary(), latencies.runSlice().summary(), latencies.pinnedBlocked().summary(),
                blockedByKind, pinnedBlockedByKind);
    }

    private static LongSlices longSlices(Snapshot.Data data) {
        List<LongSlices.LongSlice> longest = new ArrayList<>();
        for (LongSlice slice : data.longestSlices()) {
            longest.add(new LongSlices.LongSlice(null, slice.threadId(), slice.carrierThreadId(),
                    slice.startEpochNanos() / 1_000_000, slice.durationNanos(), slice.ongoing(),
                    frames(data, slice.site())));
        }
        return new LongSlices(data.longSliceThresholdNanos(), data.longSlices(), longest);
    }

    /** Each list ranked by {@link SiteRanking}, ties in site order; only the top sites become records. */
    private static Sites sites(Snapshot snapshot, Snapshot.Data data) {
        int top = ((Number) snapshot.options().getOrDefault("topSites", 20)).intValue();
        List<SiteTable.Site> sites = data.sites();
        return new Sites(((Number) snapshot.options().getOrDefault("sampleEvery", 0)).intValue(),
                data.samplesTaken(), data.samplesLost(), sites.size(),
                top(sites, s -> 0, s -> s.creates, top, s -> new Sites.CreateSite(s.creates, s.frames)),
                // pinned blocks are listed under "pinned"
                top(sites, s -> s.blocked.totalNanos, SnapshotJsonWriter::unpinnedBlocks, top,
                        s -> new Sites.BlockSite(unpinnedBlocks(s), kinds(s.blocksByKind, BlockKind.PINNED),
                                charges(s.blocked), s.frames)),
                top(sites, s -> s.wakeToRun.totalNanos, s -> s.wakeToRun.count, top,
                        s -> new Sites.WakeSite(s.wakeToRun.count, charges(s.wakeToRun), s.frames)),
                top(sites, s -> s.pinned.totalNanos, s -> s.blocksByKind[BlockKind.PINNED], top,
                        s -> new Sites.PinnedSite(s.blocksByKind[BlockKind.PINNED], pinnedKinds(s.pinnedByKind),
                                charges(s.pinned), s.frames)));
    }

    private static <T> List<T> top(List<SiteTable.Site> sites, ToLongFunction<SiteTable.Site> chargedNanos,
                                   ToLongFunction<SiteTable.Site> count, int limit,
                                   Function<SiteTable.Site, T> entry) {
        return SiteRanking.top(sites, chargedNanos, count, limit).stream().map(entry).toList();
    }

    private static long unpinnedBlocks(SiteTable.Site site) {
        long n = 0;
        for (int kind = 0; kind < BlockKind.COUNT; kind++) {
            if (kind != BlockKind.PINNED) {
                n += site.blocksByKind[kind];
            }
        }
        return n;
    }

    private static Sites.Charges charges(SiteTable.Charges charges) {
        return Sites.Charges.of(charges.count, charges.totalNanos, charges.nonZeroBuckets());
    }

    /** Counts by block kind name, kinds with none (and {@code except}, if a kind) left out. */
    private static Map<String, Long> kinds(long[] byKind, int except) {
        Map<String, Long> kinds = new LinkedHashMap<>();
        for (int kind = 0; kind < BlockKind.COUNT; kind++) {
            if (byKind[kind] > 0 && kind != except) {
                kinds.put(BlockKind.name(kind), byKind[kind]);
            }
        }
        return kinds;
    }

    /** Counts by pinned-block kind name, kinds with none left out. */
    private static Map<String, Long> pinnedKinds(long[] byKind) {
        Map<String, Long> kinds = new LinkedHashMap<>();
        for (int kind = 0; kind < PinnedKind.COUNT; kind++) {
            if (byKind[kind] > 0) {
                kinds.put(PinnedKind.name(kind), byKind[kind]);
            }
        }
        return kinds;
    }

    /** The frames of a site id, {@code null} for {@link SiteTable#NONE}. */
    private static List<String> frames(Snapshot.Data data, int site) {
        return site == SiteTable.NONE ? null : data.sites().get(site - 1).frames;
    }

    private static Leaks leaks(Snapshot.Data data) {
        long threads = 0;
        List<Leaks.Cluster> clusters = new ArrayList<>();
        for (LeakCluster cluster : data.leaks()) {
            threads += cluster.threads;
            clusters.add(new Leaks.Cluster(cluster.threads, cluster.oldestNanos, kinds(cluster.byKind, -1),
                    frames(data, cluster.site)));
        }
        return new Leaks(data.leakThresholdNanos(), threads, clusters);
    }

    /** The operations, in the order their names were first used; null when the {@code operations} option is off. */
    private static Operations operations(Snapshot snapshot, Snapshot.Data data) {
        Snapshot.Operations operations = data.operations();
        if (operations.limit() == 0) {
            return null;
        }
        List<Operations.Operation> perOperation = new ArrayList<>();
        for (Snapshot.Operation operation : operations.operations()) {
            List<Operations.BlockSite> blockSites = new ArrayList<>();
            for (Snapshot.OperationSite site : operation.blockSites()) {
                blockSites.add(new Operations.BlockSite(site.count(), site.totalNanos(), frames(data, site.site())));
            }
            perOperation.add(new Operations.Operation(operation.name(), operation.threads(),
                    operation.inheritedThreads(), operation.blocks(), operation.pinnedBlocks(), operation.wakes(),
                    operation.longSlices(), kinds(operation.blocksByKind(), BlockKind.PINNED),
                    new Operations.Latencies(operation.wakeToRun().summary(), operation.blocked().summary(),
                            operation.runSlice().summary()),
                    blockSites, operation.blockSitesOverflow(),
                    new Operations.Exemplars(exemplars(data, operation.worstWakeToRun()),
                            exemplars(data, operation.worstBlocked()), exemplars(data, operation.worstLongSlices()))));
        }
        long samplesPerSecond = ((Number) snapshot.options().getOrDefault("criticalSamplesPerSecond", 0))
                .longValue();
        return new Operations(operations.limit(), operations.named(), operations.scopesOverLimit(),
                operations.scopesIgnored(), operations.namesTruncated(), operations.maxNameChars(),
                operations.scopesUntracked(), operations.traceIdsIgnored(), operations.traceIdsLost(),
                operations.apiClassesWoven(),
                new Operations.Critical(operations.criticalScopes(), operations.criticalSamples(),
                        operations.criticalSamplesCapped(), samplesPerSecond),
                perOperation);
    }

    private static List<Operations.Exemplar> exemplars(Snapshot.Data data, List<Exemplars.Exemplar> worst) {
        List<Operations.Exemplar> exemplars = new ArrayList<>(worst.size());
        for (Exemplars.Exemplar exemplar : worst) {
            exemplars.add(new Operations.Exemplar(null, exemplar.durationNanos(),
                    Math.floorDiv(exemplar.startEpochNanos(), 1_000_000), exemplar.threadId(), exemplar.traceId(),
                    frames(data, exemplar.site())));
        }
        return exemplars;
    }

    private static Heatmaps heatmaps(long windowNanos, Snapshot.Heatmaps heatmaps) {
        return new Heatmaps(windowNanos / 1_000_000,
                new Heatmaps.Activity(ACTIVITY_COLUMNS, rows(heatmaps.create()), rows(heatmaps.block()),
                        rows(heatmaps.wake()), rows(heatmaps.mount())),
                new Heatmaps.Latency(LATENCY_BUCKETS, rows(heatmaps.startDelay()), rows(heatmaps.wakeToRun()),
                        rows(heatmaps.blocked()), rows(heatmaps.runSlice())));
    }

    /** The scheduler's values as {@code ContextSampler.schedulerNow} reads them: the pool's all or none. */
    @SuppressWarnings("unchecked")
    private static Scheduler scheduler(Map<String, Object> values) {
        Scheduler.MxBean mxBean = null;
        if (values.get("mxBean") instanceof Map<?, ?> mx) {
            Map<String, Object> m = (Map<String, Object>) mx;
            mxBean = new Scheduler.MxBean(number(m, "parallelism"), number(m, "poolSize"),
                    number(m, "mountedVirtualThreadCount"), number(m, "queuedVirtualThreadCount"));
        }
        return new Scheduler(boxed(values, "parallelism"), boxed(values, "poolSize"),
                boxed(values, "activeThreads"), boxed(values, "runningThreads"), boxed(values, "queuedTasks"),
                boxed(values, "queuedSubmissions"), boxed(values, "steals"), mxBean);
    }

    private static Long boxed(Map<String, Object> values, String name) {
        return values.get(name) instanceof Number n ? n.longValue() : null;
    }

    private static long number(Map<String, Object> values, String name) {
        return values.get(name) instanceof Number n ? n.longValue() : 0;
    }

    private static Context context(Snapshot.Context context) {
        return new Context(new Context.Gc(context.pauseCollectors(), context.gcPauses(), context.gcPauseNanos(),
                        ContextSampler.GC_PAUSE_RESOLUTION_NANOS),
                new Context.CpuThrottling(context.cpuStatFile() != null, context.cpuStatFile(),
                        context.throttledPeriods(), context.throttledNanos()),
                ContextSampler.COLUMNS, rows(context.series()));
    }

    /** Rows with non-zero cells only, each cell as {@code [column, count]}. */
    private static List<HeatmapRow> rows(List<WindowedHeatmap.Row> rows) {
        List<HeatmapRow> out = new ArrayList<>(rows.size());
        for (WindowedHeatmap.Row row : rows) {
            int[] cells = row.cells();
            int nonZero = 0;
            for (int count : cells) {
                if (count != 0) {
                    nonZero++;
                }
            }
            long[][] pairs = new long[nonZero][];
            int i = 0;
            for (int column = 0; column < cells.length; column++) {
                if (cells[column] != 0) {
                    pairs[i++] = new long[]{column, cells[column]};
                }
            }
            out.add(row.tier() < 0
                    ? HeatmapRow.earlier(Math.floorDiv(row.lengthNanos(), 1_000_000), pairs) // its end, for this row
                    : HeatmapRow.window(Math.floorDiv(row.startEpochNanos(), 1_000_000),
                    row.lengthNanos() / 1_000_000, row.tier(), pairs));
        }
        return out;
    }
}

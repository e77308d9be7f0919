package dev.loomscope.agent.metrics;

import dev.loomscope.core.MetricsReading;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The recording as Prometheus metrics: every scrape reads the recording once ({@link MetricsReading}) and turns that
 * one reading into every metric family, so that all values of a scrape describe the same moment, as a dump would.
 * Names follow Prometheus' conventions (prefix {@code loomscope_}, base unit seconds, {@code _total} on counters,
 * added by the exposition formats); the list, with the JSON field each comes from, is in {@code docs/fleet.md}.
 * <p>
 * No label per thread, carrier or call site: a JVM exports a fixed set of series (see {@code docs/fleet.md} for the
 * count), whatever its load. Every series has the labels {@code service} and {@code pid}.
 */
final class RecordingCollector implements MultiCollector {
    /** What a scrape reads: the recording of this JVM now. */
    @FunctionalInterface
    interface Source {
        MetricsReading read() throws IOException;
    }

    private final Source source;
    private final Labels jvmLabels;
    /** Operations labelled ({@code metricsOperations}), the busiest; 0: none. */
    private final int operations;

    RecordingCollector(Source source, String service, long pid) {
        this(source, service, pid, 0);
    }

    /** @param operations how many of the application's operations get histograms of their own (the busiest) */
    RecordingCollector(Source source, String service, long pid, int operations) {
        this.source = source;
        this.jvmLabels = Labels.of("service", service, "pid", Long.toString(pid));
        this.operations = operations;
    }

    @Override
    public MetricSnapshots collect() {
        MetricsReading reading;
        try {
            reading = source.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the scrape fails (HTTP 500); Prometheus records it in `up`
        }
        return snapshots(reading);
    }

    MetricSnapshots snapshots(MetricsReading r) {
        List<MetricSnapshot> metrics = new ArrayList<>();
        // counts
        counter(metrics, "loomscope_virtual_threads_created", "Virtual threads started (Thread.start); counts.created",
                r.created());
        counter(metrics, "loomscope_virtual_threads_started", "Virtual threads whose task began (first mount);"
                + " counts.started", r.started());
        counter(metrics, "loomscope_virtual_threads_ended", "Virtual threads created during the recording that"
                + " terminated; counts.ended", r.ended());
        counter(metrics, "loomscope_virtual_threads_preexisting_ended", "After a late attach, threads from before it"
                + " that ended; counts.preexistingEnded", r.preexistingEnded());
        gauge(metrics, "loomscope_virtual_threads_live", "Virtual threads created and not ended; counts.live",
                r.live());
        counterByKind(metrics, "loomscope_blocks", "Blocks by kind, pinned included; counts.blocksByKind",
                r.blocksByKind());
        counterByKind(metrics, "loomscope_pinned_blocks", "Blocks while pinned (the carrier blocked too), by what"
                + " blocked; counts.pinnedByKind", r.pinnedByKind());
        counter(metrics, "loomscope_wakes", "Blocked virtual threads queued for a carrier again; counts.wakes",
                r.wakes());
        counter(metrics, "loomscope_yields", "Thread.yield calls that left the carrier; counts.yields", r.yields());
        counter(metrics, "loomscope_mounts", "Run slices begun; counts.mounts", r.mounts());
        counter(metrics, "loomscope_unmounts", "Run slices ended; counts.unmounts", r.unmounts());
        counter(metrics, "loomscope_submit_failed", "Continuations the scheduler rejected; counts.submitFailed",
                r.submitFailed());
        counterByKind(metrics, "loomscope_dropped_records", "Records lost because a ring was full, by event kind;"
                + " counts.droppedByKind", r.droppedByKind());
        counter(metrics, "loomscope_agent_errors", "Exceptions caught and swallowed inside the agent's hooks;"
                + " counts.agentErrors", r.agentErrors());
        // recorder, carriers, scheduler
        counter(metrics, "loomscope_records", "Records aggregated; recorder.events", r.events());
        if (r.drainCpuNanos() >= 0) {
            counterSeconds(metrics, "loomscope_drain_cpu_seconds", "CPU time of the drain thread; recorder.drainCpuNs",
                    r.drainCpuNanos());
        }
        gauge(metrics, "loomscope_shedding_level", "The drain fell behind: the recorder follows 1 in 2^level of the"
                + " threads threadSample follows (0: all of them); recorder.shedding.levelNow", r.sheddingLevel());
        counter(metrics, "loomscope_shedding_episodes", "Times the recorder began to shed threads;"
                + " recorder.shedding.episodes", r.sheddingEpisodes());
        counterSeconds(metrics, "loomscope_shedding_seconds", "Time spent shedding threads (an upper bound):"
                + " latencies then describe the followed threads; recorder.shedding.shedNs", r.sheddingNanos());
        counter(metrics, "loomscope_shedding_histories_forgotten", "Partial histories of shed threads left out of"
                + " every latency; recorder.shedding.historiesForgotten", r.sheddingHistoriesForgotten());
        counter(metrics, "loomscope_shedding_creations_counted", "Creations of threads shed as they started,"
                + " counted in loomscope_virtual_threads_created; recorder.shedding.creationsCounted",
                r.sheddingCreationsCounted());
        counter(metrics, "loomscope_carriers_started", "Carrier threads that began their worker loop;"
                + " carriers.started", r.carriersStarted());
        counter(metrics, "loomscope_carriers_exited", "Carrier threads that exited; carriers.exited",
                r.carriersExited());
        counter(metrics, "loomscope_carrier_idle_periods", "Times a carrier went idle waiting for work;"
                + " carriers.idlePeriods", r.carrierIdlePeriods());
        counterSeconds(metrics, "loomscope_carrier_busy_seconds", "Finished run slices of all carriers;"
                + " sum of carriers.perCarrier[].busyNs", r.carrierBusyNanos());
        counterSeconds(metrics, "loomscope_carrier_idle_seconds", "Time carriers spent idle waiting for work;"
                + " sum of carriers.perCarrier[].idleNs", r.carrierIdleNanos());
        carriers(metrics, r);
        long parallelism = r.schedulerParallelism();
        if (parallelism != MetricsReading.UNKNOWN) {
            gauge(metrics, "loomscope_scheduler_parallelism", "The virtual-thread scheduler's parallelism",
                    parallelism);
        }
        long poolSize = r.schedulerPoolSize();
        if (poolSize != MetricsReading.UNKNOWN) {
            gauge(metrics, "loomscope_scheduler_pool_size", "Carrier threads in the scheduler's pool", poolSize);
        }
        long queued = r.schedulerQueued();
        if (queued != MetricsReading.UNKNOWN) {
            gauge(metrics, "loomscope_scheduler_queued_virtual_threads", "Virtual threads queued for a carrier"
                    + " (VirtualThreadSchedulerMXBean on JDK 24+, else the pool's queued tasks)", queued);
        }
        long mounted = r.schedulerMounted();
        if (mounted != MetricsReading.UNKNOWN) {
            gauge(metrics, "loomscope_scheduler_mounted_virtual_threads", "Virtual threads mounted on a carrier"
                    + " (VirtualThreadSchedulerMXBean, JDK 24+)", mounted);
        }
        long steals = r.schedulerSteals();
        if (steals != MetricsReading.UNKNOWN) {
            counter(metrics, "loomscope_scheduler_steals", "Tasks stolen between the scheduler's carriers", steals);
        }
        // long slices, leaks
        counter(metrics, "loomscope_long_slices", "Finished run slices at least longSlice long; longSlices.count",
                r.longSlices());
        gauge(metrics, "loomscope_long_slices_running", "Run slices running now that are past longSlice: carriers"
                + " monopolised now", r.longSlicesRunning());
        gaugeSeconds(metrics, "loomscope_long_slice_running_longest_seconds", "The longest of the slices running"
                + " past longSlice, so far (0 if none)", r.longestRunningSliceNanos());
        gauge(metrics, "loomscope_leaked_threads", "Virtual threads blocked at least leakThreshold; leaks.threads",
                r.leakedThreads());
        gauge(metrics, "loomscope_leak_clusters", "Block sites of the leaked threads; leaks.clusters",
                r.leakClusters());
        gauge(metrics, "loomscope_leak_largest_cluster_threads", "Threads of the largest leak cluster;"
                + " leaks.clusters[0].threads", r.largestLeakClusterThreads());
        gaugeSeconds(metrics, "loomscope_leak_largest_cluster_oldest_seconds", "How long the oldest thread of the"
                + " largest leak cluster has been blocked; leaks.clusters[0].oldestBlockedNs",
                r.largestLeakClusterOldestNanos());
        gaugeSeconds(metrics, "loomscope_leak_threshold_seconds", "The leakThreshold option; leaks.thresholdNs",
                r.leakThresholdNanos());
        // latencies
        histogram(metrics, "loomscope_wake_to_run_seconds", "From a wake to the next mount: the time a runnable"
                + " virtual thread waited for a carrier; latencies.wakeToRun", r.wakeToRun());
        HistogramSnapshot.Builder blocked = HistogramSnapshot.builder().name("loomscope_blocked_seconds")
                .help("Unpinned blocks by kind, to their end; latencies.blockedByKind").unit(Unit.SECONDS);
        for (Map.Entry<String, MetricsReading.Latency> kind : r.blockedByKind().entrySet()) {
            blocked.dataPoint(LatencyHistogram.dataPoint(kind.getValue()::forEachRecordedValue,
                    jvmLabels.add("kind", kind.getKey())));
        }
        metrics.add(blocked.build());
        histogram(metrics, "loomscope_start_delay_seconds", "From Thread.start to the first mount;"
                + " latencies.startDelay", r.startDelay());
        histogram(metrics, "loomscope_run_slice_seconds", "From mount to unmount; latencies.runSlice", r.runSlice());
        histogram(metrics, "loomscope_pinned_seconds", "Pinned parks, to their end: the carrier itself was blocked;"
                + " latencies.pinnedBlocked", r.pinned());
        operations(metrics, r);
        // the recording and this scrape
        metrics.add(InfoSnapshot.builder().name("loomscope_agent").help("The agent: its version, the JVM's Java"
                + " version, and the clock its timestamps are read from (recorder.clock)")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(jvmLabels.merge(Labels.of(
                        "version", r.agentVersion(), "java_version", r.javaVersion(), "clock", r.clock())))
                        .build())
                .build());
        gauge(metrics, "loomscope_recording_start_time_seconds", "When the recording began, seconds since the"
                + " epoch; recording.startEpochMs", r.recordingStartEpochMs() / 1000.0);
        gaugeSeconds(metrics, "loomscope_scrape_read_seconds", "How long this scrape took to read the recording",
                r.readNanos());
        gaugeSeconds(metrics, "loomscope_scrape_lock_held_seconds", "How long this scrape held the recording's lock"
                + " (the drain waited meanwhile)", r.lockHeldNanos());
        return new MetricSnapshots(metrics);
    }

    /**
     * The busiest of the application's operations ({@code metricsOperations} of them), one series per operation,
     * labelled {@code operation}, with its worst events as exemplars carrying their trace ids ({@code trace_id}):
     * {@code loomscope_operation_wake_to_run_seconds} and {@code loomscope_operation_blocked_seconds}. Absent when the
     * application names no operation, so a JVM without them exports the fixed set of series it always did.
     */
    private void operations(List<MetricSnapshot> metrics, MetricsReading r) {
        List<MetricsReading.Operation> top = operations == 0 ? List.of() : r.operations(operations);
        if (top.isEmpty()) {
            return;
        }
        HistogramSnapshot.Builder wakeToRun = HistogramSnapshot.builder()
                .name("loomscope_operation_wake_to_run_seconds").unit(Unit.SECONDS)
                .help("From a wake to the next mount, per operation of the application (Loomscope.operation; the"
                        + " busiest, metricsOperations); operations.perOperation[].latencies.wakeToRun");
        HistogramSnapshot.Builder blocked = HistogramSnapshot.builder()
                .name("loomscope_operation_blocked_seconds").unit(Unit.SECONDS)
                .help("Unpinned blocks to their end, per operation of the application (the busiest,"
                        + " metricsOperations); operations.perOperation[].latencies.blocked");
        for (MetricsReading.Operation operation : top) {
            Labels labels = jvmLabels.add("operation", operation.name());
            wakeToRun.dataPoint(LatencyHistogram.dataPoint(operation.wakeToRun()::forEachRecordedValue, labels,
                    exemplars(operation.worstWakeToRun())));
            blocked.dataPoint(LatencyHistogram.dataPoint(operation.blocked()::forEachRecordedValue, labels,
                    exemplars(operation.worstBlocked())));
        }
        metrics.add(wakeToRun.build());
        metrics.add(blocked.build());
    }

    /** An operation's worst events as exemplars: the value in seconds, {@code trace_id} when it has one. */
    private static Exemplars exemplars(List<MetricsReading.Exemplar> worst) {
        List<Exemplar> exemplars = new ArrayList<>();
        for (MetricsReading.Exemplar e : worst) {
            Exemplar.Builder exemplar = Exemplar.builder().value(Unit.nanosToSeconds(e.durationNanos()))
                    .timestampMillis(e.startEpochMillis());
            if (e.traceId() != null) {
                exemplar.traceId(e.traceId());
            }
            exemplars.add(exemplar.build());
        }
        return Exemplars.of(exemplars);
    }

    /** Busy: a virtual thread mounted now; idle: the rest of the scheduler's pool. */
    private void carriers(List<MetricSnapshot> metrics, MetricsReading r) {
        GaugeSnapshot.Builder carriers = GaugeSnapshot.builder().name("loomscope_carriers")
                .help("Carrier threads now: busy (a virtual thread mounted) or idle (the rest of the scheduler's"
                        + " pool)");
        int busy = r.carriersMountedNow();
        carriers.dataPoint(gaugePoint(busy, jvmLabels.add("state", "busy")));
        long poolSize = r.schedulerPoolSize();
        if (poolSize != MetricsReading.UNKNOWN) {
            carriers.dataPoint(gaugePoint(Math.max(0, poolSize - busy), jvmLabels.add("state", "idle")));
        }
        metrics.add(carriers.build());
    }

    private void counter(List<MetricSnapshot> metrics, String name, String help, double value) {
        metrics.add(new CounterSnapshot(new MetricMetadata(name, help),
                List.of(counterPoint(value, jvmLabels))));
    }

    private void counterSeconds(List<MetricSnapshot> metrics, String name, String help, long nanos) {
        metrics.add(new CounterSnapshot(new MetricMetadata(name, help, Unit.SECONDS),
                List.of(counterPoint(Unit.nanosToSeconds(nanos), jvmLabels))));
    }

    private void counterByKind(List<MetricSnapshot> metrics, String name, String help, Map<String, Long> byKind) {
        List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
        for (Map.Entry<String, Long> kind : byKind.entrySet()) {
            points.add(counterPoint(kind.getValue(), jvmLabels.add("kind", kind.getKey())));
        }
        metrics.add(new CounterSnapshot(new MetricMetadata(name, help), points));
    }

    private void gauge(List<MetricSnapshot> metrics, String name, String help, double value) {
        metrics.add(new GaugeSnapshot(new MetricMetadata(name, help), List.of(gaugePoint(value, jvmLabels))));
    }

    private void gaugeSeconds(List<MetricSnapshot> metrics, String name, String help, long nanos) {
        metrics.add(new GaugeSnapshot(new MetricMetadata(name, help, Unit.SECONDS),
                List.of(gaugePoint(Unit.nanosToSeconds(nanos), jvmLabels))));
    }

    private void histogram(List<MetricSnapshot> metrics, String name, String help, MetricsReading.Latency latency) {
        metrics.add(new HistogramSnapshot(new MetricMetadata(name, help, Unit.SECONDS),
                List.of(LatencyHistogram.dataPoint(latency::forEachRecordedValue, jvmLabels))));
    }

    private static CounterSnapshot.CounterDataPointSnapshot counterPoint(double value, Labels labels) {
        return new CounterSnapshot.CounterDataPointSnapshot(value, labels, null, 0L);
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gaugePoint(double value, Labels labels) {
        return new GaugeSnapshot.GaugeDataPointSnapshot(value, labels, null);
    }
}

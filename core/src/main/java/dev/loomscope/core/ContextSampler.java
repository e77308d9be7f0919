package dev.loomscope.core;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * What else happened in the JVM and its container, on the heatmaps' time axis: GC pauses, CPU throttling of the
 * cgroup, and the virtual-thread scheduler's pool (size and queued work), sampled by the drain thread.
 * <p>
 * The series is a {@link WindowedHeatmap} whose columns are the metrics below; every cell is additive, so windows
 * downsample exactly (a mean is a sum over its sample count).
 */
final class ContextSampler {
    static final int GC_PAUSES = 0;
    static final int GC_PAUSE_MICROS = 1;
    static final int THROTTLED_PERIODS = 2;
    static final int THROTTLED_MICROS = 3;
    static final int SCHEDULER_SAMPLES = 4;
    static final int QUEUED_SUM = 5;
    static final int POOL_SIZE_SUM = 6;
    static final List<String> COLUMNS = List.of("gcPauses", "gcPauseUs", "throttledPeriods", "throttledUs",
            "schedulerSamples", "queuedSum", "poolSizeSum");

    private static final long SCHEDULER_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long THROTTLING_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final WindowedHeatmap series;
    private final ForkJoinPool scheduler;
    private final CpuThrottling throttling;
    private final ConcurrentLinkedQueue<long[]> gcPauses = new ConcurrentLinkedQueue<>();
    private final List<String> pauseCollectors = new ArrayList<>();
    private final long originNanoTime;
    private final long originEpochNanos;
    private long lastSchedulerSample;
    private long lastThrottlingSample;
    private long[] lastThrottling;
    private long gcPauseCount;
    private long gcPauseNanos;
    private long throttledPeriods;
    private long throttledNanos;

    /** @param scheduler the virtual-thread scheduler, or null if it could not be found */
    ContextSampler(long windowNanos, int fineWindows, ForkJoinPool scheduler, CpuThrottling throttling,
                   long originNanoTime, long originEpochNanos) {
        this.series = new WindowedHeatmap(windowNanos, fineWindows);
        this.scheduler = scheduler;
        this.throttling = throttling;
        this.originNanoTime = originNanoTime;
        this.originEpochNanos = originEpochNanos;
        this.lastThrottling = throttling == null ? null : throttling.read();
    }

    /** What a pause's duration is known to: {@code GcInfo} durations are whole milliseconds. */
    static final long GC_PAUSE_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * Listens to GC notifications of the beans whose notifications are stop-the-world pauses, and not to those that
     * report whole concurrent cycles ({@code ZGC Cycles}, {@code Shenandoah Cycles}), whose durations are not pauses.
     * {@code G1 Concurrent GC} is a pause bean despite its name: since JDK 20 its notifications are the Remark and
     * Cleanup pauses of G1's concurrent cycle (skipping it lost 12–18 pauses a run under concurrent cycles).
     * Notifications arrive on a JMX thread and only queue here; the drain adds them.
     */
    void listenToGc() {
        NotificationListener listener = this::onGcNotification;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if (name.contains("Cycles") || !(gc instanceof NotificationEmitter)) {
                continue;
            }
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
            pauseCollectors.add(name);
        }
    }

    private void onGcNotification(Notification notification, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            // GcInfo times are milliseconds since JVM start; the pause ended about now
            gcPauses.add(new long[]{System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(info.getGcInfo().getDuration())});
        }
    }

    /** Called by the drain thread between batches. */
    void sample(long nowNanoTime) {
        long[] pause;
        while ((pause = gcPauses.poll()) != null) {
            gcPauseCount++;
            gcPauseNanos += pause[1];
            series.add(epochNanos(pause[0]), GC_PAUSES, 1);
            series.add(epochNanos(pause[0]), GC_PAUSE_MICROS, pause[1] / 1000);
        }
        if (scheduler != null && nowNanoTime - lastSchedulerSample >= SCHEDULER_PERIOD_NANOS) {
            lastSchedulerSample = nowNanoTime;
            long epoch = epochNanos(nowNanoTime);
            series.add(epoch, SCHEDULER_SAMPLES, 1);
            series.add(epoch, QUEUED_SUM, scheduler.getQueuedSubmissionCount() + scheduler.getQueuedTaskCount());
            series.add(epoch, POOL_SIZE_SUM, scheduler.getPoolSize());
        }
        if (throttling != null && nowNanoTime - lastThrottlingSample >= THROTTLING_PERIOD_NANOS) {
            lastThrottlingSample = nowNanoTime;
            long[] now = throttling.read();
            if (now != null && lastThrottling != null) {
                long periods = Math.max(0, now[0] - lastThrottling[0]);
                long nanos = Math.max(0, now[1] - lastThrottling[1]);
                throttledPeriods += periods;
                throttledNanos += nanos;
                series.add(epochNanos(nowNanoTime), THROTTLED_PERIODS, periods);
                series.add(epochNanos(nowNanoTime), THROTTLED_MICROS, nanos / 1000);
            }
            lastThrottling = now;
        }
    }

    private long epochNanos(long nanoTime) {
        return originEpochNanos + (nanoTime - originNanoTime);
    }

    /** @param scheduler from {@link #schedulerNow}, which the caller reads outside the drain's lock */
    Snapshot.Context snapshot(Map<String, Object> scheduler) {
        return new Snapshot.Context(List.copyOf(pauseCollectors), gcPauseCount, gcPauseNanos,
                throttling == null ? null : throttling.file().toString(), throttledPeriods, throttledNanos,
                scheduler, series.rows());
    }

    /**
     * The scheduler as it is now: the pool's own counters and, on JDK 24+, the JDK's scheduler MXBean. Any thread:
     * reads only the pool and the platform MBean server.
     */
    Map<String, Object> schedulerNow() {
        Map<String, Object> values = new LinkedHashMap<>();
        if (scheduler != null) {
            values.put("parallelism", scheduler.getParallelism());
            values.put("poolSize", scheduler.getPoolSize());
            values.put("activeThreads", scheduler.getActiveThreadCount());
            values.put("runningThreads", scheduler.getRunningThreadCount());
            values.put("queuedTasks", scheduler.getQueuedTaskCount());
            values.put("queuedSubmissions", scheduler.getQueuedSubmissionCount());
            values.put("steals", scheduler.getStealCount());
        }
        try {
            ObjectName name = new ObjectName("jdk.management:type=VirtualThreadScheduler");
            var server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                Map<String, Object> mxBean = new LinkedHashMap<>();
                for (String attribute : new String[]{"Parallelism", "PoolSize", "MountedVirtualThreadCount",
                        "QueuedVirtualThreadCount"}) {
                    mxBean.put(Character.toLowerCase(attribute.charAt(0)) + attribute.substring(1),
                            server.getAttribute(name, attribute));
                }
                values.put("mxBean", mxBean);
            }
        } catch (Exception | LinkageError e) {
            // before JDK 24 there is no such MXBean; the pool's own counters stand alone
        }
        return values;
    }
}

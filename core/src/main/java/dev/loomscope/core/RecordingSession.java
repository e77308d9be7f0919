package dev.loomscope.core;

import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.EventRing;
import dev.loomscope.bootstrap.Recorder;
import dev.loomscope.bootstrap.SampleRing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One recording inside one JVM: owns the drain thread that empties the recorder's rings into the {@link Aggregator},
 * and writes dumps. The drain and every dump hold {@link #lock}, a lock no application thread ever takes.
 * <p>
 * Every wait here is bounded (docs/RELIABILITY.md): a dump drains at most what the rings held when it began, waits at
 * most {@link #LOCK_WAIT_SECONDS} for the lock, and the exit dump waits at most {@link #DRAIN_STOP_WAIT_MILLIS} for
 * the drain thread to stop, so a JVM asked to exit never hangs on the agent.
 */
public final class RecordingSession {
    /** Records taken from one ring before moving to the next, so one busy ring cannot starve the others. */
    private static final int DRAIN_BATCH = 4096;
    /**
     * Sleep of the drain thread after a pass that found little to do: doubled after each such pass, from the first to
     * the longest, so that a JVM that records little does not pay a wake-up every millisecond (each costs tens of
     * microseconds of CPU on a virtual machine: 2 % of a core idle, more than all the recording in a service doing a
     * few thousand transitions a second), and a burst after a quiet spell waits at most one long sleep (the rings hold
     * far more than that). A pass that found at least {@link #BUSY_PASS_RECORDS} records is followed at once.
     */
    private static final long FIRST_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
    private static final int BUSY_PASS_RECORDS = 1024;
    /** Longest wait of a dump for the lock (the drain's pass or another dump); past it the dump fails with one line. */
    static final long LOCK_WAIT_SECONDS = 10;
    /** Longest wait of the exit dump for the drain thread to finish its pass and stop. */
    static final long DRAIN_STOP_WAIT_MILLIS = 2_000;
    /** Longest wait at exit, after the exit dump, for other dumps to finish writing their files (SIGQUIT, interval). */
    static final Duration IN_FLIGHT_WAIT_AT_EXIT = Duration.ofSeconds(2);
    /** Shortest time between the two clock pairs the tick conversion starts from. */
    private static final long MIN_CALIBRATION_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final AgentOptions options;
    private final Supplier<HookReport> hooks;
    private final boolean lateAttach;
    private final String agentVersion;
    private final Aggregator aggregator;
    /** Drain thread (and dumps, under {@link #lock}): calibrated before every pass. */
    private final ClockConversion clock;
    private final ContextSampler context;
    private final EventRing[] rings;
    /** Held by the drain thread for one pass and by a dump for its drain and snapshot; never by an application thread. */
    private final ReentrantLock lock = new ReentrantLock();
    private final long startNanos = System.nanoTime();
    private final long startEpochMs = System.currentTimeMillis();
    private final Thread drainThread;
    private volatile boolean stopping;
    private static final long SAMPLE_REFILL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Drain thread only. */
    private long lastSampleRefill;
    /** The drain's CPU time when it stopped (the exit dump runs after it). */
    private volatile long lastDrainCpuNanos = -1;
    /** How long the last snapshot held {@link #lock}: the time the drain was kept waiting (metrics report it). */
    private volatile long lastSnapshotLockNanos;

    private RecordingSession(AgentOptions options, Supplier<HookReport> hooks, String agentVersion,
                             long firstObservableThreadId, boolean lateAttach, ForkJoinPool scheduler) {
        this.options = options;
        this.hooks = hooks;
        this.lateAttach = lateAttach;
        this.agentVersion = agentVersion;
        // origin a little in the past: records taken while the advice was being woven precede this constructor
        long originNanoTime = startNanos - TimeUnit.SECONDS.toNanos(10);
        long originEpochNanos = TimeUnit.MILLISECONDS.toNanos(startEpochMs) - TimeUnit.SECONDS.toNanos(10);
        this.clock = Recorder.rings() != null ? clockConversion() : ClockConversion.identity();
        this.aggregator = new Aggregator(firstObservableThreadId, originNanoTime, originEpochNanos,
                options.windowNanos(), options.fineWindows(), options.longSliceNanos(), Recorder.samples(),
                options.leakThresholdNanos(), options.stackDepth(), clock);
        this.context = new ContextSampler(options.windowNanos(), options.fineWindows(), scheduler,
                CpuThrottling.find(), originNanoTime, originEpochNanos);
        this.rings = Recorder.rings();
        this.drainThread = new Thread(this::drainLoop, "loomscope-drain");
        this.drainThread.setDaemon(true);
    }

    /**
     * Starts draining and arranges a dump at JVM exit.
     *
     * @param hooks                   which hooks are woven, asked at each dump (a class may be woven late)
     * @param firstObservableThreadId a thread id allocated when recording began: see {@link Aggregator}
     * @param lateAttach              started through the Attach API into a running JVM
     * @param scheduler               the virtual-thread scheduler, sampled for context; null if not found
     */
    public static RecordingSession start(AgentOptions options, Supplier<HookReport> hooks, String agentVersion,
                                         long firstObservableThreadId, boolean lateAttach, ForkJoinPool scheduler) {
        RecordingSession session = new RecordingSession(options, hooks, agentVersion, firstObservableThreadId,
                lateAttach, scheduler);
        if (session.rings != null) {
            try {
                session.context.listenToGc();
            } catch (RuntimeException | LinkageError e) {
                System.err.println("loomscope: no GC notifications (" + e + "); GC pauses not reported");
            }
            session.drainThread.start();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(session::dumpAtExit, "loomscope-exit-dump"));
        return session;
    }

    private void drainLoop() {
        // a slice must still be running when the drain looks, for its stack to be walked: wake at least twice per slice
        long longestIdlePark = Math.max(FIRST_IDLE_PARK_NANOS,
                Math.min(LONGEST_IDLE_PARK_NANOS, options.longSliceNanos() / 2));
        long idlePark = FIRST_IDLE_PARK_NANOS;
        while (!stopping) {
            int drained;
            lock.lock();
            try {
                drained = drainAllLocked();
                long now = System.nanoTime();
                aggregator.walkLongRunningSlices(now);
                context.sample(now);
                refillSampleBudget(now);
            } catch (Throwable t) {
                Recorder.countError();
                drained = 0;
            } finally {
                lock.unlock();
            }
            if (drained < BUSY_PASS_RECORDS) {
                LockSupport.parkNanos(idlePark);
                idlePark = Math.min(longestIdlePark, 2 * idlePark);
            } else {
                idlePark = FIRST_IDLE_PARK_NANOS;
            }
        }
        try {
            lastDrainCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        } catch (RuntimeException e) {
            // stays -1: unknown
        }
    }

    /** Ten times a second, lets a tenth of {@code samplesPerSecond} more random stack samples be taken. */
    private void refillSampleBudget(long now) {
        SampleRing samples = Recorder.samples();
        if (samples != null && now - lastSampleRefill >= SAMPLE_REFILL_NANOS) {
            lastSampleRefill = now;
            Recorder.allowSamplesUntil(samples.lvNextSequence() + Math.max(1, options.samplesPerSecond() / 10));
        }
    }

    /**
     * The conversion of the records' timestamps: from the pair the recorder took at install and one taken now, at
     * least {@link #MIN_CALIBRATION_NANOS} later (the weaving in between normally takes far longer).
     */
    private static ClockConversion clockConversion() {
        if (!Recorder.clockIsTicks()) {
            return ClockConversion.identity();
        }
        long firstNanoTime = Recorder.installNanoTime();
        while (System.nanoTime() - firstNanoTime < MIN_CALIBRATION_NANOS) {
            LockSupport.parkNanos(MIN_CALIBRATION_NANOS);
        }
        long reading = Recorder.clockReading();
        long nanoTime = System.nanoTime();
        return ClockConversion.ticks(Recorder.installReading(), firstNanoTime, reading, nanoTime);
    }

    /** One pass of the drain thread: at most {@link #DRAIN_BATCH} records from each ring. */
    private int drainAllLocked() {
        calibrateClockLocked();
        int drained = 0;
        if (rings != null) {
            for (EventRing ring : rings) {
                drained += ring.drain(aggregator, DRAIN_BATCH);
            }
        }
        return drained;
    }

    /** Where each ring's producers stand now: a dump drains up to here, and no further. */
    private long[] producerIndexes() {
        long[] ends = new long[rings == null ? 0 : rings.length];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = rings[i].currentProducerIndex();
        }
        return ends;
    }

    /**
     * Drains every ring up to the index in {@code ends}: all that was recorded before the dump began, and nothing
     * claimed after, so a dump takes a bounded time (at most the rings' capacity in records) however fast carriers
     * refill the rings. "Until empty" never ended while producers outpaced the one consumer (docs/RELIABILITY.md).
     * A record claimed but not yet published (its producer preempted in between) stops that ring early; it goes into
     * the next pass of the drain thread.
     */
    private void drainUpToLocked(long[] ends) {
        calibrateClockLocked();
        for (int i = 0; i < ends.length; i++) {
            EventRing ring = rings[i];
            long backlog = ends[i] - ring.currentConsumerIndex();
            while (backlog > 0) {
                int drained = ring.drain(aggregator, (int) Math.min(DRAIN_BATCH, backlog));
                if (drained == 0) {
                    break;
                }
                backlog -= drained;
            }
        }
    }

    private void calibrateClockLocked() {
        if (clock.ticks()) {
            long reading = Recorder.clockReading();
            clock.calibrate(reading, System.nanoTime());
        }
    }

    private void dumpAtExit() {
        stopping = true;
        try {
            drainThread.join(DRAIN_STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dump("exit", options.out());
        AtomicFileWriter.finishOrDiscardAtExit(IN_FLIGHT_WAIT_AT_EXIT);
    }

    /**
     * Drains what is recorded so far and writes it to {@code pathPattern} ({@code %p}, {@code %t} expanded).
     * Never throws: a failure is one line on stderr, and the same reason in the result.
     */
    public DumpTriggers.Result dump(String trigger, String pathPattern) {
        Path target;
        try {
            target = Path.of(expand(pathPattern)).toAbsolutePath();
        } catch (InvalidPathException e) {
            return failed(cannotName(pathPattern, e));
        }
        try {
            Snapshot snapshot = snapshot(trigger);
            AtomicFileWriter.write(target, out -> SnapshotJsonWriter.write(snapshot, out));
            if (!options.quiet()) {
                System.err.println("loomscope: wrote " + target + " (" + trigger + ")");
            }
            return new DumpTriggers.Result(target, null);
        } catch (IOException | RuntimeException e) {
            return failed("cannot write dump to " + target + ": " + e);
        }
    }

    private static DumpTriggers.Result failed(String error) {
        System.err.println("loomscope: " + error);
        return DumpTriggers.Result.failed(error);
    }

    /**
     * Everything recorded up to the moment the dump takes {@link #lock}: the rings are drained up to where their
     * producers stood then ({@link #drainUpToLocked}).
     * <p>
     * Only what comes from the drain's own state is taken under {@link #lock}: while a dump holds it nothing drains,
     * and on a busy scheduler the rings fill within tens of milliseconds, after which records are dropped. The rest is
     * read before or after: the JVM's management beans and the scheduler's MXBean (the first use of the platform
     * MBean server alone took 360 ms on a loaded 2-vCPU machine, enough to drop a million records), the options and
     * the hooks.
     */
    Snapshot snapshot(String trigger) throws IOException {
        return snapshot(trigger, true);
    }

    /**
     * @param drainFirst drain the rings up to where their producers stand first, as a dump does; without, the
     *                   snapshot is what the drain thread has aggregated so far (its last pass, milliseconds ago
     *                   unless it falls behind), and the lock is held only to copy: what a metrics scrape needs
     */
    Snapshot snapshot(String trigger, boolean drainFirst) throws IOException {
        Snapshot.JvmInfo jvm = jvmInfo();
        Map<String, Object> effectiveOptions = options.asMap();
        HookReport hookReport = hooks.get();
        Map<String, Object> scheduler = context.schedulerNow();
        Snapshot.Data data;
        Snapshot.Context contextAtDump;
        long dumpEpochMs;
        long recordingNanos;
        try {
            if (!lock.tryLock(LOCK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("another dump held the recording for more than " + LOCK_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the recording");
        }
        long lockedAt = System.nanoTime();
        try {
            if (drainFirst) {
                drainUpToLocked(producerIndexes());
            }
            context.sample(System.nanoTime());
            data = aggregator.snapshot(droppedByKind(), Recorder.agentErrors());
            contextAtDump = context.snapshot(scheduler);
            dumpEpochMs = System.currentTimeMillis();
            recordingNanos = System.nanoTime() - startNanos;
        } finally {
            lastSnapshotLockNanos = System.nanoTime() - lockedAt;
            lock.unlock();
        }
        return new Snapshot(jvm, agentVersion, effectiveOptions, hookReport, lateAttach, trigger, startEpochMs,
                dumpEpochMs, recordingNanos, options.windowNanos(), data, contextAtDump, drainCpuNanos(),
                clock.ticks() ? "tsc" : "nanoTime");
    }

    /** How long the last {@link #snapshot} held the recording's lock, ns. */
    long lastSnapshotLockNanos() {
        return lastSnapshotLockNanos;
    }

    /** The snapshot as JSON, for in-process readers (the JUnit extension); nothing is written to disk. */
    public byte[] snapshotJson(String trigger) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 16);
        SnapshotJsonWriter.write(snapshot(trigger), out);
        return out.toByteArray();
    }

    private long[] droppedByKind() {
        long[] droppedByKind = new long[EventKind.COUNT];
        if (rings != null) {
            for (EventRing ring : rings) {
                for (int kind = 0; kind < EventKind.COUNT; kind++) {
                    droppedByKind[kind] += ring.dropped(kind);
                }
            }
        }
        return droppedByKind;
    }

    private long drainCpuNanos() {
        try {
            var threads = ManagementFactory.getThreadMXBean();
            return drainThread.isAlive() && threads.isThreadCpuTimeSupported()
                    ? threads.getThreadCpuTime(drainThread.threadId()) : lastDrainCpuNanos;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static Snapshot.JvmInfo jvmInfo() {
        return new Snapshot.JvmInfo(ProcessHandle.current().pid(), System.getProperty("java.version"),
                System.getProperty("java.vendor"), ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    /** The one-line error for a dump path this JVM cannot name (see {@link AgentOptions#pathProblem}). */
    static String cannotName(String pattern, InvalidPathException e) {
        return "cannot write dump to " + pattern + ": " + e.getReason() + " (file names are encoded in "
                + System.getProperty("sun.jnu.encoding") + ")";
    }

    static String expand(String pattern) {
        return pattern.replace("%p", Long.toString(ProcessHandle.current().pid()))
                .replace("%t", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}

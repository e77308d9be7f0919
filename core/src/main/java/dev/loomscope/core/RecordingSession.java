package dev.loomscope.core;

import dev.loomscope.bootstrap.EventRing;
import dev.loomscope.bootstrap.ClockPair;
import dev.loomscope.bootstrap.OperationScopes;
import dev.loomscope.bootstrap.Recorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One recording inside one JVM: sets up the {@link Aggregator} and the {@link Drain} that feeds it, and writes dumps.
 * A dump drains and copies the drain's state under the drain's lock, and does everything else outside it.
 * <p>
 * Every wait here is bounded (docs/RELIABILITY.md): the drain bounds a dump's drain and its wait for the lock, and
 * the exit dump's wait for the drain thread to stop ({@link Drain}), so a JVM asked to exit never hangs on the agent.
 */
public final class RecordingSession {
    /** Longest wait at exit, after the exit dump, for other dumps to finish writing their files (SIGQUIT, interval). */
    static final Duration IN_FLIGHT_WAIT_AT_EXIT = Duration.ofSeconds(2);
    /** Shortest time between the two clock pairs the tick conversion starts from. */
    private static final long MIN_CALIBRATION_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Bracketed clock pairs tried for the second calibration pair; the tightest is used. */

    private final AgentOptions options;
    private final Supplier<HookReport> hooks;
    private final boolean lateAttach;
    private final String agentVersion;
    private final Aggregator aggregator;
    /** Turns the records' timestamps into nanoseconds; calibrated by the drain, under its lock. */
    private final ClockConversion clock;
    private final ContextSampler context;
    private final Drain drain;
    /** Pinned blocks the JVM reports through JFR ({@code jfrPinned}, JDK 24+), or null when not subscribed. */
    private final JfrPinnedBlocks pinnedReports;
    /** Why the JFR stream of pinned blocks could not start; null while it runs (or was never meant to). */
    private final String pinnedReportsProblem;
    /** Whether the recorder is installed: only then does the drain thread run. */
    private final boolean recording;
    private final long startNanos = System.nanoTime();
    private final long startEpochMs = System.currentTimeMillis();
    /** Set by {@link #stop}: the recording is over. */
    private volatile boolean stopped;

    private RecordingSession(AgentOptions options, Supplier<HookReport> hooks, String agentVersion,
                             long firstObservableThreadId, boolean lateAttach, ForkJoinPool scheduler,
                             Preparation prepared) {
        this.options = options;
        this.hooks = hooks;
        this.lateAttach = lateAttach;
        this.agentVersion = agentVersion;
        // origin a little in the past: records taken while the advice was being woven precede this constructor
        long originNanoTime = startNanos - TimeUnit.SECONDS.toNanos(10);
        long originEpochNanos = TimeUnit.MILLISECONDS.toNanos(startEpochMs) - TimeUnit.SECONDS.toNanos(10);
        EventRing[] rings = Recorder.rings();
        this.recording = rings != null;
        this.clock = recording ? clockConversion() : ClockConversion.identity();
        this.aggregator = new Aggregator(firstObservableThreadId, originNanoTime, originEpochNanos,
                options.windowNanos(), options.fineWindows(), options.longSliceNanos(), Recorder.samples(),
                options.leakThresholdNanos(), options.stackDepth(), clock, Recorder.shedding());
        this.context = new ContextSampler(options.windowNanos(), options.fineWindows(), scheduler,
                CpuThrottling.find(), originNanoTime, originEpochNanos);
        this.pinnedReports = recording ? prepared.pinnedReports : null;
        this.pinnedReportsProblem = prepared.pinnedReportsProblem;
        this.drain = new Drain(rings, aggregator, clock, context, pinnedReports, options.longSliceNanos(),
                options.samplesPerSecond(), options.criticalSamplesPerSecond(), OperationScopes.installed()
                        ? new OperationWarnings(options.operations(), System.err::println) : null);
    }

    /**
     * What is done before the advice is woven, while nothing is recorded yet, so that its CPU time cannot make the
     * drain fall behind a busy application (after a late attach, JFR's start-up alone takes a few hundred
     * milliseconds of CPU): the drain's code warmed up ({@link Aggregator#warmUp}), and the JFR stream of pinned
     * blocks started.
     */
    public static final class Preparation {
        /** Nothing prepared: not recording. */
        public static final Preparation NONE = new Preparation(null, null);

        private final JfrPinnedBlocks pinnedReports;
        private final String pinnedReportsProblem;

        private Preparation(JfrPinnedBlocks pinnedReports, String pinnedReportsProblem) {
            this.pinnedReports = pinnedReports;
            this.pinnedReportsProblem = pinnedReportsProblem;
        }
    }

    /**
     * Prepares a recording (see {@link Preparation}); call before weaving, after the recorder is installed.
     *
     * @param jvmBlocksPinnedThreads whether the JVM blocks pinned virtual threads itself in monitor enters,
     *                               {@code Object.wait} and class initialisation, and reports them to JFR (JDK 24+):
     *                               then, with {@code jfrPinned}, they are recorded from JFR ({@link JfrPinnedBlocks})
     */
    public static Preparation prepare(AgentOptions options, boolean jvmBlocksPinnedThreads) {
        if (!options.recording() || Recorder.rings() == null) {
            return Preparation.NONE;
        }
        warmUpDrain(options);
        if (!options.jfrPinned() || !jvmBlocksPinnedThreads) {
            return Preparation.NONE;
        }
        JfrPinnedBlocks pinnedReports = new JfrPinnedBlocks();
        String problem = pinnedReports.start(options.stackDepth());
        if (problem == null) {
            Recorder.runBeforeShutdownHooks(() -> pinnedReports.finish(Drain.STOP_WAIT_MILLIS));
        } else {
            System.err.println("loomscope: cannot subscribe to JFR's jdk.VirtualThreadPinned (" + problem
                    + "); pinned monitor enters, waits and class initialisations are not recorded");
        }
        return new Preparation(pinnedReports, problem);
    }

    /**
     * Starts draining and arranges a dump at JVM exit.
     *
     * @param hooks                   which hooks are woven, asked at each dump (a class may be woven late)
     * @param firstObservableThreadId a thread id allocated when recording began: see {@link Aggregator}
     * @param lateAttach              started through the Attach API into a running JVM
     * @param scheduler               the virtual-thread scheduler, sampled for context; null if not found
     * @param prepared                what {@link #prepare} did before the weaving
     */
    public static RecordingSession start(AgentOptions options, Supplier<HookReport> hooks, String agentVersion,
                                         long firstObservableThreadId, boolean lateAttach, ForkJoinPool scheduler,
                                         Preparation prepared) {
        RecordingSession session = new RecordingSession(options, hooks, agentVersion, firstObservableThreadId,
                lateAttach, scheduler, prepared);
        if (session.recording) {
            try {
                session.context.listenToGc();
            } catch (RuntimeException | LinkageError e) {
                System.err.println("loomscope: no GC notifications (" + e + "); GC pauses not reported");
            }
            session.drain.start();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(session::dumpAtExit, "loomscope-exit-dump"));
        return session;
    }

    /** The woven hooks, with the JFR stream of pinned blocks as one more when it was meant to run. */
    private HookReport hookReport() {
        HookReport woven = hooks.get();
        if (pinnedReports == null) {
            return woven;
        }
        List<String> applied = new ArrayList<>(woven.applied());
        List<String> missing = new ArrayList<>(woven.missing());
        (pinnedReportsProblem == null ? applied : missing).add(JfrPinnedBlocks.HOOK);
        return new HookReport(applied, missing);
    }

    /**
     * Runs the drain's work once, on a scratch aggregator, before anything is recorded ({@link Aggregator#warmUp}),
     * walking the stack of a thread of its own as a long slice's; some tens of milliseconds of the JVM's start-up.
     */
    private static void warmUpDrain(AgentOptions options) {
        Thread walked = new Thread(LockSupport::park, "loomscope-warm-up");
        walked.setDaemon(true);
        try {
            walked.start();
            new Aggregator(1, System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()),
                    options.windowNanos(), options.fineWindows(), options.longSliceNanos(), null,
                    options.leakThresholdNanos(), options.stackDepth(), ClockConversion.identity()).warmUp(walked);
        } catch (RuntimeException | LinkageError e) {
            Recorder.countError(); // the drain then warms up on the application's first records, as it did before
        } finally {
            LockSupport.unpark(walked);
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
        // the tightest of a few bracketed pairs: a preempted pair would skew the map for minutes
        ClockPair pair = ClockPair.tightest();
        return ClockConversion.ticks(Recorder.installReading(), firstNanoTime, pair.reading(), pair.nanoTime());
    }

    /**
     * Stops recording for good ({@link Recorder#stop}): writes the last dump to {@code pathPattern} (null: none), then
     * stops the drain. The JVM's exit then writes no dump: nothing was recorded since.
     */
    public DumpTriggers.Result stop(String trigger, String pathPattern) {
        Recorder.stop();
        DumpTriggers.Result result = pathPattern == null ? DumpTriggers.Result.failed("no file") : dump(trigger,
                pathPattern);
        stopped = true;
        drain.stop();
        return result;
    }

    private void dumpAtExit() {
        if (stopped) {
            AtomicFileWriter.finishOrDiscardAtExit(IN_FLIGHT_WAIT_AT_EXIT);
            return;
        }
        drain.stop();
        dump("exit", options.out(), options.out().equals(AgentOptions.DEFAULTS.out()));
        AtomicFileWriter.finishOrDiscardAtExit(IN_FLIGHT_WAIT_AT_EXIT);
    }

    /**
     * Drains what is recorded so far and writes it to {@code pathPattern} ({@code %p}, {@code %t} expanded).
     * Never throws: a failure is one line on stderr, and the same reason in the result.
     */
    public DumpTriggers.Result dump(String trigger, String pathPattern) {
        return dump(trigger, pathPattern, false);
    }

    /**
     * @param onlyIfVirtualThreadsRan write nothing if no virtual thread was seen: the exit dump at the default path,
     *                                so that every JVM a build starts with the agent (`java -version` included) does
     *                                not leave a file in its working directory; an {@code out} the user chose is
     *                                always written
     */
    private DumpTriggers.Result dump(String trigger, String pathPattern, boolean onlyIfVirtualThreadsRan) {
        Path target;
        try {
            target = Path.of(expand(pathPattern)).toAbsolutePath();
        } catch (InvalidPathException e) {
            return failed(cannotName(pathPattern, e));
        }
        try {
            Snapshot snapshot = snapshot(trigger);
            if (onlyIfVirtualThreadsRan && !snapshot.sawVirtualThreads()) {
                if (!options.quiet()) {
                    System.err.println("loomscope: no virtual thread ran: no exit dump (out=FILE writes one always)");
                }
                return DumpTriggers.Result.failed("no virtual thread ran");
            }
            AtomicFileWriter.write(target, out -> SnapshotJsonWriter.write(snapshot, out));
            if (!options.quiet()) {
                System.err.println("loomscope: wrote " + target + " (" + trigger + ")");
            }
            return new DumpTriggers.Result(target, null);
        } catch (AtomicFileWriter.JvmExiting e) {
            if (trigger.equals(DumpTriggers.INTERVAL)) {
                // the exit dump, just written, covers more than this one would: nothing anyone asked for is missing
                return DumpTriggers.Result.failed(e.getMessage());
            }
            return failed("cannot write dump to " + target + ": " + e);
        } catch (IOException | RuntimeException e) {
            return failed("cannot write dump to " + target + ": " + e);
        }
    }

    private static DumpTriggers.Result failed(String error) {
        System.err.println("loomscope: " + error);
        return DumpTriggers.Result.failed(error);
    }

    /**
     * Everything recorded up to the moment the dump takes the drain's lock: the rings are drained up to where their
     * producers stood then ({@link Drain#drainThenRead}).
     * <p>
     * Only what comes from the drain's own state is taken under the lock: while a dump holds it nothing drains,
     * and on a busy scheduler the rings fill within tens of milliseconds, after which records are dropped. The rest is
     * read before or after: the JVM's management beans and the scheduler's MXBean (whose first use can take long
     * enough to drop a million records), the options and the hooks. The decision and its measurements:
     * docs/design.md, "A dump holds the lock only to copy".
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
        HookReport hookReport = hookReport();
        Map<String, Object> scheduler = context.schedulerNow();
        Supplier<DrainedState> read = () -> {
            context.sample(System.nanoTime());
            Snapshot.Data data = aggregator.snapshot(drain.droppedByKind(), Recorder.agentErrors());
            Snapshot.Context contextAtDump = context.snapshot(scheduler);
            return new DrainedState(data, contextAtDump, System.currentTimeMillis(), System.nanoTime() - startNanos);
        };
        DrainedState drained = drainFirst ? drain.drainThenRead(read) : drain.readWithoutDraining(read);
        return new Snapshot(jvm, agentVersion, effectiveOptions, hookReport, lateAttach, trigger, startEpochMs,
                drained.dumpEpochMs(), drained.recordingNanos(), options.windowNanos(), drained.data(),
                drained.context(), drain.cpuNanos(), clock.ticks() ? "tsc" : "nanoTime");
    }

    /** What a dump reads under the drain's lock. */
    private record DrainedState(Snapshot.Data data, Snapshot.Context context, long dumpEpochMs, long recordingNanos) {
    }

    /** How long the last {@link #snapshot} held the recording's lock, ns. */
    long lastSnapshotLockNanos() {
        return drain.lastReadLockNanos();
    }

    /** The snapshot as JSON, for in-process readers (the JUnit extension); nothing is written to disk. */
    public byte[] snapshotJson(String trigger) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 16);
        SnapshotJsonWriter.write(snapshot(trigger), out);
        return out.toByteArray();
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

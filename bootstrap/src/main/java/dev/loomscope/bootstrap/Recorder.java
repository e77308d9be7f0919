package dev.loomscope.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The entry points that advice woven into {@code java.lang.VirtualThread} and {@code ForkJoinPool} calls.
 * <p>
 * This class is loaded by the boot class loader (the agent appends the bootstrap jar before it transforms anything),
 * because advice is inlined into {@code java.base} and can only see what the boot loader sees.
 * <p>
 * Contract of every {@code on*} method, which runs on application and carrier threads in the middle of the JDK's
 * scheduler: it never blocks, parks, locks or allocates; it reads the clock ({@link EventClock}) at most once; it never throws (any
 * {@link Throwable} is swallowed and counted in {@link #agentErrors()}); and it does nothing until {@link #install}
 * has been called. Events are striped over rings by virtual-thread id, so all records of one virtual thread go through
 * one ring, in the order its transitions happened.
 */
public final class Recorder {
    private Recorder() {
    }

    private static final VarHandle ERRORS;
    /** Timeouts are carried in 55 bits of a BLOCK record (about 417 days); longer ones are capped. */
    private static final long MAX_TIMEOUT_NANOS = (1L << 55) - 1;

    static {
        try {
            ERRORS = MethodHandles.lookup().findStaticVarHandle(Recorder.class, "agentErrors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The time-stamp-counter reader {@link EventClock} takes when it is initialised (by {@link #install}). */
    private static MethodHandle tickReader;
    /** Clock pairs tried by {@link #install}, and the bracket below which the first is good enough. */
    /** A clock reading and {@code System.nanoTime()} taken together by {@link #install}: the drain's first pair. */
    private static volatile long installReading;
    private static volatile long installNanoTime;

    /** Null until installed, and when recording is off: every entry point then returns at once. */
    private static volatile EventRing[] rings;
    /** JDK {@code VirtualThread.state} value (low byte) to {@link BlockKind}; read at install from the running JDK. */
    private static volatile byte[] blockKindByState = new byte[0];
    /** The JDK's {@code VirtualThread.STARTED} state (queued for the first mount), or -1 if unknown. */
    private static volatile int startedState = -1;
    /** {@code jdk.internal.misc.CarrierThread}: tells the virtual-thread scheduler's workers from other pools'. */
    private static volatile Class<?> carrierThreadClass;
    @SuppressWarnings("unused") // updated through ERRORS
    private static volatile long agentErrors;
    /**
     * Which virtual threads are followed: a virtual thread's transitions are recorded only while it is followed
     * ({@code threadSample}, and shedding when the drain falls behind). Creations and ends are always recorded, so
     * created, ended and live stay exact; the rest (blocks, wakes, mounts, latencies, sites) describe the followed
     * threads.
     */
    private static final ThreadShedding SHEDDING = new ThreadShedding();
    /** Sampled stacks on their way to the drain; null when stack sampling is off. */
    private static volatile SampleRing samples;
    /** One in this many create, block and wake events gets its stack sampled (0: none). */
    private static volatile int sampleEvery;
    /** Virtual threads whose name starts with one of these are "critical": every event of theirs is sampled. */
    private static volatile String[] criticalPrefixes = new String[0];
    private static volatile StackCapture stackCapture;
    /**
     * {@code (Thread) -> StackWalker} over the frozen stack of a virtual thread that has just yielded (see
     * {@link #installSampling}); null when block sites cannot be walked on this JDK.
     */
    private static volatile MethodHandle frozenStackWalker;
    /**
     * Random samples stop once the sample ring's sequence reaches this: the drain raises it a few times a second by
     * the option's rate, so stack walks (microseconds each) cost a bounded share of CPU however busy the scheduler.
     * Forced samples (critical threads, pinned blocks, {@code sampleEvery=1}) ignore it.
     */
    private static volatile long sampleSequenceLimit = Long.MAX_VALUE;
    /**
     * The virtual thread last mounted on each carrier, by carrier thread id modulo the length: lets the drain walk the
     * stack of a thread that keeps its carrier too long, while it still runs. Plain stores; a stale or colliding
     * entry is detected by the drain comparing thread ids.
     */
    private static final Thread[] MOUNTED_BY_CARRIER_SLOT = new Thread[256];

    /**
     * Starts recording. Called once by the agent, before any advice is woven.
     *
     * @param ringCount         number of rings, a power of two
     * @param ringCapacity      records per ring, a power of two
     * @param stateToBlockKind  see {@link #blockKindByState}
     * @param jdkStartedState   the JDK's {@code VirtualThread.STARTED} value, or -1 if unknown
     * @param carrierClass      the virtual-thread scheduler's carrier class, or null if unknown (carrier events off)
     * @param ticks             a {@code ()long} reader of the CPU's invariant time-stamp counter for the records'
     *                          timestamps, or null for {@code System.nanoTime()}; only the first install in a JVM
     *                          decides ({@link #clockIsTicks})
     */
    public static synchronized void install(int ringCount, int ringCapacity, byte[] stateToBlockKind,
                                            int jdkStartedState, Class<?> carrierClass, MethodHandle ticks) {
        if (Integer.bitCount(ringCount) != 1) {
            throw new IllegalArgumentException("ringCount must be a power of two: " + ringCount);
        }
        EventRing[] created = new EventRing[ringCount];
        for (int i = 0; i < ringCount; i++) {
            created[i] = new EventRing(ringCapacity, SHEDDING); // a filling ring sheds threads before it drops
        }
        blockKindByState = stateToBlockKind.clone();
        startedState = jdkStartedState;
        carrierThreadClass = carrierClass;
        tickReader = ticks;
        EventClock.read(); // initialises EventClock with the reader: from here on it is a constant
        // the drain's first clock pair, bracketed (ClockPair): a preempted pair would skew the conversion for minutes
        ClockPair pair = ClockPair.tightest();
        installReading = pair.reading();
        installNanoTime = pair.nanoTime();
        rings = created;
    }

    /**
     * Stops recording for good: from here on every hook returns at once (the advice stays woven: removing it would
     * retransform the JDK's classes again). The rings stay with the drain, which takes what they hold for the last
     * dump. A record being offered right now may still land in a ring; nothing reads it after that dump.
     */
    public static synchronized void stop() {
        rings = null;
    }

    /** For {@link EventClock}'s initialiser only. */
    static MethodHandle tickReaderForClock() {
        return tickReader;
    }

    /** Whether record timestamps are time-stamp-counter ticks, which the drain converts; else nanoseconds. */
    public static boolean clockIsTicks() {
        return EventClock.ticks();
    }

    /** A reading of the records' clock now: with {@code System.nanoTime()}, a pair for the tick conversion. */
    public static long clockReading() {
        return EventClock.read();
    }

    /** The clock reading taken at {@link #install}. */
    public static long installReading() {
        return installReading;
    }

    /** {@code System.nanoTime()} right after {@link #installReading}. */
    public static long installNanoTime() {
        return installNanoTime;
    }

    /**
     * Turns on stack sampling. Must be called after {@link #install}, from a thread that may block: it walks a stack
     * and links the frozen-stack walker's call site once, so that every class the sampling path needs is loaded
     * before advice runs it in the middle of the scheduler.
     *
     * @param every             one in {@code every} events sampled, 0 for none (critical threads still are)
     * @param critical          thread-name prefixes of critical virtual threads
     * @param maxDepth          frames kept per stack
     * @param sampleCapacity    samples in flight, a power of two
     * @param frozenStackWalker {@code (Thread) -> StackWalker}: a walker over the frames of a virtual thread that has
     *                          just yielded, read on its carrier in {@code afterYield}; null if this JDK has none
     *                          (block sites are then not sampled, pinned ones still are)
     */
    public static synchronized void installSampling(int every, String[] critical, int maxDepth, int sampleCapacity,
                                                    MethodHandle frozenStackWalker) {
        StackCapture capture = new StackCapture(maxDepth);
        capture.capture(); // warm up: class loading and linking happen here, not inside advice
        if (frozenStackWalker != null) {
            try {
                StackWalker unused = (StackWalker) frozenStackWalker.invokeExact((Thread) null); // links the call site
            } catch (Throwable expected) {
                // null is not a virtual thread: the call site is linked all the same
            }
        }
        java.util.concurrent.ThreadLocalRandom.current().nextInt(2);
        Recorder.frozenStackWalker = frozenStackWalker;
        stackCapture = capture;
        criticalPrefixes = critical.clone();
        sampleEvery = every;
        samples = new SampleRing(sampleCapacity);
    }

    /**
     * Records the transitions of about one virtual thread in {@code oneIn} (1: all), chosen by thread id, so that the
     * same threads are followed for their whole lives (unless shedding sets some aside). Call before any advice is
     * woven.
     */
    public static void traceOneThreadIn(int oneIn) {
        SHEDDING.followOneIn(oneIn);
    }

    /** Whether {@code virtualThreadId}'s transitions are recorded now (see {@link ThreadShedding}). */
    public static boolean traced(long virtualThreadId) {
        return SHEDDING.follows(virtualThreadId);
    }

    /** Which virtual threads are followed now; the drain reads and lowers its level. */
    public static ThreadShedding shedding() {
        return SHEDDING;
    }

    /** Lets random samples be taken until the sample sequence reaches {@code limit}. Drain thread. */
    public static void allowSamplesUntil(long limit) {
        sampleSequenceLimit = limit;
    }

    /** The sample mailbox, or null when sampling is off. */
    public static SampleRing samples() {
        return samples;
    }

    /**
     * The virtual thread mounted on carrier {@code carrierThreadId} if it is {@code virtualThreadId}, else null.
     * For the drain; the answer may be stale by the time the caller uses it.
     */
    public static Thread mountedOn(long carrierThreadId, long virtualThreadId) {
        Thread t = MOUNTED_BY_CARRIER_SLOT[(int) (carrierThreadId & (MOUNTED_BY_CARRIER_SLOT.length - 1))];
        return t != null && t.threadId() == virtualThreadId ? t : null;
    }

    /** The rings to drain, or null when not recording. */
    public static EventRing[] rings() {
        return rings;
    }

    /** Exceptions swallowed inside the recorder since the JVM started. */
    public static long agentErrors() {
        return (long) ERRORS.getVolatile();
    }

    /** Counts an exception caught by advice or by agent code running on an application thread. */
    public static void countError() {
        ERRORS.getAndAdd(1L);
    }

    // ---------------------------------------------------------------- virtual-thread transitions

    /**
     * {@code VirtualThread.start}, only when its state is still NEW (a second start would throw). A thread shed at this
     * moment has its creation counted, not recorded (nor its stack sampled): its ring is filling up already.
     */
    public static void onCreate(Thread vthread) {
        try {
            long threadId = vthread.threadId();
            long creatorId = Thread.currentThread().threadId();
            if (SHEDDING.shedNow(threadId)) {
                EventRing[] r = rings;
                if (r != null) {
                    r[stripe(threadId, r)].countShedCreation();
                }
            } else {
                maybeSample(vthread, SitePurpose.CREATE, false);
                record(EventKind.CREATE, threadId, creatorId);
            }
            if (OperationScopes.inUse() && rings != null) { // started inside an operation: the child inherits it
                OperationScopes.inherit(creatorId, vthread);
            }
        } catch (Throwable t) {
            countError();
        }
    }

    /** {@code VirtualThread.mount} entry: {@code Thread.currentThread()} is still the carrier. */
    public static void onMount(Thread vthread) {
        try {
            if (!traced(vthread.threadId())) {
                return;
            }
            long carrierId = Thread.currentThread().threadId();
            MOUNTED_BY_CARRIER_SLOT[(int) (carrierId & (MOUNTED_BY_CARRIER_SLOT.length - 1))] = vthread;
            record(EventKind.MOUNT, vthread.threadId(), carrierId);
        } catch (Throwable t) {
            countError();
        }
    }

    /**
     * {@code VirtualThread.afterYield} entry: the thread gave up its carrier, and this records the BLOCK that begins
     * (a {@code Thread.yield} is a BLOCK of kind {@link BlockKind#YIELD}, which the aggregator does not count as a
     * block). The JDK state tells why the continuation yielded and, for a timed park or wait, the timeout is the one the
     * JDK stored ({@code VirtualThread.timeout}: nanoseconds for parks, milliseconds for {@code Object.wait}; 0 on JDKs
     * without the field).
     * <p>
     * A sampled block's site is walked here, on the carrier, from the thread's frozen stack: every kind of block
     * passes through here, while a monitor enter or an {@code Object.wait} (JDK 24+) is frozen by the JVM without
     * running any Java code on the virtual thread first. Until this method has set the next state the thread cannot
     * be resumed (an unpark, unblock or notify only moves it on from PARKED, BLOCKED or WAIT), so the frozen stack
     * holds still while it is walked.
     */
    public static void onBlock(Thread vthread, int jdkState, long timeout) {
        try {
            if (!traced(vthread.threadId())) {
                return;
            }
            byte[] table = blockKindByState;
            int stateIndex = jdkState & 0xFF; // strip the SUSPENDED bit
            int kind = stateIndex < table.length ? table[stateIndex] : BlockKind.UNKNOWN;
            if (kind != BlockKind.YIELD) {
                maybeSampleFrozen(vthread);
            }
            long timeoutNanos = 0;
            if (timeout > 0 && kind == BlockKind.TIMED_PARK) {
                timeoutNanos = Math.min(timeout, MAX_TIMEOUT_NANOS);
            } else if (timeout > 0 && kind == BlockKind.TIMED_WAIT) {
                timeoutNanos = Math.min(timeout, MAX_TIMEOUT_NANOS / 1_000_000) * 1_000_000;
            }
            record(EventKind.BLOCK, vthread.threadId(), timeoutNanos << 8 | kind);
        } catch (Throwable t) {
            countError();
        }
    }

    /**
     * Any {@code *submitRunContinuation*} entry: queued for a carrier. The submission inside {@code start} (state
     * STARTED) is skipped: the CREATE record already marks when the thread became runnable. The JDK's submit methods
     * may call each other; the aggregator counts one wake per block.
     */
    public static void onSubmit(Thread vthread, int jdkState) {
        try {
            if ((jdkState & 0xFF) != startedState && traced(vthread.threadId())) {
                maybeSample(vthread, SitePurpose.WAKE, false);
                record(EventKind.SUBMIT, vthread.threadId(), Thread.currentThread().threadId());
            }
        } catch (Throwable t) {
            countError();
        }
    }

    /** {@code VirtualThread.afterDone}: terminated (also after a failed start). */
    public static void onEnd(Thread vthread) {
        try {
            record(EventKind.END, vthread.threadId(), 0L);
            if (OperationScopes.inUse()) {
                OperationScopes.ended(vthread.threadId());
            }
        } catch (Throwable t) {
            countError();
        }
    }

    /** {@code VirtualThread.submitFailed}. */
    public static void onSubmitFailed(Thread vthread) {
        try {
            record(EventKind.SUBMIT_FAILED, vthread.threadId(), 0L);
        } catch (Throwable t) {
            countError();
        }
    }

    /** {@code VirtualThread.parkOnCarrierThread} entry: the carrier is about to park with the thread pinned. */
    public static void onPinnedBlock(Thread vthread, Thread carrier) {
        try {
            if (!traced(vthread.threadId())) {
                return;
            }
            maybeSample(vthread, SitePurpose.BLOCK, true); // pinning is rare and what users hunt: always sampled
            record(EventKind.PINNED_BLOCK, vthread.threadId(), carrier == null ? 0L : carrier.threadId());
        } catch (Throwable t) {
            countError();
        }
    }

    /** {@code VirtualThread.parkOnCarrierThread} exit. */
    public static void onPinnedUnblock(Thread vthread, Thread carrier) {
        try {
            if (!traced(vthread.threadId())) {
                return;
            }
            record(EventKind.PINNED_UNBLOCK, vthread.threadId(), carrier == null ? 0L : carrier.threadId());
        } catch (Throwable t) {
            countError();
        }
    }

    /** What must run when the JVM begins to shut down, before any shutdown hook; null for nothing. */
    private static volatile Runnable beforeShutdownHooks;

    /** Sets what {@link #beforeShutdownHooks()} runs (once). */
    public static void runBeforeShutdownHooks(Runnable action) {
        beforeShutdownHooks = action;
    }

    /**
     * {@code ApplicationShutdownHooks.runHooks} entry, on the thread that shuts the JVM down, before the shutdown hooks
     * start: runs the action set by {@link #runBeforeShutdownHooks} once (core's JFR stream of pinned blocks delivers
     * its last events there, bounded in time, before JFR's own hook can close it). Unlike the {@code on*} methods
     * this one may wait: the JVM is exiting. Never throws.
     */
    public static void beforeShutdownHooks() {
        Runnable action = beforeShutdownHooks;
        beforeShutdownHooks = null;
        if (action != null) {
            try {
                action.run();
            } catch (Throwable t) {
                countError();
            }
        }
    }

    /** {@code VirtualThread.sleepNanos} entry. */
    public static void onSleepBegin(Thread vthread, long nanos) {
        try {
            if (nanos > 0 && traced(vthread.threadId())) { // sleep(0) is a Thread.yield
                record(EventKind.SLEEP_BEGIN, vthread.threadId(), nanos);
            }
        } catch (Throwable t) {
            countError();
        }
    }

    /** {@code VirtualThread.sleepNanos} exit (normal or by exception). */
    public static void onSleepEnd(Thread vthread, long nanos) {
        try {
            if (nanos > 0 && traced(vthread.threadId())) {
                record(EventKind.SLEEP_END, vthread.threadId(), 0L);
            }
        } catch (Throwable t) {
            countError();
        }
    }

    // ---------------------------------------------------------------- carrier (ForkJoinPool worker) transitions

    /** {@code ForkJoinPool.awaitWork} entry. */
    public static void onCarrierIdle() {
        carrierEvent(EventKind.CARRIER_IDLE);
    }

    /** {@code ForkJoinPool.awaitWork} exit. */
    public static void onCarrierActive() {
        carrierEvent(EventKind.CARRIER_ACTIVE);
    }

    /** {@code ForkJoinPool.runWorker} entry. */
    public static void onCarrierStart() {
        carrierEvent(EventKind.CARRIER_START);
    }

    /** {@code ForkJoinPool.runWorker} exit. */
    public static void onCarrierExit() {
        carrierEvent(EventKind.CARRIER_EXIT);
    }

    private static void carrierEvent(int kind) {
        try {
            Thread current = Thread.currentThread();
            Class<?> carrierClass = carrierThreadClass;
            if (carrierClass != null && current.getClass() == carrierClass) { // other pools are not carriers
                long carrierId = current.threadId();
                record(kind, 0L, carrierId, carrierId);
            }
        } catch (Throwable t) {
            countError();
        }
    }

    /**
     * Samples the current thread's stack for {@code vthread}'s next event if it is critical, or one time in
     * {@link #sampleEvery}, or {@code always}. This path allocates (the frames), and only runs for sampled events.
     */
    private static void maybeSample(Thread vthread, int purpose, boolean always) {
        if (sampling(vthread, always)) {
            publish(vthread, purpose, stackCapture.capture());
        }
    }

    /**
     * Samples, as {@link #maybeSample} does, the frozen stack of {@code vthread}, which has just yielded: the site of
     * the block it begins. Out of line, so that {@link #onBlock} stays small for the JIT.
     */
    private static void maybeSampleFrozen(Thread vthread) throws Throwable {
        MethodHandle walker = frozenStackWalker;
        if (walker != null && sampling(vthread, false)) {
            publish(vthread, SitePurpose.BLOCK, stackCapture.capture((StackWalker) walker.invokeExact(vthread)));
        }
    }

    /** Whether {@code vthread}'s next event is sampled (see {@link #maybeSample}). */
    private static boolean sampling(Thread vthread, boolean always) {
        SampleRing ring = samples;
        if (ring == null || rings == null) {
            return false;
        }
        int every = sampleEvery;
        // sampleEvery=1 asks for every stack; random sampling (every > 1) is also capped per second, and so are
        // the samples of threads in a critical scope (a budget of their own)
        return always || every == 1 || isCritical(vthread) || OperationScopes.criticalSample(vthread.threadId())
                || (every > 1 && java.util.concurrent.ThreadLocalRandom.current().nextInt(every) == 0
                && ring.lvNextSequence() < sampleSequenceLimit);
    }

    /** Hands {@code frames} to the drain, announced by a SAMPLE record before the record they describe. */
    private static void publish(Thread vthread, int purpose, StackWalker.StackFrame[] frames) {
        long sequence = samples.publish(frames);
        record(EventKind.SAMPLE, vthread.threadId(), sequence << SitePurpose.BITS | purpose);
    }

    private static boolean isCritical(Thread vthread) {
        String[] prefixes = criticalPrefixes;
        if (prefixes.length == 0) {
            return false;
        }
        String name = vthread.getName();
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static void record(int kind, long threadId, long arg) {
        record(kind, threadId, threadId, arg);
    }

    /**
     * An {@link EventKind#OPERATION} record of {@link OperationScopes}: in the thread's own ring, in order with its
     * other records; only for followed threads ({@link #traced}), whose other records are kept.
     */
    static void recordOperation(long virtualThreadId, long arg) {
        if (traced(virtualThreadId)) {
            record(EventKind.OPERATION, virtualThreadId, arg);
        }
    }

    /**
     * @param stripeKey what picks the ring: the virtual thread id, so one thread's records stay in order
     */
    private static void record(int kind, long threadId, long stripeKey, long arg) {
        EventRing[] r = rings;
        if (r == null) {
            return;
        }
        r[stripe(stripeKey, r)].offer(EventClock.read(), kind, threadId, arg);
    }

    /** The ring of {@code stripeKey}: Fibonacci hashing, so consecutive thread ids land on different rings. */
    private static int stripe(long stripeKey, EventRing[] r) {
        return (int) ((stripeKey * 0x9E3779B97F4A7C15L) >>> 40) & (r.length - 1);
    }
}

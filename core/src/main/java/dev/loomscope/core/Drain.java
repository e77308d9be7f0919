package dev.loomscope.core;

import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.EventRing;
import dev.loomscope.bootstrap.OperationScopes;
import dev.loomscope.bootstrap.Recorder;
import dev.loomscope.bootstrap.SampleRing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The drain: one platform daemon thread, {@code loomscope-drain}, that empties the recorder's rings into the
 * {@link Aggregator}, and the lock it shares with dumps ({@link #drainThenRead}), which no application thread ever
 * takes. Between passes it walks long-running slices, samples the context and refills the stack-sample budget.
 * <p>
 * Every wait here is bounded (docs/RELIABILITY.md): a dump drains at most what the rings held when it began, waits at
 * most {@link #LOCK_WAIT_SECONDS} for the lock, and {@link #stop} waits at most {@link #STOP_WAIT_MILLIS} for the
 * thread to finish its pass, so a JVM asked to exit never hangs on the agent.
 */
final class Drain {
    /** Records taken from one ring before moving to the next, so one busy ring cannot starve the others. */
    private static final int DRAIN_BATCH = 4096;
    /**
     * Sleep of the drain thread after a pass that found little to do: doubled after each such pass, from the first to
     * the longest, so that a JVM that records little does not pay a wake-up every millisecond (on a virtual machine
     * the wake-ups cost more CPU than a quiet service's whole recording), and a burst after a quiet spell waits at most
     * one long sleep (the rings hold far more than that). A pass that found at least {@link #BUSY_PASS_RECORDS}
     * records, or a ring past its low-water mark ({@link SheddingControl}: small rings), is followed at once; while
     * threads are shed the sleep stays at the first. The decision and its measurements: docs/design.md, "The drain
     * backs off when there is little to drain".
     */
    private static final long FIRST_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
    private static final int BUSY_PASS_RECORDS = 1024;
    /** Longest wait of a dump for the lock (the drain's pass or another dump); past it the dump fails with one line. */
    static final long LOCK_WAIT_SECONDS = 10;
    /** Longest wait of {@link #stop} (the exit dump) for the drain thread to finish its pass and stop. */
    static final long STOP_WAIT_MILLIS = 2_000;
    private static final long SAMPLE_REFILL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The recorder's rings, or null when not recording (then the thread is never started). */
    private final EventRing[] rings;
    private final Aggregator aggregator;
    /** Calibrated before every pass, under {@link #lock}. */
    private final ClockConversion clock;
    private final ContextSampler context;
    /** The JVM's reports of pinned blocks ({@code jfrPinned}), or null when there are none to take. */
    private final JfrPinnedBlocks pinnedReports;
    /** Raises and lowers the shed level before each pass; null when not recording. */
    private final SheddingControl shedding;
    /** The records' clock now, in {@code nanoTime} nanoseconds. */
    private final LongSupplier nowNanoTime;
    /** The last pass found a ring past its low-water mark. Drain thread only. */
    private boolean backlog;
    /** Creations the rings counted instead of recording, as handed to the aggregator so far. Under the lock. */
    private long shedCreationsHanded;
    /** A slice must still be running when the drain looks, for its stack to be walked: wake at least twice per slice. */
    private final long longestIdleParkNanos;
    private final int samplesPerSecond;
    /** Stack samples per second for threads in critical scopes; 0 when scopes are off. */
    private final int criticalSamplesPerSecond;
    /** Bad input to the operations API, said once; null when scopes are off. */
    private final OperationWarnings operationWarnings;
    /** Held by the drain thread for one pass and by a dump for its drain and snapshot; never by an application thread. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread thread;
    private volatile boolean stopping;
    /** Drain thread only. */
    private long lastSampleRefill;
    /** The drain's CPU time when it stopped (the exit dump runs after it). */
    private volatile long lastCpuNanos = -1;
    private volatile long lastReadLockNanos;

    /**
     * @param rings            the recorder's rings, or null when not recording
     * @param pinnedReports    pinned blocks the JVM reports, or null
     * @param longSliceNanos   the long-slice threshold: the longest sleep is half of it (and 16 ms at most)
     * @param samplesPerSecond random stack samples allowed per second
     * @param criticalSamplesPerSecond stack samples allowed per second for threads in critical scopes
     * @param operationWarnings  says bad input to the operations API once, or null when scopes are off
     */
    Drain(EventRing[] rings, Aggregator aggregator, ClockConversion clock, ContextSampler context,
          JfrPinnedBlocks pinnedReports, long longSliceNanos, int samplesPerSecond, int criticalSamplesPerSecond,
          OperationWarnings operationWarnings) {
        this.rings = rings;
        this.aggregator = aggregator;
        this.clock = clock;
        this.context = context;
        this.pinnedReports = pinnedReports;
        this.longestIdleParkNanos = Math.max(FIRST_IDLE_PARK_NANOS, Math.min(LONGEST_IDLE_PARK_NANOS,
                longSliceNanos / 2));
        this.samplesPerSecond = samplesPerSecond;
        this.criticalSamplesPerSecond = criticalSamplesPerSecond;
        this.operationWarnings = operationWarnings;
        this.shedding = rings == null ? null : new SheddingControl(aggregator.sheddingHistory(), rings);
        this.nowNanoTime = () -> clock.toNanos(Recorder.clockReading());
        this.thread = new Thread(this::run, "loomscope-drain");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the drain thread to stop after its pass and waits for it, at most {@link #STOP_WAIT_MILLIS}. */
    void stop() {
        stopping = true;
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
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
                backlog = false;
            } finally {
                lock.unlock();
            }
            if (drained < BUSY_PASS_RECORDS && !backlog) {
                LockSupport.parkNanos(idlePark);
                // while shedding, a pass at least every millisecond: the level comes down as soon as it can
                idlePark = shedding != null && shedding.shedding() ? FIRST_IDLE_PARK_NANOS
                        : Math.min(longestIdleParkNanos, 2 * idlePark);
            } else {
                idlePark = FIRST_IDLE_PARK_NANOS;
            }
        }
        if (operationWarnings != null) {
            operationWarnings.check(); // bad input of the last moments, before the exit dump
        }
        try {
            lastCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        } catch (RuntimeException e) {
            // stays -1: unknown
        }
    }

    /**
     * Ten times a second, lets a tenth of {@code samplesPerSecond} more random stack samples be taken, and a tenth of
     * {@code criticalSamplesPerSecond} more samples of threads in critical scopes; and says bad input to the
     * operations API ({@link OperationWarnings}).
     */
    private void refillSampleBudget(long now) {
        SampleRing samples = Recorder.samples();
        if (samples != null && now - lastSampleRefill >= SAMPLE_REFILL_NANOS) {
            lastSampleRefill = now;
            Recorder.allowSamplesUntil(samples.lvNextSequence() + Math.max(1, samplesPerSecond / 10));
            if (operationWarnings != null) {
                OperationScopes.allowCriticalSamplesUntil(OperationScopes.criticalSamplesAsked()
                        + Math.max(1, criticalSamplesPerSecond / 10));
                operationWarnings.check();
            }
        }
    }

    /**
     * One pass of the drain thread: the shed level raised or lowered by how full the rings are
     * ({@link SheddingControl}), then at most {@link #DRAIN_BATCH} records from each ring, and the pinned blocks the
     * JVM reported meanwhile (a few, in a bounded queue).
     */
    private int drainAllLocked() {
        calibrateClockLocked();
        backlog = shedding != null && shedding.beforePass(nowNanoTime);
        int drained = 0;
        if (rings != null) {
            for (EventRing ring : rings) {
                drained += ring.drain(aggregator, DRAIN_BATCH);
            }
            countShedCreationsLocked();
        }
        if (pinnedReports != null) {
            pinnedReports.drainTo(aggregator);
        }
        return drained;
    }

    /**
     * Hands the aggregator the creations the rings counted instead of recording them (threads shed as they were
     * created) since the last call. After draining: every END drained so far is of a thread whose creation is in.
     */
    private void countShedCreationsLocked() {
        long counted = 0;
        for (EventRing ring : rings) {
            counted += ring.shedCreations();
        }
        if (counted != shedCreationsHanded) {
            aggregator.shedCreations(counted - shedCreationsHanded, nowNanoTime.getAsLong());
            shedCreationsHanded = counted;
        }
    }

    /**
     * For a dump: takes the lock (waiting at most {@link #LOCK_WAIT_SECONDS}), drains everything recorded before this
     * call ({@link #drainUpToLocked}), and returns what {@code read} reads under the lock. Nothing drains while a dump
     * holds the lock, so {@code read} should only copy the drain's own state.
     *
     * @throws IOException the lock was not had in time, or the wait was interrupted
     */
    <T> T drainThenRead(Supplier<T> read) throws IOException {
        return readLocked(true, read);
    }

    /**
     * For a metrics scrape: what the drain has aggregated so far (its last pass, milliseconds ago unless it falls
     * behind), read under the lock without draining first, so the lock is held only to copy.
     */
    <T> T readWithoutDraining(Supplier<T> read) throws IOException {
        return readLocked(false, read);
    }

    /** How long the last {@link #drainThenRead} or {@link #readWithoutDraining} held the lock: the drain's wait. */
    long lastReadLockNanos() {
        return lastReadLockNanos;
    }

    private <T> T readLocked(boolean drainFirst, Supplier<T> read) throws IOException {
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
            return read.get();
        } finally {
            lastReadLockNanos = System.nanoTime() - lockedAt;
            lock.unlock();
        }
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
        if (rings != null) {
            countShedCreationsLocked();
        }
        if (pinnedReports != null) {
            pinnedReports.drainTo(aggregator);
        }
    }

    private void calibrateClockLocked() {
        if (clock.ticks()) {
            long before = System.nanoTime();
            long reading = Recorder.clockReading();
            clock.calibrate(before, reading, System.nanoTime());
        }
    }

    /**
     * Records the rings refused so far, by {@link EventKind}, and the reports of pinned blocks the queue refused
     * ({@link EventKind#PINNED_REPORT}). Under the lock, for a dump's counts.
     */
    long[] droppedByKind() {
        long[] droppedByKind = new long[EventKind.COUNT];
        if (rings != null) {
            for (EventRing ring : rings) {
                for (int kind = 0; kind < EventKind.COUNT; kind++) {
                    droppedByKind[kind] += ring.dropped(kind);
                }
            }
        }
        if (pinnedReports != null) {
            droppedByKind[EventKind.PINNED_REPORT] += pinnedReports.dropped();
        }
        return droppedByKind;
    }

    /** CPU time the drain thread has used (the recording's own cost off the application's threads), -1 if unknown. */
    long cpuNanos() {
        try {
            var threads = ManagementFactory.getThreadMXBean();
            return thread.isAlive() && threads.isThreadCpuTimeSupported()
                    ? threads.getThreadCpuTime(thread.threadId()) : lastCpuNanos;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}

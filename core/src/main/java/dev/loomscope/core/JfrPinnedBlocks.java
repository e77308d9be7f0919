package dev.loomscope.core;

import dev.loomscope.bootstrap.Recorder;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Pinned blocks that only the JVM sees, from JFR: on JDK 24+ a virtual thread that cannot unmount (a native frame
 * such as an FFM upcall on its stack, a class initialiser) and blocks entering a monitor, in {@code Object.wait}, or
 * waiting for another thread to initialise a class, blocks its carrier inside the JVM without running any Java code
 * an advice could observe; the JVM reports each such block once it ends, as {@code jdk.VirtualThreadPinned}. An
 * in-process JFR stream subscribed to that event alone ({@link JfrPinnedStream}) hands them over here.
 * <p>
 * Pinned parks are reported too (blocking operation {@code LockSupport.park}); they are left out here, the agent's
 * own advice on {@code VirtualThread.parkOnCarrierThread} records them. On JDK 21–23 the event has no blocking
 * operation and every pinned block it reports is a park, so nothing is subscribed.
 * <p>
 * The reports arrive about a second after the block ended (JFR flushes its buffers to the stream once a second), on
 * the stream's thread, and wait in a bounded queue for the drain, as GC notifications do ({@link ContextSampler}); a
 * report the full queue refuses is counted ({@link #dropped}). At JVM exit {@link #finish} lets the stream deliver its
 * last events before the exit dump drains them: JFR's own shutdown hook would otherwise close the stream first.
 */
final class JfrPinnedBlocks {
    /** The hook this source stands for in {@code agent.hooks}: applied when the stream runs, else missing. */
    static final String HOOK = "JFR.VirtualThreadPinned";
    /** Reports the drain may lag behind before further ones are dropped (and counted). */
    static final int CAPACITY = 16_384;

    /**
     * One pinned block as the JVM reported it.
     *
     * @param threadId        the virtual thread
     * @param carrierId       its carrier, 0 if not reported
     * @param kind            {@link PinnedKind}
     * @param startEpochNanos when it began, nanoseconds since the epoch (JFR's clock)
     * @param frames          its stack, innermost first, as {@link JfrPinnedStream} formats JFR's frames; may be empty
     */
    record Report(long threadId, long carrierId, int kind, long startEpochNanos, long durationNanos,
                  List<String> frames) {
    }

    private final ArrayBlockingQueue<Report> reports = new ArrayBlockingQueue<>(CAPACITY);
    private final LongAdder dropped = new LongAdder();
    private volatile JfrPinnedStream stream;

    /**
     * Starts the JFR stream, or explains in the returned text why it cannot run in this JVM (no {@code jdk.jfr}
     * module, a JVM without Flight Recorder, an event without the fields this needs).
     *
     * @return null when running
     */
    String start(int stackDepth) {
        if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
            return "the jdk.jfr module is not in this JVM";
        }
        try {
            stream = JfrPinnedStream.start(this, stackDepth);
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e.toString();
        }
    }

    /** The stream's thread: one pinned block, unless its virtual thread is not followed ({@code threadSample}). */
    void report(Report report) {
        if (Recorder.traced(report.threadId()) && !reports.offer(report)) {
            dropped.increment();
        }
    }

    /**
     * The drain thread: hands the reports waiting to {@code aggregator}, at most {@link #CAPACITY} (so that a dump
     * takes a bounded time however fast JFR delivers), and returns how many.
     */
    int drainTo(Aggregator aggregator) {
        int n = 0;
        Report report;
        while (n < CAPACITY && (report = reports.poll()) != null) {
            aggregator.reportedPinnedBlock(report.threadId(), report.carrierId(), report.kind(),
                    report.startEpochNanos(), report.durationNanos(), report.frames());
            n++;
        }
        return n;
    }

    /** Reports refused because the drain had fallen {@link #CAPACITY} behind. */
    long dropped() {
        return dropped.sum();
    }

    /**
     * Stops the stream and waits, at most {@code timeoutMillis}, until it has delivered every event recorded so far.
     * Called once the JVM begins to shut down, before any shutdown hook runs (JFR's own would close the stream and
     * delete its files, losing the last second of events).
     */
    void finish(long timeoutMillis) {
        JfrPinnedStream running = stream;
        if (running != null) {
            running.stop(timeoutMillis);
        }
    }
}

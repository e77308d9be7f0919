package dev.loomscope.core;

import dev.loomscope.bootstrap.Recorder;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The JFR side of {@link JfrPinnedBlocks}, and the only class that names {@code jdk.jfr}: loaded only where that
 * module is, so that a runtime without it fails to link this class and nothing else.
 * <p>
 * An in-process {@link RecordingStream} with {@code jdk.VirtualThreadPinned} enabled alone, threshold 0 and stack
 * traces, consumed on a daemon thread of its own ({@code startAsync} would start a thread that keeps the JVM from
 * exiting). JFR keeps the stream's data in its repository ({@code java.io.tmpdir}), at most {@link #MAX_SIZE}. Other
 * recordings in the JVM see the event with these settings too (JFR applies the lowest threshold of all recordings).
 */
final class JfrPinnedStream {
    static final String EVENT = "jdk.VirtualThreadPinned";
    /** The blocking operation of a pinned park, which the agent's advice records itself. */
    private static final String PARK = "LockSupport.park";
    /** What the JDK 25 JVM says of a wait for another thread's class initialisation ("... of X by another thread"). */
    private static final String CLASS_INIT_REASON = "Waited for initialization";
    private static final long MAX_SIZE = 32L << 20;
    /** Longest wait at start for the stream's recording to run. */
    private static final long START_WAIT_MILLIS = 2_000;

    private final RecordingStream stream;

    private JfrPinnedStream(RecordingStream stream) {
        this.stream = stream;
    }

    /**
     * @throws IllegalStateException no Flight Recorder in this JVM, or its {@code jdk.VirtualThreadPinned} has no
     *                               {@code blockingOperation} (JDK 21–23: every pinned block it reports is a park)
     */
    static JfrPinnedStream start(JfrPinnedBlocks sink, int stackDepth) {
        FlightRecorder recorder = FlightRecorder.getFlightRecorder();
        long newestBefore = newestRecordingId(recorder);
        RecordingStream stream = new RecordingStream();
        try {
            Recording own = recorder.getRecordings().stream().filter(r -> r.getId() > newestBefore)
                    .max(Comparator.comparingLong(Recording::getId)).orElse(null);
            EventType type = recorder.getEventTypes().stream()
                    .filter(t -> t.getName().equals(EVENT)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + EVENT + " in this JVM"));
            if (type.getField("blockingOperation") == null) {
                throw new IllegalStateException(EVENT + " has no blockingOperation in this JVM");
            }
            stream.enable(EVENT).withThreshold(Duration.ZERO).withStackTrace();
            stream.setReuse(true); // the handler copies what it keeps
            stream.setOrdered(false);
            stream.setMaxSize(MAX_SIZE);
            stream.onEvent(EVENT, event -> {
                try {
                    JfrPinnedBlocks.Report report = report(event, stackDepth);
                    if (report != null) {
                        sink.report(report);
                    }
                } catch (RuntimeException e) {
                    Recorder.countError();
                }
            });
            Thread thread = new Thread(() -> {
                try {
                    stream.start();
                } catch (RuntimeException e) {
                    Recorder.countError();
                }
            }, "loomscope-jfr-pinned");
            thread.setDaemon(true);
            thread.start();
            awaitRunning(own, thread);
            return new JfrPinnedStream(stream);
        } catch (RuntimeException | Error e) {
            stream.close();
            throw e;
        }
    }

    private static long newestRecordingId(FlightRecorder recorder) {
        return recorder.getRecordings().stream().mapToLong(Recording::getId).max().orElse(-1);
    }

    /**
     * Waits, at most {@link #START_WAIT_MILLIS}, until the stream's recording runs: {@link RecordingStream#start()}
     * starts it on the stream's thread, and a pinned block before that would not be recorded at all. The application
     * starts only after this (the agent's premain).
     */
    private static void awaitRunning(Recording own, Thread streamThread) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MILLIS);
        while (own != null && own.getState() == RecordingState.NEW && streamThread.isAlive()
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Stops the recording and waits, at most {@code timeoutMillis}, until the stream has delivered all it recorded
     * ({@link RecordingStream#stop()} waits for that, without a bound of its own: it runs on a thread of its own).
     */
    void stop(long timeoutMillis) {
        Thread stopper = new Thread(() -> {
            try {
                stream.stop();
            } catch (RuntimeException alreadyStoppedOrClosed) {
                // nothing more to deliver
            }
        }, "loomscope-jfr-pinned-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pinned block of {@code event}, or null for a park (recorded by the advice) or an event without a thread. */
    static JfrPinnedBlocks.Report report(RecordedEvent event, int stackDepth) {
        String operation = event.getString("blockingOperation");
        RecordedThread thread = event.getThread();
        if (operation == null || operation.equals(PARK) || thread == null) {
            return null;
        }
        String reason = event.hasField("pinnedReason") ? event.getString("pinnedReason") : null;
        RecordedThread carrier = event.hasField("carrierThread") ? event.getThread("carrierThread") : null;
        Instant start = event.getStartTime();
        return new JfrPinnedBlocks.Report(thread.getJavaThreadId(), carrier == null ? 0 : carrier.getJavaThreadId(),
                kind(operation, reason), start.getEpochSecond() * 1_000_000_000L + start.getNano(),
                event.getDuration().toNanos(), frames(event.getStackTrace(), stackDepth));
    }

    /** The {@link PinnedKind} of a blocking operation and pinned reason as the JVM words them. */
    static int kind(String operation, String reason) {
        if (reason != null && reason.startsWith(CLASS_INIT_REASON)) {
            return PinnedKind.CLASS_INIT; // the JVM waits on the class's initialisation lock: "Object.wait"
        }
        if (operation.equals("Object.wait")) {
            return PinnedKind.WAIT;
        }
        if (operation.toLowerCase(java.util.Locale.ROOT).contains("monitor enter")) {
            return PinnedKind.MONITOR; // "Contended monitor enter"
        }
        return PinnedKind.OTHER;
    }

    /**
     * JFR's frames as a site's, innermost first, at most {@code depth}, leaving out hidden frames and the scheduler's
     * own, as the agent's stack walks do ({@code StackCapture}). JFR knows no source file names: a frame reads
     * {@code class.method(line N)}, {@code (Native Method)} or {@code (Unknown Source)}.
     */
    static List<String> frames(RecordedStackTrace trace, int depth) {
        List<String> frames = new ArrayList<>();
        if (trace == null) {
            return frames;
        }
        for (RecordedFrame frame : trace.getFrames()) {
            if (frames.size() == depth) {
                break;
            }
            RecordedMethod method = frame.getMethod();
            if (method == null || method.isHidden()) {
                continue;
            }
            String type = method.getType().getName();
            if (leftOut(type)) {
                continue;
            }
            int line = frame.getLineNumber();
            frames.add(type + "." + method.getName() + ("Native".equals(frame.getType()) ? "(Native Method)"
                    : line > 0 ? "(line " + line + ")" : "(Unknown Source)"));
        }
        return frames;
    }

    /** The frames {@code StackCapture} leaves out of a sampled stack: the scheduler's and the agent's own. */
    private static boolean leftOut(String type) {
        return type.startsWith("dev.loomscope.bootstrap.")
                || type.equals("java.lang.VirtualThread")
                || type.startsWith("java.lang.ThreadBuilders")
                || type.startsWith("jdk.internal.vm.Continuation")
                || type.equals("jdk.internal.misc.VirtualThreads")
                || type.startsWith("java.lang.System$");
    }
}

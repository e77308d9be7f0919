package dev.loomscope.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dumps taken while the JVM runs: on SIGQUIT (forwarded by the agent's native shim), every {@code interval}, and
 * when the {@code dump} command asks through the Attach API. One daemon platform thread, {@code loomscope-dump}, takes
 * them one after the other, so requests never race for a file name and none is lost: two SIGQUITs are two dumps. A
 * dump drains and snapshots under the drain's lock ({@link RecordingSession#dump}); the drain thread keeps running,
 * and so does the recording. The exit dump stays with the session's shutdown hook.
 */
public final class DumpTriggers {
    /** {@code recording.trigger} of the dumps taken here. */
    public static final String SIGQUIT = "sigquit";
    public static final String INTERVAL = "interval";
    public static final String ATTACH_DUMP = "attach-dump";
    /** The last dump of a recording stopped by the {@code stop} command. */
    public static final String STOP = "stop";
    /** The last dump of a recording stopped when its {@code duration} ran out. */
    public static final String DURATION = "duration";

    private final RecordingSession session;
    private final String pattern;
    private final long intervalNanos;
    /** Where the last dump of a stopped recording goes unless the stop command names a file. */
    private final String out;
    private final int keep;
    /** The interval dumps written, oldest first, while {@link #keep} limits them: dump thread only. */
    private final Deque<Path> intervalDumps = new ArrayDeque<>();
    /** {@code System.nanoTime()} at which the {@code duration} runs out; 0: no duration. */
    private final long durationDeadline;
    /** Why and where the recording stopped, once it has: dump thread writes, command threads read. */
    private volatile String stopped;
    /** One permit per wake-up of the dump thread; what to do is in {@link #sigquits} and {@link #requests}. */
    private final Semaphore wake = new Semaphore(0);
    private final AtomicInteger sigquits = new AtomicInteger();
    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    /** Last pattern expansion and the sequence number used with it: only the dump thread touches these. */
    private String lastExpanded = "";
    private int lastSequence;

    private DumpTriggers(RecordingSession session, AgentOptions options) {
        this.session = session;
        this.pattern = options.dump();
        this.intervalNanos = options.interval().toNanos();
        this.out = options.out();
        this.keep = options.keep();
        this.durationDeadline = options.duration().isZero() ? 0 : System.nanoTime() + options.duration().toNanos();
        this.thread = new Thread(this::run, "loomscope-dump");
        this.thread.setDaemon(true);
    }

    /** Starts the {@code loomscope-dump} thread, and the periodic dumps if {@link AgentOptions#interval} is set. */
    public static DumpTriggers start(RecordingSession session, AgentOptions options) {
        DumpTriggers triggers = new DumpTriggers(session, options);
        triggers.thread.start();
        return triggers;
    }

    /**
     * SIGQUIT arrived. Called on the JVM's "Signal Dispatcher" thread, which must go back to its own work at once:
     * this only counts the request and wakes the dump thread.
     */
    public void sigquit() {
        sigquits.incrementAndGet();
        wake.release();
    }

    /**
     * Asks the dump thread to stop the recording and waits for its last dump ({@link RecordingSession#stop}).
     *
     * @param file where to write the last dump; null: {@code out}
     */
    public Result stopNow(String file, Duration timeout) {
        return dumpNow(STOP, file, timeout);
    }

    /**
     * Asks the dump thread for a dump and waits for it.
     *
     * @param file where to write, {@code %p} and {@code %t} expanded, overwriting; null: the next file of the
     *             {@code dump} pattern
     */
    public Result dumpNow(String trigger, String file, Duration timeout) {
        Request request = new Request(trigger, file, new CompletableFuture<>());
        requests.add(request);
        wake.release();
        try {
            return request.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Result.failed("no dump within " + timeout.toSeconds() + " s (the dump thread is busy or stuck)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted while waiting for the dump");
        } catch (ExecutionException e) {
            return Result.failed(String.valueOf(e.getCause()));
        }
    }

    private void run() {
        long nextInterval = intervalNanos > 0 ? System.nanoTime() + intervalNanos : 0;
        while (true) {
            try {
                long next = stopped != null ? 0 : earliest(intervalNanos > 0 ? nextInterval : 0, durationDeadline);
                if (next != 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        wake.tryAcquire(wait, TimeUnit.NANOSECONDS);
                    }
                } else {
                    wake.acquire();
                }
                wake.drainPermits(); // everything pending is taken below; a later request releases a new permit
            } catch (InterruptedException e) {
                return; // nobody but the JVM's exit interrupts this thread
            }
            Request request;
            while ((request = requests.poll()) != null) {
                Result result;
                try {
                    result = answer(request);
                } catch (Throwable t) {
                    result = Result.failed(String.valueOf(t));
                }
                request.done.complete(result);
            }
            while (sigquits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (stopped == null) {
                    safeDump(SIGQUIT);
                } else {
                    System.err.println("loomscope: SIGQUIT: no dump, " + stopped);
                }
            }
            if (stopped == null && durationDeadline != 0 && System.nanoTime() - durationDeadline >= 0) {
                stop(DURATION, out);
            }
            if (stopped == null && intervalNanos > 0 && System.nanoTime() - nextInterval >= 0) {
                Result result = safeDump(INTERVAL);
                if (result.ok() && keep > 0) {
                    deleteBeyondKeep(result.path());
                }
                long now = System.nanoTime();
                do {
                    nextInterval += intervalNanos; // a slow dump skips ticks instead of piling them up
                } while (nextInterval - now <= 0);
            }
        }
    }

    /** The earlier of two {@code System.nanoTime()} deadlines, 0 standing for none. */
    private static long earliest(long a, long b) {
        if (a == 0 || b == 0) {
            return a == 0 ? b : a;
        }
        return a - b <= 0 ? a : b;
    }

    private Result answer(Request request) {
        if (stopped != null) {
            return failed(request.trigger + ": no dump, " + stopped);
        }
        if (request.trigger.equals(STOP)) {
            return stop(STOP, request.file == null ? out : request.file);
        }
        return request.file == null ? dump(request.trigger, pattern, true) : dump(request.trigger, request.file, false);
    }

    /** Stops the recording; its last dump goes to {@code file}, or nowhere if that cannot be written. */
    private Result stop(String trigger, String file) {
        Result result;
        try {
            result = session.stop(trigger, target(file, false).toString());
        } catch (NoTarget e) {
            session.stop(trigger, null);
            result = failed(e.getMessage());
        }
        stopped = "the recording stopped (" + trigger + ")" + (result.ok() ? "; its last dump is " + result.path()
                : "");
        return result;
    }

    /** After an interval dump: deletes the oldest this JVM wrote, beyond {@link #keep}. */
    private void deleteBeyondKeep(Path written) {
        intervalDumps.remove(written); // a fixed name ("the latest") is one file, however often it is written
        intervalDumps.addLast(written);
        while (intervalDumps.size() > keep) {
            Path oldest = intervalDumps.removeFirst();
            try {
                Files.deleteIfExists(oldest);
            } catch (IOException e) {
                System.err.println("loomscope: keep=" + keep + ": cannot delete " + oldest + ": " + e);
            }
        }
    }

    private Result safeDump(String trigger) {
        try {
            return dump(trigger, pattern, true);
        } catch (Throwable t) {
            System.err.println("loomscope: " + trigger + " dump failed: " + t);
            return Result.failed(String.valueOf(t));
        }
    }

    /**
     * @param unique add a sequence number when the expansion repeats (same second) or the file exists, so no dump
     *               overwrites another; applies only to patterns with {@code %t} (a fixed name means "the latest")
     */
    private Result dump(String trigger, String fileOrPattern, boolean unique) {
        try {
            return session.dump(trigger, target(fileOrPattern, unique).toString());
        } catch (NoTarget e) {
            return failed(e.getMessage());
        }
    }

    /** The file a dump goes to: {@code fileOrPattern} expanded, in a directory that exists. */
    private Path target(String fileOrPattern, boolean unique) throws NoTarget {
        Path target;
        try {
            target = Path.of(nextName(fileOrPattern, unique && fileOrPattern.contains("%t")));
        } catch (InvalidPathException e) {
            throw new NoTarget(RecordingSession.cannotName(fileOrPattern, e));
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoTarget("cannot write dump to " + target.toAbsolutePath() + ": no directory " + dir);
        }
        return target;
    }

    private static Result failed(String error) {
        System.err.println("loomscope: " + error);
        return Result.failed(error);
    }

    /** Why a dump has nowhere to go. */
    private static final class NoTarget extends Exception {
        NoTarget(String message) {
            super(message, null, false, false);
        }
    }

    private String nextName(String fileOrPattern, boolean unique) {
        // Expanded here, once: RecordingSession.dump expands again, which leaves a name without '%' unchanged.
        String expanded = RecordingSession.expand(fileOrPattern);
        if (!unique) {
            return expanded;
        }
        int sequence = expanded.equals(lastExpanded) ? lastSequence + 1 : 0;
        String name = withSequence(expanded, sequence);
        while (Files.exists(Path.of(name))) {
            name = withSequence(expanded, ++sequence);
        }
        lastExpanded = expanded;
        lastSequence = sequence;
        return name;
    }

    /** {@code dir/a-1234.json}, 2 → {@code dir/a-1234-2.json}; 0 leaves the name as it is. */
    static String withSequence(String name, int sequence) {
        return sequence == 0 ? name : AgentOptions.beforeExtension(name, "-" + sequence);
    }

    /** A dump's outcome: the absolute path written, or why there is none. */
    public record Result(Path path, String error) {
        public static Result failed(String error) {
            return new Result(null, error);
        }

        public boolean ok() {
            return path != null;
        }
    }

    private record Request(String trigger, String file, CompletableFuture<Result> done) {
    }
}

package dev.loomscope.core;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
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

    private final RecordingSession session;
    private final String pattern;
    private final long intervalNanos;
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
                if (intervalNanos > 0) {
                    long wait = nextInterval - System.nanoTime();
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
                    result = request.file == null ? dump(request.trigger, pattern, true)
                            : dump(request.trigger, request.file, false);
                } catch (Throwable t) {
                    result = Result.failed(String.valueOf(t));
                }
                request.done.complete(result);
            }
            while (sigquits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                safeDump(SIGQUIT);
            }
            if (intervalNanos > 0 && System.nanoTime() - nextInterval >= 0) {
                safeDump(INTERVAL);
                long now = System.nanoTime();
                do {
                    nextInterval += intervalNanos; // a slow dump skips ticks instead of piling them up
                } while (nextInterval - now <= 0);
            }
        }
    }

    private void safeDump(String trigger) {
        try {
            dump(trigger, pattern, true);
        } catch (Throwable t) {
            System.err.println("loomscope: " + trigger + " dump failed: " + t);
        }
    }

    /**
     * @param unique add a sequence number when the expansion repeats (same second) or the file exists, so no dump
     *               overwrites another; applies only to patterns with {@code %t} (a fixed name means "the latest")
     */
    private Result dump(String trigger, String fileOrPattern, boolean unique) {
        Path target;
        try {
            target = Path.of(nextName(fileOrPattern, unique && fileOrPattern.contains("%t")));
        } catch (InvalidPathException e) {
            String error = RecordingSession.cannotName(fileOrPattern, e);
            System.err.println("loomscope: " + error);
            return Result.failed(error);
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            String error = "cannot write dump to " + target.toAbsolutePath() + ": no directory " + dir;
            System.err.println("loomscope: " + error);
            return Result.failed(error);
        }
        return session.dump(trigger, target.toString());
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

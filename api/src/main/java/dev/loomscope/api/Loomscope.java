package dev.loomscope.api;

/**
 * Labels the work of the current thread for Loomscope, the virtual-thread scheduling profiler.
 *
 * <pre>{@code
 * try (var op = Loomscope.operation("POST /payments", traceId)) {  // this thread's events count under the operation
 *     try (var c = Loomscope.critical()) {                            // every event's stack sampled while open
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Without the Loomscope agent every method is a no-op: it returns one shared {@link Scope} whose {@code close()}
 * does nothing, and allocates nothing. With the agent (at startup or attached later) the agent weaves this class so
 * that the calls reach its recorder: the events of the current thread (block, wake, wake-to-run, run slices) are
 * counted under the innermost open operation, virtual threads started inside an operation inherit it, and closing a
 * scope restores the one that was current when it was opened.
 *
 * <p>Never throws into the application: a {@code null} or empty name is ignored (the scope does nothing), an
 * over-long name is truncated, and names beyond the agent's bound on distinct operations are counted as
 * {@code other}. Scopes belong to the thread that opened them: close them on that thread, innermost first (which
 * try-with-resources does).
 *
 * <p>See docs/api.md of the Loomscope project.
 */
public final class Loomscope {

    /** The {@code flags} of {@link #enter}: the scope is an operation (name and trace id apply). */
    static final int OPERATION = 1;

    /** The {@code flags} of {@link #enter}: the scope is a critical scope (every event's stack is sampled). */
    static final int CRITICAL = 2;

    /** Returned by every method when there is nothing to undo: without the agent, or for ignored input. */
    private static final Scope NO_OP = new Scope(0L);

    private Loomscope() {
    }

    /**
     * Counts the current thread's work under {@code name} until the returned scope is closed.
     *
     * @param name the operation, such as {@code "POST /payments"}: a route template, not a URL with ids in it (the
     *             agent keeps a bounded number of distinct names)
     * @return the scope to close (try-with-resources)
     */
    public static Scope operation(String name) {
        return scope(enter(name, null, OPERATION));
    }

    /**
     * Counts the current thread's work under {@code name} until the returned scope is closed, and names
     * {@code traceId} on the operation's worst events (the dump's exemplars).
     *
     * @param name    the operation, such as {@code "POST /payments"}
     * @param traceId the request's trace id (for instance the W3C trace id), or {@code null}
     * @return the scope to close (try-with-resources)
     */
    public static Scope operation(String name, String traceId) {
        return scope(enter(name, traceId, OPERATION));
    }

    /**
     * Samples the stack of every event of the current thread until the returned scope is closed (bounded by the
     * agent's per-second cap, which the dump reports when reached). Use it for requests asked to be traced in full.
     *
     * @return the scope to close (try-with-resources)
     */
    public static Scope critical() {
        return scope(enter(null, null, CRITICAL));
    }

    private static Scope scope(long token) {
        return token == 0L ? NO_OP : new Scope(token);
    }

    /**
     * Opens a scope in the recorder: woven by the agent; without it, nothing to open.
     *
     * @return a token for {@link #exit} that restores the state before this call, or 0 when there is nothing to undo
     */
    static long enter(String name, String traceId, int flags) {
        return 0L;
    }

    /** Closes a scope opened by {@link #enter}: woven by the agent; without it, nothing to close. */
    static void exit(long token) {
    }

    /** An open operation or critical scope; {@link #close()} ends it and never throws. */
    public static final class Scope implements AutoCloseable {

        /** What {@link #exit} needs to restore the state before the scope; 0 once closed or when nothing to undo. */
        private long token;

        Scope(long token) {
            this.token = token;
        }

        /** Ends the scope: the operation (or critical state) current before it was opened is current again. */
        @Override
        public void close() {
            long t = token;
            if (t != 0L) {
                token = 0L; // a second close does nothing
                exit(t);
            }
        }
    }
}

package dev.loomscope.core;

import dev.loomscope.bootstrap.OperationScopes;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One line on stderr the first time the application gives a scope bad input ({@code Loomscope.operation(null)}, a
 * name of 10,000 characters, more distinct names than the {@code operations} option keeps, ...): the recorder only
 * counts, on the application's thread, and the drain says so here, once per kind of problem. The dump has the counts
 * ({@code operations}).
 */
final class OperationWarnings {
    private record Problem(LongSupplier count, String message) {
    }

    private final Problem[] problems;
    private final boolean[] said;
    private final Consumer<String> warn;

    OperationWarnings(int limit, Consumer<String> warn) {
        this.warn = warn;
        this.problems = new Problem[]{
                new Problem(OperationScopes::scopesIgnored, "Loomscope.operation was given a null or empty name;"
                        + " those scopes are ignored (counted in operations.scopesIgnored)"),
                new Problem(OperationScopes::namesTruncated, "an operation name is longer than "
                        + OperationScopes.maxNameChars() + " characters; cut to " + OperationScopes.maxNameChars()
                        + " (counted in operations.namesTruncated)"),
                new Problem(OperationScopes::scopesOverLimit, "more than " + limit + " distinct operation names;"
                        + " later names count as 'other' (the operations option; counted in"
                        + " operations.scopesOverLimit). Name operations by route, not by URL"),
                new Problem(OperationScopes::traceIdsIgnored, "a trace id is longer than "
                        + OperationScopes.MAX_TRACE_ID_CHARS + " characters; left out (counted in"
                        + " operations.traceIdsIgnored)"),
                new Problem(OperationScopes::scopesUntracked, "too many threads inside operation scopes at once;"
                        + " some scopes are not tracked (counted in operations.scopesUntracked)"),
        };
        this.said = new boolean[problems.length];
    }

    /** Says each problem that has appeared since the last call, if never said before. */
    void check() {
        for (int i = 0; i < problems.length; i++) {
            if (!said[i] && problems[i].count().getAsLong() > 0) {
                said[i] = true;
                warn.accept("loomscope: " + problems[i].message());
            }
        }
    }
}

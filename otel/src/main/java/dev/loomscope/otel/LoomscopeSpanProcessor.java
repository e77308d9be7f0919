package dev.loomscope.otel;

import dev.loomscope.api.Loomscope;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

import java.util.concurrent.atomic.LongAdder;

/**
 * Opens a Loomscope operation for each server span: the work of the thread that starts a {@link SpanKind#SERVER} span
 * is counted under the span's name until the span ends, with the span's trace id on the operation's exemplars.
 *
 * <pre>{@code
 * SdkTracerProvider tracing = SdkTracerProvider.builder()
 *         .addSpanProcessor(LoomscopeSpanProcessor.create())
 *         .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
 *         .build();
 * }</pre>
 *
 * <p><b>Threads.</b> The SDK calls {@link #onStart} on the thread that starts a span and {@link #onEnd} on the thread
 * that ends it, and a Loomscope scope must be closed on the thread that opened it, innermost first. So each thread
 * keeps its own stack of the operations this processor opened on it, and a scope is only ever closed on its own
 * thread, when its span has ended and every scope opened after it on that thread is closed:
 * <ul>
 *   <li>A server span started and ended on one thread (a request on a virtual thread of its own, the shape Loomscope
 *       is for) closes its operation in {@code onEnd}.</li>
 *   <li>A server span ended on another thread (an asynchronous response) cannot close there: its operation stays
 *       current on the starting thread until that thread starts or ends its next server span, which closes it first,
 *       or until the thread ends (a virtual thread's scopes end with it). Nothing is thrown and nothing is kept beyond
 *       that thread's stack.</li>
 *   <li>Nested server spans on one thread (two layers that both start one): each opens an operation, and the innermost
 *       is current, as with nested {@link Loomscope#operation} calls. An outer span that ends before an inner one
 *       keeps its operation open (under the inner one, which is current anyway) until the inner one ends.</li>
 * </ul>
 * At most {@value #MAX_OPEN_PER_THREAD} operations are open on one thread (an event-loop thread that starts many
 * requests' spans, none ending there): past that, server spans of that thread open none, so memory stays bounded
 * whatever the application does.
 *
 * <p><b>What the processor sees.</b> The SDK hands a processor recording spans only: a span the sampler dropped opens
 * no operation. The trace id goes to Loomscope only for sampled spans (an exemplar names a trace that the backend
 * has). The operation's name is the span's name when the span starts: an instrumentation that renames its server
 * span later (once the route is known) labels the operation with the first name, so start server spans with their
 * final, bounded name ({@code POST /payments}), or call {@link Loomscope#operation} once the route is known.
 *
 * <p>Never throws into the application: a failure (a {@link LinkageError} with an incompatible loomscope-api on the
 * class path, say) prints one {@code loomscope:} line on stderr and turns the processor off. Without the Loomscope
 * agent every operation is a no-op. See docs/otel.md.
 */
public final class LoomscopeSpanProcessor implements SpanProcessor {

    /** Operations open on one thread at most (nested server spans are rarely more than two deep). */
    static final int MAX_OPEN_PER_THREAD = 16;

    /** An operation this processor opened, on the thread that opened it; {@code outer} was current before it. */
    private static final class Opened {
        final ReadableSpan span;
        final Loomscope.Scope scope;
        final Opened outer;
        final int depth;

        Opened(ReadableSpan span, Loomscope.Scope scope, Opened outer) {
            this.span = span;
            this.scope = scope;
            this.outer = outer;
            this.depth = outer == null ? 1 : outer.depth + 1;
        }
    }

    /** This thread's innermost open operation (the top of its stack); no entry when none is open. */
    private final ThreadLocal<Opened> innermost = new ThreadLocal<>();
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder overLimit = new LongAdder();
    private volatile boolean off;

    private LoomscopeSpanProcessor() {
    }

    /** A processor to add to an {@code SdkTracerProvider}, before the exporting processors or after: order is free. */
    public static LoomscopeSpanProcessor create() {
        return new LoomscopeSpanProcessor();
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        if (off || span.getKind() != SpanKind.SERVER) {
            return;
        }
        try {
            Opened top = closeEnded(innermost.get());
            if (top != null && top.depth >= MAX_OPEN_PER_THREAD) {
                overLimit.increment();
                keep(top);
                return;
            }
            SpanContext context = span.getSpanContext();
            String traceId = context.isSampled() ? context.getTraceId() : null;
            Loomscope.Scope scope = Loomscope.operation(span.getName(), traceId);
            innermost.set(new Opened(span, scope, top));
            opened.increment();
        } catch (RuntimeException | LinkageError e) {
            turnOff(e);
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (off || span.getKind() != SpanKind.SERVER) {
            return;
        }
        try {
            Opened top = innermost.get();
            if (top != null) {
                // The span that ended is this thread's innermost (the usual case), under it (it ended out of order:
                // closed with the ones above it), or none of this thread's (ended on another thread: its own thread
                // closes it).
                keep(closeEnded(top));
            }
        } catch (RuntimeException | LinkageError e) {
            turnOff(e);
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    /** Closes, innermost first, the operations at the top of this thread's stack whose spans have ended. */
    private Opened closeEnded(Opened top) {
        while (top != null && top.span.hasEnded()) {
            top.scope.close();
            closed.increment();
            top = top.outer;
        }
        return top;
    }

    private void keep(Opened top) {
        if (top == null) {
            innermost.remove(); // a pooled thread keeps no entry between requests
        } else {
            innermost.set(top);
        }
    }

    private void turnOff(Throwable e) {
        if (!off) {
            off = true;
            System.err.println("loomscope: the OpenTelemetry bridge is off, server spans open no operation: " + e);
        }
    }

    /** Operations open on the calling thread (for tests). */
    int openOnThisThread() {
        Opened top = innermost.get();
        return top == null ? 0 : top.depth;
    }

    /** Operations opened since creation, closed, and server spans that found their thread's stack full. */
    long[] counts() {
        return new long[] {opened.sum(), closed.sum(), overLimit.sum()};
    }

    @Override
    public String toString() {
        return "LoomscopeSpanProcessor{opened=" + opened.sum() + ", closed=" + closed.sum() + ", overLimit="
                + overLimit.sum() + (off ? ", off" : "") + "}";
    }
}

package dev.loomscope.otel.it;

import dev.loomscope.otel.LoomscopeSpanProcessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A service traced with the real OpenTelemetry SDK and the bridge, serving requests as server spans on virtual threads
 * of their own (as Jetty or Tomcat with virtual threads do). Usage: {@code ServerSpans <requests per route>}.
 *
 * <ul>
 *   <li>{@code GET /sleepy}: {@value #SLEEPS} sleeps of {@value #SLEEP_MS} ms, then a client span ({@code SELECT
 *       ledger}) around one more: {@value #SLEEPS} + 1 blocks under the operation.</li>
 *   <li>{@code POST /spin}: {@value #SPIN_MS} ms of CPU, then one sleep: 1 block.</li>
 *   <li>{@code GET /async}: one sleep, then another virtual thread ends the span (its response is completed there)
 *       while this one waits for it ({@code join}: a park), then one more sleep: 3 blocks, all under the operation,
 *       since a span ended on another thread leaves its operation current on its own thread (docs/otel.md).</li>
 * </ul>
 * Prints {@code trace <route> <trace id>} for each request, and {@code done} at the end.
 */
public final class ServerSpans {
    static final int SLEEPS = 3;
    static final int SLEEP_MS = 2;
    static final int SPIN_MS = 3;

    private ServerSpans() {
    }

    public static void main(String[] args) throws Exception {
        int requests = Integer.parseInt(args[0]);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(LoomscopeSpanProcessor.create()).build();
        Tracer tracer = provider.get("dev.loomscope.otel.it");
        // The classes of the SDK and the bridge are loaded on a platform thread, outside the recording (which is of
        // virtual threads): no class loading blocks the measured requests.
        Thread warmUp = Thread.ofPlatform().start(() -> {
            for (String route : new String[] {"GET /sleepy", "POST /spin"}) {
                try {
                    serve(tracer, route);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        warmUp.join();
        // Lock-free: a contended monitor would be one more block under the operations.
        Queue<String> out = new ConcurrentLinkedQueue<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                for (String route : new String[] {"GET /sleepy", "POST /spin", "GET /async"}) {
                    threads.submit(() -> {
                        String traceId = route.equals("GET /async") ? serveAsync(tracer) : serve(tracer, route);
                        out.add("trace " + route + " " + traceId);
                        return null;
                    });
                }
            }
        }
        provider.close();
        System.out.println(String.join("\n", out));
        System.out.println("done");
    }

    private static String serve(Tracer tracer, String route) throws InterruptedException {
        Span span = tracer.spanBuilder(route).setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope scope = span.makeCurrent()) {
            if (route.equals("GET /sleepy")) {
                for (int i = 0; i < SLEEPS; i++) {
                    Thread.sleep(SLEEP_MS);
                }
                Span query = tracer.spanBuilder("SELECT ledger").setSpanKind(SpanKind.CLIENT).startSpan();
                try {
                    Thread.sleep(SLEEP_MS);
                } finally {
                    query.end();
                }
            } else {
                spin(SPIN_MS);
                Thread.sleep(SLEEP_MS);
            }
        } finally {
            span.end();
        }
        return span.getSpanContext().getTraceId();
    }

    private static String serveAsync(Tracer tracer) throws InterruptedException {
        Span span = tracer.spanBuilder("GET /async").setSpanKind(SpanKind.SERVER).startSpan();
        Thread.sleep(SLEEP_MS);
        Thread.ofVirtual().start(span::end).join();
        Thread.sleep(SLEEP_MS);
        return span.getSpanContext().getTraceId();
    }

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        if (x == 42) {
            System.out.print("");
        }
    }
}

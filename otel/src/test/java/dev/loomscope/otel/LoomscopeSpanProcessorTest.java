package dev.loomscope.otel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge in the real OpenTelemetry SDK, without the Loomscope agent (every operation a no-op): which spans open an
 * operation, that each one is closed on the thread that opened it, and that nothing stays behind.
 */
class LoomscopeSpanProcessorTest {
    private final LoomscopeSpanProcessor processor = LoomscopeSpanProcessor.create();
    private SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    private Tracer tracer = provider.get("test");

    @AfterEach
    void shutDown() {
        provider.close();
    }

    private Span server(String name) {
        return tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).startSpan();
    }

    /** {opened, closed, over the per-thread limit} */
    private void assertCounts(long opened, long closed, long overLimit) {
        assertArrayEquals(new long[] {opened, closed, overLimit}, processor.counts(), processor.toString());
    }

    @Test
    void aServerSpanOpensAnOperationUntilItEnds() {
        Span span = server("POST /payments");
        assertEquals(1, processor.openOnThisThread());
        span.end();
        assertEquals(0, processor.openOnThisThread());
        assertCounts(1, 1, 0);
    }

    @Test
    void spansOfOtherKindsOpenNone() {
        for (SpanKind kind : List.of(SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER)) {
            Span span = tracer.spanBuilder("work").setSpanKind(kind).startSpan();
            assertEquals(0, processor.openOnThisThread(), kind.toString());
            span.end();
        }
        assertCounts(0, 0, 0);
    }

    @Test
    void clientSpansInsideAServerSpanLeaveItsOperationOpen() {
        Span request = server("GET /payments/{id}");
        Span call = tracer.spanBuilder("SELECT ledger").setSpanKind(SpanKind.CLIENT)
                .setParent(Context.current().with(request)).startSpan();
        call.end();
        assertEquals(1, processor.openOnThisThread());
        request.end();
        assertCounts(1, 1, 0);
    }

    @Test
    void nestedServerSpansCloseInnermostFirst() {
        Span outer = server("HTTP POST");
        Span inner = server("POST /payments");
        assertEquals(2, processor.openOnThisThread());
        inner.end();
        assertEquals(1, processor.openOnThisThread());
        outer.end();
        assertEquals(0, processor.openOnThisThread());
        assertCounts(2, 2, 0);
    }

    @Test
    void anOuterSpanEndedFirstStaysOpenUnderTheInnerUntilItEnds() {
        Span outer = server("HTTP POST");
        Span inner = server("POST /payments");
        outer.end();
        assertEquals(2, processor.openOnThisThread(), "the inner operation is current; the outer one under it");
        assertCounts(2, 0, 0);
        inner.end();
        assertEquals(0, processor.openOnThisThread());
        assertCounts(2, 2, 0);
    }

    @Test
    void aSpanEndedOnAnotherThreadIsClosedByItsOwnThreadAtItsNextServerSpan() throws Exception {
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            Span span = starter.submit(() -> server("POST /payments")).get();
            Thread ender = Thread.ofPlatform().start(span::end);
            ender.join();
            assertEquals(1, starter.submit(processor::openOnThisThread).get(), "not closed on the ending thread");
            assertCounts(1, 0, 0);

            starter.submit(() -> server("GET /health").end()).get();
            assertEquals(0, starter.submit(processor::openOnThisThread).get());
            assertCounts(2, 2, 0);
        } finally {
            starter.shutdown();
        }
    }

    @Test
    void aThreadHoldsAtMostTheLimitOfOpenOperations() {
        List<Span> spans = new ArrayList<>();
        int started = LoomscopeSpanProcessor.MAX_OPEN_PER_THREAD + 5;
        for (int i = 0; i < started; i++) {
            spans.add(server("GET /stream"));
        }
        assertEquals(LoomscopeSpanProcessor.MAX_OPEN_PER_THREAD, processor.openOnThisThread());
        for (int i = spans.size() - 1; i >= 0; i--) {
            spans.get(i).end();
        }
        assertEquals(0, processor.openOnThisThread());
        int limit = LoomscopeSpanProcessor.MAX_OPEN_PER_THREAD;
        assertCounts(limit, limit, started - limit);
    }

    @Test
    void everyRequestOnItsOwnVirtualThreadIsClosedThere() throws Exception {
        int requests = 1_000;
        List<Future<Integer>> leftOpen = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                String route = i % 2 == 0 ? "POST /payments" : "GET /payments/{id}";
                leftOpen.add(threads.submit(() -> {
                    Span span = server(route);
                    Thread.sleep(1);
                    span.end();
                    return processor.openOnThisThread();
                }));
            }
        }
        for (Future<Integer> open : leftOpen) {
            assertEquals(0, open.get());
        }
        assertCounts(requests, requests, 0);
    }

    @Test
    void spansTheSamplerDropsOpenNone() {
        provider.close();
        provider = SdkTracerProvider.builder().addSpanProcessor(processor).setSampler(Sampler.alwaysOff()).build();
        tracer = provider.get("test");
        server("POST /payments").end();
        assertCounts(0, 0, 0);
    }

    @Test
    void recordedButUnsampledSpansOpenOne() {
        provider.close();
        Sampler recordOnly = new Sampler() {
            @Override
            public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                               Attributes attributes, List<LinkData> parentLinks) {
                return SamplingResult.recordOnly();
            }

            @Override
            public String getDescription() {
                return "record only";
            }
        };
        provider = SdkTracerProvider.builder().addSpanProcessor(processor).setSampler(recordOnly).build();
        tracer = provider.get("test");
        Span span = server("POST /payments");
        assertFalse(span.getSpanContext().isSampled());
        assertEquals(1, processor.openOnThisThread());
        span.end();
        assertCounts(1, 1, 0);
    }

    @Test
    void aSpanEndedTwiceClosesOnce() {
        Span span = server("POST /payments");
        span.end();
        span.end();
        assertCounts(1, 1, 0);
    }
}

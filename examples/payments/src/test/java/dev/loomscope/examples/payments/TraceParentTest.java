package dev.loomscope.examples.payments;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Test vectors from the W3C Trace Context spec's rules for {@code traceparent}. */
class TraceParentTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String VALID = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void aWellFormedHeaderGivesItsTraceId() {
        assertEquals(TRACE_ID, TraceParent.traceId(VALID));
        assertEquals(TRACE_ID, TraceParent.traceId("00-" + TRACE_ID + "-00f067aa0ba902b7-00"), "not sampled");
        assertEquals(TRACE_ID, TraceParent.traceId("  " + VALID + "\t"), "optional white space around the value");
    }

    @Test
    void aLaterVersionMayAppendFields() {
        assertEquals(TRACE_ID, TraceParent.traceId("cc-" + TRACE_ID + "-00f067aa0ba902b7-01"));
        assertEquals(TRACE_ID, TraceParent.traceId("cc-" + TRACE_ID + "-00f067aa0ba902b7-01-what-the-future-holds"));
        assertNull(TraceParent.traceId("cc-" + TRACE_ID + "-00f067aa0ba902b7-01x"));
    }

    @Test
    void malformedHeadersAreIgnored() {
        for (String bad : List.of(
                "",
                "00",
                VALID.substring(0, 54),
                VALID + "-",                                          // version 00 has exactly four fields
                "ff-" + TRACE_ID + "-00f067aa0ba902b7-01",            // forbidden version
                "00-" + TRACE_ID.toUpperCase() + "-00f067aa0ba902b7-01", // lower-case hex only
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-" + TRACE_ID + "-0000000000000000-01",            // all-zero parent id
                "00-" + TRACE_ID + "-00f067aa0ba902b7-0g",
                "0x-" + TRACE_ID + "-00f067aa0ba902b7-01",
                "00_" + TRACE_ID + "-00f067aa0ba902b7-01",
                "00-" + TRACE_ID + "_00f067aa0ba902b7-01",
                "00-" + TRACE_ID + "-00f067aa0ba902b7_01",
                "00-" + TRACE_ID.substring(1) + "-00f067aa0ba902b7-01-",
                "00-" + TRACE_ID + "-00f067aa0ba902b7-01," + VALID)) { // two headers folded into one
            assertNull(TraceParent.traceId(bad), bad);
        }
        assertNull(TraceParent.traceId(null));
    }

    @Test
    void oneHeaderOnly() {
        assertEquals(TRACE_ID, OperationHandler.traceId(List.of(VALID)));
        assertNull(OperationHandler.traceId(List.of()));
        assertNull(OperationHandler.traceId(List.of(VALID, VALID)), "several traceparent headers: none is trusted");
    }

    @Test
    void theLoadGeneratorSendsWellFormedHeaders() {
        Random random = new Random(1);
        for (int i = 0; i < 1_000; i++) {
            String header = LoadGenerator.traceparent(random);
            assertEquals(header.substring(3, 35), TraceParent.traceId(header), header);
        }
    }
}

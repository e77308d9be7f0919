package dev.loomscope.examples.payments;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The names requests are labelled with, and which requests are traced in full. */
class OperationHandlerTest {

    @Test
    void routesArePathTemplatesNotPaths() {
        assertEquals("POST /payments/authorize", PaymentApi.route("POST", "/payments/authorize"));
        assertEquals("GET /payments/{id}", PaymentApi.route("GET", "/payments/pay-0b3c"));
        assertEquals("GET /payments/{id}", PaymentApi.route("GET", "/payments/pay-77aa"));
        assertEquals("GET /health", PaymentApi.route("GET", "/health"));
        assertEquals("GET /stats", PaymentApi.route("GET", "/stats"));
    }

    @Test
    void requestsMatchingNoRouteAreNamedByTheirMethodAlone() {
        assertEquals("GET", PaymentApi.route("GET", "/payments/authorize"));
        assertEquals("GET", PaymentApi.route("GET", "/payments/"));
        assertEquals("GET", PaymentApi.route("GET", "/no/such/page/123"));
        assertEquals("DELETE", PaymentApi.route("DELETE", "/payments/pay-1"));
        assertEquals("HTTP", PaymentApi.route("BREW", "/coffee"), "a method of the client's invention");
    }

    @Test
    void highPriorityIsTracedInFull() {
        assertTrue(OperationHandler.critical("high"));
        assertTrue(OperationHandler.critical(" HIGH "));
        assertFalse(OperationHandler.critical(null));
        assertFalse(OperationHandler.critical("low"));
        assertFalse(OperationHandler.critical("higher"));
    }
}

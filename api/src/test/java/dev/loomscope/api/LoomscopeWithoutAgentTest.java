package dev.loomscope.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Without the agent every call returns the one shared no-op scope, whatever its input. */
class LoomscopeWithoutAgentTest {

    @Test
    void everyCallReturnsTheSharedNoOpScope() {
        Loomscope.Scope first = Loomscope.operation("POST /payments");
        assertSame(first, Loomscope.operation("GET /health", "4bf92f3577b34da6a3ce929d0e0e4736"));
        assertSame(first, Loomscope.critical());
        assertSame(first, Loomscope.operation(null));
        assertSame(first, Loomscope.operation("", null));
        assertSame(first, Loomscope.operation("x".repeat(10_000)));
    }

    @Test
    void closeIsHarmlessAnyNumberOfTimes() {
        Loomscope.Scope scope = Loomscope.operation("POST /payments");
        assertDoesNotThrow(() -> {
            scope.close();
            scope.close();
        });
        try (var op = Loomscope.operation("POST /payments"); var c = Loomscope.critical()) {
            assertSame(op, c);
        }
    }
}

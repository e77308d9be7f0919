package dev.loomscope.junit;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension in the JVM it is meant for: this module's tests run with the real agent attached (surefire argLine),
 * and the fixtures run through the JUnit engine so that their outcome can be checked.
 */
class LoomscopeBudgetTest {

    @Test
    void pinningBeyondTheBudgetFailsNamingTheClassInitializer() {
        String message = failureOf(BudgetFixtures.PinsOnce.class);
        assertTrue(message.contains("pinnedBlocks 1 > 0") || message.matches("(?s).*pinnedBlocks [2-9] > 0.*"),
                message);
        assertTrue(message.contains("SleepsInItsInitializer.<clinit>("), message);
    }

    @Test
    void carrierHogsBreakTheWakeToRunBudgetAtTheSleepersSite() {
        String message = failureOf(BudgetFixtures.HogsEveryCarrier.class);
        assertTrue(message.contains("wakeToRun p99 "), message);
        assertTrue(message.contains("> 5ms"), message);
        assertTrue(message.contains("worst wake site"), message);
    }

    @Test
    void testWithinItsBudgetPasses() {
        Events tests = run(BudgetFixtures.WellBehaved.class);
        assertEquals(1, tests.succeeded().count(), () -> tests.failed().list().toString());
    }

    @Test
    void withoutTheAgentTheTestFailsSayingHowToAttachIt() {
        String message = failureOf(BudgetFixtures.WithoutAgent.class);
        assertEquals(LoomscopeExtension.NOT_ATTACHED, message);
    }

    @Test
    void durationsUseTheAgentsSyntax() {
        assertEquals(250_000, LoomscopeExtension.parseDuration("250us"));
        assertEquals(5_000_000, LoomscopeExtension.parseDuration("5ms"));
        assertEquals(2_000_000_000L, LoomscopeExtension.parseDuration("2s"));
        assertThrows(IllegalArgumentException.class, () -> LoomscopeExtension.parseDuration("5 ms"));
        assertEquals("12.35ms", LoomscopeExtension.format(12_345_678));
    }

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
    }

    private static String failureOf(Class<?> fixture) {
        Events tests = run(fixture);
        List<Event> failed = tests.failed().list();
        assertEquals(1, failed.size(), () -> "expected one failed test, got " + tests.list());
        return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("(no message)");
    }
}

package dev.loomscope.junit;

import dev.loomscope.format.Sites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension in the JVM it is meant for: this module's tests run with the real agent attached (surefire argLine),
 * and the fixtures run through the JUnit engine so that their outcome can be checked. Assertions are on what a
 * failure names and how it is built, not on latencies, which a loaded machine changes.
 */
class LoomscopeBudgetTest {
    private static final String FRAUD_CHECK = "com.example.shop.FraudCheck.score(FraudCheck.java:";
    private static final String PUBLISH = "com.example.shop.OrderQueue.publish(OrderQueue.java:";

    @Test
    void pinningBeyondTheBudgetFailsNamingTheClassInitializer() {
        String message = failureOf(BudgetFixtures.PinsOnce.class);
        assertTrue(message.matches("(?s).*pinnedBlocks [1-9] > 0.*"), message);
        assertTrue(message.contains("pinned at com.example.shop.TaxTable.<clinit>(TaxTable.java:"), message);
    }

    @Test
    void aWakeToRunFailureNamesTheApplicationsWakerAndTheSlicesThatHeldTheCarriers() {
        String message = failureOf(BudgetFixtures.WakesBehindHogs.class);
        assertContains(message, "wakeToRun p99 ", "> 5ms", "worst wake site: " + PUBLISH,
                " <- com.example.shop.Dispatcher.lambda$publishToEach$", "carriers were held by: ", " in " + FRAUD_CHECK,
                " <- com.example.shop.Checkout.authorize(Checkout.java:");
        assertFalse(message.contains("LockSupport") || message.contains("Thread.run"), "no JDK frame: " + message);
    }

    @Test
    void aRunSliceFailureNamesTheHogFromTheLongSlices() {
        String message = failureOf(BudgetFixtures.HogWithMinSamples.class);
        assertContains(message, "runSlice p99 ", "> 20ms");
        assertTrue(message.matches("(?s).*carriers were held by: [0-9.]+m?s in \\Q" + FRAUD_CHECK
                + "\\E\\d+\\) <- .* \\(\\d+ slices?\\).*"), message);
    }

    @Test
    void theWorstSitesP99IsTheTestsOwnNotTheWholeRecordings() throws Exception {
        String message = failureOf(BudgetFixtures.SlowWakesThenFastOnes.class);
        Matcher quoted = Pattern.compile("worst wake site: \\Q" + PUBLISH + "\\E.*?\\(p99 ([0-9.]+)(ns|us|ms|s)"
                + " over (\\d+) sampled wakes in this test\\)").matcher(message);
        assertTrue(quoted.find(), message);
        long inTest = LoomscopeExtension.parseDuration(quoted.group(1) + quoted.group(2));
        assertTrue(Long.parseLong(quoted.group(3)) <= 100, "the budgeted test's 100 consumers: " + message);

        Sites.WakeSite site = Recording.parse(AgentConnection.IN_PROCESS.snapshot(), "test").dump().sites().wake().stream()
                .filter(s -> s.frames().stream().anyMatch(f -> f.startsWith(PUBLISH))).findFirst().orElseThrow();
        long wholeRecording = site.wakeToRun().p99Ns();
        assertTrue(wholeRecording >= 100_000_000L, "the earlier test's wakes waited for the hogs: " + wholeRecording);
        assertTrue(inTest * 2 < wholeRecording, message + " vs " + wholeRecording + " ns over the whole recording");
    }

    @Test
    void tooFewSamplesToJudgeAPercentileDoNotFailTheTestButSaySo() {
        EngineExecutionResults results = execute(BudgetFixtures.HogOnFewSamples.class);
        assertEquals(1, results.testEvents().succeeded().count(), () -> results.testEvents().list().toString());
        String note = reportEntry(results);
        assertTrue(note.startsWith("runSlice p99 not judged: "), note);
        assertTrue(note.contains(" samples in this test, fewer than the 1000 a p99 needs (10 beyond it)"), note);
    }

    @Test
    void minSamplesDecidesWhenAPercentileIsJudged() {
        assertTrue(failureOf(BudgetFixtures.HogWithMinSamples.class).contains("runSlice p99 "), "judged on few");

        EngineExecutionResults results = execute(BudgetFixtures.HogBelowMinSamples.class);
        assertEquals(1, results.testEvents().succeeded().count(), () -> results.testEvents().list().toString());
        assertTrue(reportEntry(results).contains("fewer than minSamples = 100000"), reportEntry(results));
    }

    @Test
    void aWarmUpInBeforeEachIsOutsideTheTestsWindow() {
        Events tests = run(BudgetFixtures.WarmsUpBeforeEach.class);
        assertEquals(1, tests.succeeded().count(), () -> tests.failed().list().toString());
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

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            /counts/pinnedBlocks     | `"none"`                     | /counts/pinnedBlocks: string found, integer expected
            /latencies/wakeToRun/hdr | `"SElTVEZBQUFBQ1h4bkpOcFlR"` | /latencies/wakeToRun/hdr: not a valid HdrHistogram
            /latencies/wakeToRun/max | 1e400                        | /latencies/wakeToRun/max: number out of range
            /heatmaps/windowMs       | 0                            | /heatmaps/windowMs: must have a minimum value of 10
            """)
    void aMalformedRecordingFailsTheTestNamingTheSourceAndTheField(String pointer, String raw, String named) {
        BudgetFixtures.MalformedRecording.mutation = new String[]{pointer, raw};
        String message = failureOf(BudgetFixtures.MalformedRecording.class);
        assertTrue(message.startsWith("@LoomscopeBudget cannot use the recording of a malformed recording: " + named),
                message);
        assertEquals(1, message.lines().count(), message);
    }

    @Test
    void durationsUseTheAgentsSyntax() {
        assertEquals(250_000, LoomscopeExtension.parseDuration("250us"));
        assertEquals(5_000_000, LoomscopeExtension.parseDuration("5ms"));
        assertEquals(2_000_000_000L, LoomscopeExtension.parseDuration("2s"));
        assertThrows(IllegalArgumentException.class, () -> LoomscopeExtension.parseDuration("5 ms"));
        assertEquals("12.35ms", LoomscopeExtension.format(12_345_678));
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "no '" + part + "' in: " + message);
        }
    }

    private static EngineExecutionResults execute(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    private static Events run(Class<?> fixture) {
        return execute(fixture).testEvents();
    }

    /** The one {@code loomscope} report entry the fixture's test published. */
    private static String reportEntry(EngineExecutionResults results) {
        List<String> entries = results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get(LoomscopeExtension.REPORT_KEY))
                .toList();
        assertEquals(1, entries.size(), entries::toString);
        return entries.get(0);
    }

    private static String failureOf(Class<?> fixture) {
        Events tests = run(fixture);
        List<Event> failed = tests.failed().list();
        assertEquals(1, failed.size(), () -> "expected one failed test, got " + tests.list());
        return failed.get(0).getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("(no message)");
    }
}

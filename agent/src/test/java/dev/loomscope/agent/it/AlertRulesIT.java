package dev.loomscope.agent.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/prometheus/loomscope-rules.yml} is valid for Prometheus' own checker and its alerts fire, and stay
 * quiet, as its unit tests ({@code loomscope-rules.test.yml}, run by {@code promtool test rules}) say: input series in,
 * expected alerts out. The same rules are evaluated against a live scrape in {@link PrometheusScrapeIT}.
 */
class AlertRulesIT {
    private static final Path RULES = Path.of(System.getProperty("loomscope.deployDir", "../deploy"), "prometheus");

    @Test
    void theRulesPassPromtoolCheckRules() throws Exception {
        String output = promtool("check", "rules", RULES.resolve("loomscope-rules.yml").toString());
        assertTrue(output.contains("SUCCESS: 24 rules found"), output);
    }

    @Test
    void theAlertsFireAsTheirUnitTestsSay() throws Exception {
        String output = promtool("test", "rules", RULES.resolve("loomscope-rules.test.yml").toString());
        assertTrue(output.contains("SUCCESS"), output);
    }

    @Test
    void everyAlertIsUnitTestedFiringAndNotFiring() throws IOException {
        String rules = Files.readString(RULES.resolve("loomscope-rules.yml"));
        String tests = Files.readString(RULES.resolve("loomscope-rules.test.yml"));
        List<String> alerts = rules.lines().map(String::trim).filter(l -> l.startsWith("- alert: "))
                .map(l -> l.substring("- alert: ".length())).toList();
        assertEquals(List.of("LoomscopeWakeToRunP99High", "LoomscopePinning", "LoomscopeLeakCluster",
                "LoomscopeCarrierMonopolised", "LoomscopeDroppedRecords", "LoomscopeShedding",
                "LoomscopeAgentErrors"), alerts);
        for (String alert : alerts) {
            String[] cases = tests.split("alertname: " + alert + "\n", -1);
            assertTrue(cases.length >= 3, alert + " needs a case where it fires and one where it does not");
            boolean quiet = false;
            boolean firing = false;
            for (int i = 1; i < cases.length; i++) {
                String expectation = cases[i].stripLeading();
                quiet |= expectation.startsWith("exp_alerts: []");
                firing |= expectation.startsWith("exp_alerts:\n");
            }
            assertTrue(quiet && firing, alert + ": firing " + firing + ", quiet " + quiet);
        }
    }

    /** Runs promtool in the rules' directory (the test file names the rules relative to itself); its output. */
    static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(PrometheusServer.executable("promtool")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}

package dev.loomscope.report.it;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** check on dumps of real JVMs: a run passes against itself, an injected carrier hog fails the gate. */
class CheckIT {

    @Test
    void aRunPassesAgainstItself() throws Exception {
        Path base = RealDumps.sleepers();
        Path junit = RealDumps.file("self.xml");
        ReportJar.Result r = ReportJar.run("check", "--baseline", base, "--current", base, "--junit", junit);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("## Loomscope check: passed"), r.stdout());
        assertTrue(r.stdout().contains("| wakeToRun.p99 "), r.stdout());
        assertEquals("", r.stderr());
        Map<String, Element> cases = testCases(junit);
        assertEquals("pass", outcome(cases.get("regression/wakeToRun.p99")));
        assertFalse(cases.values().stream().anyMatch(c -> outcome(c).equals("failure")), cases.keySet().toString());
    }

    @Test
    void aCarrierHogFailsAgainstABaselineWithoutIt() throws Exception {
        Path junit = RealDumps.file("hog.xml");
        ReportJar.Result r = ReportJar.run("check", "--baseline", RealDumps.sleepers(),
                "--current", RealDumps.sleepersWithHog(), "--junit", junit);
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("## Loomscope check: FAILED"), r.stdout());
        assertTrue(r.stdout().matches("(?s).*\\| wakeToRun\\.p99 [^\\n]*\\*\\*FAIL\\*\\*.*"), r.stdout());
        assertEquals(1, r.stderrLines().size(), r.stderr());
        assertTrue(r.stderr().startsWith("loomscope-report: check failed: ") && r.stderr().contains("wakeToRun.p99"),
                r.stderr());

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        Element suite = (Element) xml.getElementsByTagName("testsuite").item(0);
        assertTrue(Integer.parseInt(suite.getAttribute("failures")) >= 1, suite.getAttribute("failures"));
        Map<String, Element> cases = testCases(junit);
        Element p99 = cases.get("regression/wakeToRun.p99");
        assertEquals("failure", outcome(p99));
        Element failure = (Element) p99.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").startsWith("wakeToRun.p99 regressed: "),
                failure.getAttribute("message"));
        assertEquals(Integer.parseInt(suite.getAttribute("tests")), cases.size());
    }

    @Test
    void aBudgetIsAnAbsoluteLimitOnTheCurrentRun() throws Exception {
        Path hog = RealDumps.sleepersWithHog();
        // Against itself nothing regresses: only the budget can fail. The hog delays wakes by up to 100 ms.
        ReportJar.Result over = ReportJar.run("check", "--baseline", hog, "--current", hog,
                "--budget", "wakeToRun.p99=50ms");
        assertEquals(1, over.exitCode(), over.stdout() + over.stderr());
        assertTrue(over.stdout().matches("(?s).*\\| budget wakeToRun\\.p99 [^\\n]*\\*\\*FAIL\\*\\*.*"), over.stdout());
        ReportJar.Result within = ReportJar.run("check", "--baseline", hog, "--current", hog,
                "--budget", "wakeToRun.p99=10s,blocked.p50=1s");
        assertEquals(0, within.exitCode(), within.stdout() + within.stderr());
    }

    @Test
    void budgetsAloneNeedNoBaseline() throws Exception {
        Path hog = RealDumps.sleepersWithHog();
        ReportJar.Result over = ReportJar.run("check", "--current", hog, "--budget", "wakeToRun.p99=50ms");
        assertEquals(1, over.exitCode(), over.stdout() + over.stderr());
        assertTrue(over.stdout().contains("No baseline: current `" + hog.getFileName() + "`"), over.stdout());
        assertTrue(over.stdout().matches("(?s).*\\| budget wakeToRun\\.p99 [^\\n]*\\*\\*FAIL\\*\\*.*"), over.stdout());
        assertFalse(over.stdout().contains("| wakeToRun.p99 "), "nothing compared without a baseline");
        assertEquals(0, ReportJar.run("check", "--current", hog, "--budget", "wakeToRun.p99=10s").exitCode());
        assertEquals(1, ReportJar.run("check", "--current", RealDumps.pinned(), "--forbid-pinning").exitCode());
        ReportJar.Result nothing = ReportJar.run("check", "--current", hog);
        assertEquals(2, nothing.exitCode(), nothing.stderr());
        assertTrue(nothing.stderr().contains("nothing to judge"), nothing.stderr());
    }

    @Test
    void pinningFailsOnlyWhenForbidden() throws Exception {
        Path pinned = RealDumps.pinned();
        Path junit = RealDumps.file("pinned.xml");
        ReportJar.Result forbidden = ReportJar.run("check", "--baseline", pinned, "--current", pinned,
                "--forbid-pinning", "--junit", junit);
        assertEquals(1, forbidden.exitCode(), forbidden.stdout() + forbidden.stderr());
        assertEquals("failure", outcome(testCases(junit).get("pinning/pinning")));
        assertTrue(forbidden.stdout().contains("3 pinned blocks"), forbidden.stdout());
        assertEquals(0, ReportJar.run("check", "--baseline", pinned, "--current", pinned).exitCode());
    }

    @Test
    void leaksFailOnlyWhenForbidden() throws Exception {
        Path leak = RealDumps.leak(3);
        Path junit = RealDumps.file("leak.xml");
        ReportJar.Result forbidden = ReportJar.run("check", "--baseline", leak, "--current", leak,
                "--forbid-leaks", "--junit", junit);
        assertEquals(1, forbidden.exitCode(), forbidden.stdout() + forbidden.stderr());
        assertEquals("failure", outcome(testCases(junit).get("leaks/leaks")));
        assertTrue(forbidden.stdout().contains("3 virtual threads blocked for 300 ms or longer"), forbidden.stdout());
        assertEquals(0, ReportJar.run("check", "--baseline", leak, "--current", leak).exitCode());
        Path base = RealDumps.sleepers();
        assertEquals(0, ReportJar.run("check", "--baseline", base, "--current", base, "--forbid-leaks",
                "--forbid-pinning").exitCode());
    }

    @Test
    void tooFewSamplesAreSkippedNotFailed() throws Exception {
        // 50 thread starts: p99 of startDelay rests on less than one sample beyond it.
        Path junit = RealDumps.file("few.xml");
        ReportJar.Result r = ReportJar.run("check", "--baseline", RealDumps.sleepers(),
                "--current", RealDumps.sleepersWithHog(), "--metrics", "startDelay", "--percentiles", "p99,p999",
                "--junit", junit);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("too few samples: p99 needs 1000 per run"), r.stdout());
        assertTrue(r.stdout().contains("no percentile had enough samples to be judged"), r.stdout());
        assertEquals("skipped", outcome(testCases(junit).get("regression/startDelay.p99")));
    }

    /** Test cases by {@code <kind>/<name>} (classname {@code loomscope.check.<kind>}). */
    static Map<String, Element> testCases(Path junit) throws Exception {
        assertTrue(Files.isRegularFile(junit), junit + " written");
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        NodeList list = xml.getElementsByTagName("testcase");
        Map<String, Element> cases = new HashMap<>();
        for (int i = 0; i < list.getLength(); i++) {
            Element e = (Element) list.item(i);
            String kind = e.getAttribute("classname").substring("loomscope.check.".length());
            assertEquals(null, cases.put(kind + "/" + e.getAttribute("name"), e), "duplicate test case");
        }
        return cases;
    }

    static String outcome(Element testCase) {
        if (testCase == null) {
            return "absent";
        }
        if (testCase.getElementsByTagName("failure").getLength() > 0) {
            return "failure";
        }
        return testCase.getElementsByTagName("skipped").getLength() > 0 ? "skipped" : "pass";
    }
}

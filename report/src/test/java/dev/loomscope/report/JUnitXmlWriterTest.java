package dev.loomscope.report;

import dev.loomscope.report.CheckResult.Kind;
import dev.loomscope.report.CheckResult.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JUnitXmlWriterTest {
    @TempDir
    Path dir;

    @Test
    void oneTestCasePerCheckWithFailuresAndSkips() throws Exception {
        String nasty = "p99 <1 ms> & \"quoted\" 'too' at Foo$Bar.<init>(Foo.java:1)";
        List<CheckResult> results = List.of(
                new CheckResult(Kind.REGRESSION, "wakeToRun.p50", Status.PASS, "1 ms", "1 ms", "+0.0%", "+20%", "ok"),
                new CheckResult(Kind.REGRESSION, "wakeToRun.p99", Status.FAIL, "1 ms", "9 ms", "+800%", "+20%", nasty),
                new CheckResult(Kind.REGRESSION, "wakeToRun.p999", Status.SKIP, "", "", "", "+30%", "too few samples"),
                new CheckResult(Kind.BUDGET, "wakeToRun.p99", Status.FAIL, "", "9 ms", "", "<= 5 ms", "over"));
        Path file = dir.resolve("sub/check.xml");
        JUnitXmlWriter.write(results, file);

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        Element suite = (Element) xml.getElementsByTagName("testsuite").item(0);
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("2", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("skipped"));
        assertEquals("0", suite.getAttribute("errors"));
        NodeList cases = xml.getElementsByTagName("testcase");
        assertEquals(4, cases.getLength());
        Element p99 = (Element) cases.item(1);
        assertEquals("loomscope.check.regression", p99.getAttribute("classname"));
        assertEquals("wakeToRun.p99", p99.getAttribute("name"));
        Element failure = (Element) p99.getElementsByTagName("failure").item(0);
        assertEquals(nasty, failure.getAttribute("message"), "special characters survive");
        assertEquals("regression", failure.getAttribute("type"));
        Element skipped = (Element) ((Element) cases.item(2)).getElementsByTagName("skipped").item(0);
        assertEquals("too few samples", skipped.getAttribute("message"));
        assertEquals("loomscope.check.budget", ((Element) cases.item(3)).getAttribute("classname"));
        assertEquals(0, ((Element) cases.item(0)).getChildNodes().getLength(), "a pass is an empty test case");
    }
}

package dev.loomscope.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.loomscope.report.TestDumps.MS;
import static dev.loomscope.report.TestDumps.withOperation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's "By operation" section on hand-made dumps. */
class OperationsSectionTest {
    @TempDir
    Path dir;

    private String render(ObjectNode dump) throws Exception {
        return HtmlReport.render(TestDumps.write(dir, "d.json", dump));
    }

    /** The section's table rows: each operation's name, in the order they appear. */
    private static java.util.List<String> rowNames(String html) {
        Matcher row = Pattern.compile("<tr id=\"operation-row-(\\d+)\">.*?<a href=\"#operation-\\1\">([^<]*)</a>")
                .matcher(html);
        java.util.List<String> names = new java.util.ArrayList<>();
        while (row.find()) {
            names.add(row.group(2));
        }
        return names;
    }

    @Test
    void operationsAreSortedByTheirWorstWakeToRunAndLinkToTheirSitesAndWorstEvents() throws Exception {
        ObjectNode dump = TestDumps.dump(1);
        withOperation(dump, "GET /health", MS / 10, 900, 2 * MS, "h-1", "app.Health.ping(Health.java:1)");
        withOperation(dump, "POST /payments", 40 * MS, 900, 120 * MS, "4bf92f3577b34da6a3ce929d0e0e4736",
                "app.Pay.charge(Pay.java:7)");
        String html = render(dump);
        assertEquals(java.util.List.of("POST /payments", "GET /health"), rowNames(html), "the worst p99 first");
        assertTrue(html.contains("<div class=\"sub\" id=\"operation-1\"><h3>POST /payments"), "its details");
        assertTrue(html.contains("4bf92f3577b34da6a3ce929d0e0e4736"), "the worst wait's trace id");
        assertTrue(html.contains("app.Pay.charge(Pay.java:7)"), "where it blocks");
        assertTrue(html.contains("<a href=\"#operations\">Operations</a>"), "in the navigation");
    }

    @Test
    void namesFromTheDumpAreEscapedAndOtherIsExplained() throws Exception {
        ObjectNode dump = TestDumps.dump(1);
        withOperation(dump, "<script>alert(1)</script>", MS, 10, MS, "<b>trace</b>", "app.X.y(X.java:1)");
        withOperation(dump, "other", MS, 10, MS, "t", "app.X.y(X.java:1)");
        ((ObjectNode) dump.get("operations")).put("scopesOverLimit", 7);
        String html = render(dump);
        assertTrue(!html.contains("<script>alert(1)</script>") && html.contains("&lt;script&gt;alert(1)"), "escaped");
        assertTrue(!html.contains("<b>trace</b>"), "trace ids escaped");
        assertTrue(html.contains("names over the limit"));
        assertTrue(html.contains("7 scopes were counted as \"other\"") || html.contains("7 scopes were counted as"
                + " &quot;other&quot;"), "the dump says how many went to other");
    }

    /** The diagnosis names the operation that suffers, the trace id of its worst wait, and the one that does not. */
    @Test
    void theDiagnosisNamesTheOperationThatSuffers() throws Exception {
        ObjectNode dump = TestDumps.dump(1);
        withOperation(dump, "GET /health", MS / 10, 2000, 2 * MS, "h-1", "app.Health.ping(Health.java:1)");
        withOperation(dump, "POST /payments", 40 * MS, 2000, 120 * MS, "4bf92f3577b34da6a3ce929d0e0e4736",
                "app.Pay.charge(Pay.java:7)");
        withOperation(dump, "GET /rare", 90 * MS, 50, 90 * MS, "r", "app.X.y(X.java:1)"); // too few wakes to judge
        Diagnosis.Finding finding = Diagnosis.of(TestDumps.write(dir, "d.json", dump).model(), ApplicationCode.ANY)
                .findings().stream().filter(f -> f.topic().equals("operations")).findFirst().orElseThrow();
        assertTrue(finding.text().startsWith("POST /payments waits longest for a carrier: wake-to-run p99 40"),
                finding.text());
        assertTrue(finding.text().contains("trace 4bf92f3577b34da6a3ce929d0e0e4736"), finding.text());
        assertTrue(finding.text().endsWith("GET /health 100 µs"), finding.text());
        assertTrue(finding.problem());
        assertEquals(java.util.List.of(Diagnosis.Section.OPERATIONS), finding.see());
    }

    @Test
    void aDumpWithoutOperationsSaysWhy() throws Exception {
        String html = render(TestDumps.dump(1));
        assertTrue(html.contains("This dump has no operations"), "absent section");
        ObjectNode empty = TestDumps.dump(2);
        withOperation(empty, "x", MS, 1, MS, "t", "app.X.y(X.java:1)");
        ((ObjectNode) empty.get("operations")).putArray("perOperation");
        ((ObjectNode) empty.get("operations")).put("apiClassesWoven", 0).put("named", 0);
        assertTrue(render(empty).contains("The application named no operation"));
    }
}

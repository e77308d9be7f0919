package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.format.HeatmapRow;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HTML report of real dumps: real JVMs with the real agent jar run the agent's test workloads, the real report jar
 * turns their dumps into pages, and headless Chromium renders each page to a screenshot and to its DOM after the
 * scripts ran, which must hold the sections and the values of the dump.
 * <p>
 * Without Chromium the test fails and says how to install it, unless {@code LOOMSCOPE_SKIP_BROWSER=1}, which skips
 * the browser part (the dumps and the report are still produced and checked).
 */
class HtmlReportIT {
    private static final Path AGENT_JAR = Path.of(System.getProperty("loomscope.agentJar",
            "../agent/target/loomscope-agent.jar"));
    private static final Path WORKLOADS = Path.of(System.getProperty("loomscope.workloadClasses",
            "../agent/target/test-classes"));
    private static final Path REPORT_JAR = Path.of(System.getProperty("loomscope.reportJar",
            "target/loomscope-report.jar"));
    /** Screenshots are kept here for people to look at (target/report-screenshots). */
    private static final Path SCREENSHOTS = REPORT_JAR.toAbsolutePath().getParent().resolve("report-screenshots");
    private static final String WORKLOAD_PACKAGE = "dev.loomscope.agent.it.workloads.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void builtArtifacts() {
        assertTrue(Files.isRegularFile(AGENT_JAR), "no agent jar at " + AGENT_JAR.toAbsolutePath()
                + ": build the agent module first (mvn -B verify from the project root)");
        assertTrue(Files.isDirectory(WORKLOADS.resolve("dev/loomscope/agent/it/workloads")), "no workload classes at "
                + WORKLOADS.toAbsolutePath() + ": build the agent module's tests first");
        assertTrue(Files.isRegularFile(REPORT_JAR), "no report jar at " + REPORT_JAR.toAbsolutePath());
    }

    @Test
    void schedulingWithAHogShowsLatenciesHeatmapsSitesAndTheMonopolisingSlices() throws Exception {
        Path json = dump("scheduling", "window=100ms,sampleEvery=10",
                List.of("-Djdk.virtualThreadScheduler.parallelism=1"), "Scheduling", "sleepersWithHog");
        JsonNode dump = JSON.readTree(json.toFile());
        Path html = report(json);
        assertStaticPage(html);

        Rendered page = render(html, "scheduling");
        String dom = page.dom;
        assertSections(dom);
        assertEquals(HtmlNumbers.duration(dump.at("/latencies/wakeToRun/p99").asLong()),
                text(dom, "lat-wakeToRun-p99"), "wake-to-run p99 as the page shows it");
        for (String name : new String[]{"wakeToRun", "blocked", "startDelay", "runSlice"}) {
            for (String p : new String[]{"p50", "p99", "p999"}) {
                assertEquals(HtmlNumbers.duration(dump.at("/latencies/" + name + "/" + p).asLong()),
                        text(dom, "lat-" + name + "-" + p), name + " " + p);
            }
        }
        assertEquals(HtmlNumbers.count(dump.at("/counts/created").asLong()), text(dom, "count-created"));
        assertEquals(HtmlNumbers.count(dump.at("/counts/blocks").asLong()), text(dom, "count-blocks"));

        JsonNode topBlock = dump.at("/sites/block/0/frames");
        assertFalse(topBlock.isMissingNode() || topBlock.isEmpty(), "the workload blocks: " + dump.at("/sites"));
        String blockSites = element(dom, "sites-block");
        for (JsonNode frame : topBlock) {
            assertTrue(blockSites.contains(HtmlText.escape(frame.asText())), frame.asText());
        }
        assertTrue(blockSites.contains("Scheduling.sleep(Scheduling.java:"), blockSites);

        assertTrue(dump.at("/longSlices/count").asLong() >= 3, "three hog slices: " + dump.at("/longSlices"));
        assertEquals(HtmlNumbers.count(dump.at("/longSlices/count").asLong()), text(dom, "long-slices-count"));
        assertTrue(element(dom, "long-slices").contains("Scheduling.spin(Scheduling.java:"));
        String groups = element(dom, "long-slice-groups");
        assertTrue(groups.contains(">" + HtmlNumbers.duration(dump.at("/longSlices/longest/0/durationNs").asLong())
                + "<"), "the longest slice's duration in its group: " + groups);

        // The answer first: the diagnosis, above the headline numbers, blames the hog for the wake-to-run tail.
        assertTrue(dom.indexOf("id=\"diagnosis\"") < dom.indexOf("id=\"summary\""), "the diagnosis comes first");
        String diagnosis = element(dom, "diagnosis");
        assertTrue(diagnosis.contains("p99 " + HtmlNumbers.duration(dump.at("/latencies/wakeToRun/p99").asLong())
                + " ("), diagnosis);
        assertTrue(diagnosis.contains("carriers were held by run slices in Scheduling.spin(Scheduling.java:"),
                diagnosis);
        assertTrue(diagnosis.contains("<a href=\"#long-slices\">"), diagnosis);

        String carrier = dump.at("/carriers/perCarrier/0/name").asText();
        assertTrue(element(dom, "carrier-table").contains(carrier));
        assertTrue(element(dom, "heatmap-activity-mount").contains(">" + carrier + "</text>"),
                "carrier names label the heatmap's rows");

        for (String[] map : new String[][]{{"activity", "mount"}, {"activity", "block"}, {"activity", "wake"},
                {"latency", "wakeToRun"}, {"latency", "blocked"}, {"latency", "runSlice"}}) {
            long total = HeatmapRow.sum(TestDumps.heatmapRows(dump.at("/heatmaps/" + map[0] + "/" + map[1])));
            assertTrue(total > 0, map[1]);
            String figure = openingTag(dom, "heatmap-" + map[0] + "-" + map[1]);
            assertEquals(String.valueOf(total), attribute(figure, "data-drawn-total"), map[1] + " drawn in full");
            assertTrue(Long.parseLong(attribute(figure, "data-drawn-cells")) > 0, figure);
        }
        assertTrue(element(dom, "heatmap-latency-wakeToRun").contains(">100 ms</text>"),
                "the hog's ~100 ms wake-to-run delays are on the latency axis");
        assertTrue(element(dom, "context-timeline").contains("<svg"), "GC/throttling timeline drawn");
        assertScreenshot(page.screenshot);
    }

    @Test
    void aLeakIsOneClusterWithTheQueueItWaitsOn() throws Exception {
        Path json = dump("leak", "sampleEvery=1,leakThreshold=300ms", List.of(), "Leak", "40", "600");
        JsonNode dump = JSON.readTree(json.toFile());
        assertEquals(1, dump.at("/leaks/clusters").size(), dump.at("/leaks").toString());
        Path html = report(json);
        assertStaticPage(html);

        Rendered page = render(html, "leak");
        assertSections(page.dom);
        assertEquals("1", text(page.dom, "leak-clusters-count"));
        assertEquals("40", text(page.dom, "leak-threads"));
        String leaks = element(page.dom, "leaks");
        assertTrue(leaks.contains("java.util.concurrent.LinkedBlockingQueue.take("), leaks);
        assertTrue(leaks.contains("Leak.awaitNotification(Leak.java:"), leaks);
        assertTrue(leaks.contains("park 40"), leaks);
        // The workloads are Loomscope's own code (dev.loomscope.agent...), not an application: named all the same.
        assertTrue(element(page.dom, "diagnosis").contains("40 threads blocked for 300 ms or more at the dump; 40 at"
                + " Leak.awaitNotification(Leak.java:"), element(page.dom, "diagnosis"));
        assertScreenshot(page.screenshot);
    }

    @Test
    void pinningInClassInitializersShowsTheInitializersEscaped() throws Exception {
        Path json = dump("pinned", "", List.of(), "Lifecycle", "pinnedInClassInit");
        JsonNode dump = JSON.readTree(json.toFile());
        Path html = report(json);
        String source = Files.readString(html);
        assertFalse(source.contains("<clinit>"), "frames are escaped in the page");
        assertTrue(source.contains("$PinnedA.&lt;clinit&gt;("));

        Rendered page = render(html, "pinned");
        assertSections(page.dom);
        assertEquals(HtmlNumbers.count(dump.at("/counts/pinnedBlocks").asLong()), text(page.dom, "pinned-count"));
        String pinning = element(page.dom, "pinning");
        for (String name : new String[]{"PinnedA", "PinnedB", "PinnedC"}) {
            assertTrue(pinning.contains("$" + name + ".&lt;clinit&gt;(Lifecycle.java:"), name + " in " + pinning);
        }
        assertFalse(page.dom.contains("<clinit>"), "no element was made of a frame");
        assertTrue(element(page.dom, "leaks").contains("<p class=\"empty\">No leak clusters: at the dump no virtual"
                + " thread had been blocked longer than 1 min.</p>"), "an empty section says why");
        assertScreenshot(page.screenshot);
    }

    @Test
    void hostileStringsInAHandWrittenDumpStayText() throws Exception {
        Path json = TestDumps.writeCompleted(dir.resolve("hostile.json"), HtmlReportTest.HOSTILE);
        Path html = report(json);
        Rendered page = render(html, "hostile");
        assertSections(page.dom);
        assertTrue(page.dom.contains(">&lt;/script&gt;&lt;script&gt;alert('carrier')&lt;/script&gt;</text>"),
                "the carrier's name from the embedded JSON labels a heatmap row, as text");
        assertTrue(page.dom.contains(">earlier</text>"), "the earlier row has its place on the time axis");
        assertFalse(page.dom.contains("<img"), page.dom);
    }

    @Test
    void everyCarrierRowOfAnActivityMapIsLabelledInColumnOrder() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode dump = TestDumps.complete(HtmlReportTest.HOSTILE);
        com.fasterxml.jackson.databind.node.ArrayNode carriers =
                ((com.fasterxml.jackson.databind.node.ObjectNode) dump.get("carriers")).putArray("perCarrier");
        com.fasterxml.jackson.databind.node.ArrayNode cells = JSON.createArrayNode();
        cells.addArray().add(0).add(1);
        int n = 24; // more rows than the map's 220 px hold at a label's height
        for (int column = n; column >= 1; column--) { // listed backwards: the map orders by column itself
            carriers.addObject().put("column", column).put("threadId", 100 + column).put("name", "worker-" + column)
                    .put("mounts", 1).put("busyNs", 1).put("idleNs", 1).put("longestSliceNs", 1)
                    .put("mountedNow", false);
        }
        for (int column = 1; column <= n; column++) {
            cells.addArray().add(column).add(column);
        }
        ((com.fasterxml.jackson.databind.node.ArrayNode) dump.at("/heatmaps/activity/mount/0/cells")).removeAll()
                .addAll(cells);
        Path json = dir.resolve("carriers.json");
        Files.writeString(json, JSON.writeValueAsString(dump));
        Rendered page = render(report(json), "carriers");
        assertSections(page.dom);
        String map = element(page.dom, "heatmap-activity-mount");
        List<String> labels = new ArrayList<>();
        Matcher label = Pattern.compile("text-anchor=\"end\"[^>]*>(worker-\\d+|other threads)</text>").matcher(map);
        while (label.find()) {
            labels.add(label.group(1));
        }
        List<String> expected = new ArrayList<>();
        for (int column = 1; column <= n; column++) {
            expected.add("worker-" + column);
        }
        expected.add("other threads");
        assertEquals(expected, labels, "every row labelled, in column order, other threads last");
    }

    /**
     * A recording that shed threads (a ring too small for the drain's sleeps: OverloadSheddingIT's workload) says so
     * above the numbers, and every heatmap marks the windows it shed in, with how far and how long on hover.
     */
    @Test
    void aShedRecordingSaysSoAtTheTopAndEveryHeatmapMarksItsWindows() throws Exception {
        Path json = dump("shed", "rings=1,ringCapacity=2048,window=100ms", List.of(), "Overload", "sleepers", "5000",
                "4", "200");
        JsonNode dump = JSON.readTree(json.toFile());
        assertTrue(dump.at("/recorder/shedding/maxLevel").asInt() > 0, "shed: " + dump.at("/recorder/shedding"));
        Path html = report(json);
        assertStaticPage(html);

        Rendered page = render(html, "shed");
        assertSections(page.dom);
        String warnings = element(page.dom, "warnings");
        assertTrue(warnings.contains("threads shed for " + HtmlNumbers.duration(
                dump.at("/recorder/shedding/shedNs").asLong())), warnings);
        for (String map : new String[]{"activity-mount", "latency-wakeToRun"}) {
            String figure = element(page.dom, "heatmap-" + map);
            assertTrue(figure.contains(">threads shed</text>"), map + ": the strip is labelled");
            assertTrue(figure.contains("<title>threads shed for "), map + ": a shed window is drawn with its hover");
        }
        assertScreenshot(page.screenshot);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Runs a workload main with the agent; returns its dump. */
    private Path dump(String name, String options, List<String> jvmOptions, String main, String... args)
            throws IOException, InterruptedException {
        Path json = dir.resolve(name + ".json");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=out=" + json + ",quiet=true"
                + (options.isEmpty() ? "" : "," + options));
        command.add("-cp");
        command.add(WORKLOADS.toAbsolutePath().toString());
        command.add(WORKLOAD_PACKAGE + main);
        command.addAll(List.of(args));
        Run run = run(command, 120);
        assertEquals(0, run.exitCode, "workload " + main + " failed: " + run.stderr);
        assertTrue(Files.size(json) > 0, "no dump from " + main + ": " + run.stderr);
        return json;
    }

    /** {@code java -jar loomscope-report.jar report IN}: exit 0, prints the path of IN with .html. */
    private Path report(Path json) throws IOException, InterruptedException {
        Run run = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                REPORT_JAR.toAbsolutePath().toString(), "report", json.toString()), 60);
        assertEquals(0, run.exitCode, run.stderr);
        Path html = ReportCommand.defaultOutput(json);
        assertEquals(html.toString(), run.stdout.strip());
        assertTrue(Files.isRegularFile(html));
        return html;
    }

    private static void assertStaticPage(Path html) throws IOException {
        String source = Files.readString(html);
        assertTrue(source.startsWith("<!DOCTYPE html>"));
        assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)").matcher(source).find(),
                "nothing is loaded from the network");
        JsonNode data = JSON.readTree(HtmlReportTest.embeddedJson(source));
        assertTrue(data.get("heatmaps").size() >= 8, "every heatmap is embedded");
    }

    private static void assertSections(String dom) {
        assertTrue(dom.contains("data-rendered=\"ok\""), "the scripts ran to the end: "
                + (dom.contains("id=\"render-error\"") ? element(dom, "render-error") : "no data-rendered=ok in "
                + (dom.length() > 2000 ? dom.substring(0, 2000) + "..." : dom)));
        for (String id : new String[]{"diagnosis", "summary", "operations", "latency-table", "activity", "latency-heatmaps",
                "block-kinds",
                "sites", "sites-create", "sites-block", "sites-wake", "pinning", "leaks", "long-slices", "carriers",
                "context", "recording", "heatmap-activity-create", "heatmap-activity-block", "heatmap-activity-wake",
                "heatmap-activity-mount", "heatmap-latency-wakeToRun", "heatmap-latency-blocked",
                "heatmap-latency-startDelay", "heatmap-latency-runSlice"}) {
            assertTrue(dom.contains("id=\"" + id + "\""), "section #" + id);
        }
    }

    /** The screenshot is the window's size and not blank: heatmap colours, text and background. */
    private static void assertScreenshot(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1400, image.getWidth());
        assertEquals(2400, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertTrue(colours.size() > 100, "only " + colours.size() + " colours in " + png);
    }

    // ---- Chromium ---------------------------------------------------------------------------------------------------

    private record Rendered(String dom, Path screenshot) {
    }

    /**
     * Renders the page in headless Chromium, once: its DOM after the scripts ran (stdout of --dump-dom) and a
     * 1400×2400 screenshot, both kept in target/report-screenshots.
     */
    private Rendered render(Path html, String name) throws IOException, InterruptedException {
        String chromium = chromium();
        Path png = dir.resolve(name + ".png");
        Path profile = Files.createTempDirectory(dir, "chromium-profile-");
        Run run = run(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=1400,2400", "--screenshot=" + png.toAbsolutePath(), "--dump-dom",
                html.toAbsolutePath().toUri().toString()), 120);
        assertEquals(0, run.exitCode, "chromium failed: " + run.stderr);
        assertTrue(Files.isRegularFile(png), "no screenshot: " + run.stderr);
        assertTrue(run.stdout.contains("</html>"), "no DOM: " + run.stderr);
        Files.createDirectories(SCREENSHOTS);
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(SCREENSHOTS.resolve(name + ".dom.html"), run.stdout);
        return new Rendered(run.stdout, png);
    }

    /** Chromium on the PATH; without it the test fails, or is skipped with LOOMSCOPE_SKIP_BROWSER=1. */
    private static String chromium() {
        for (String name : new String[]{"chromium", "chromium-browser"}) {
            for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                    return Path.of(entry, name).toString();
                }
            }
        }
        String message = "headless Chromium is needed to render the HTML report and was not found on the PATH:"
                + " install it (Debian: apt-get install chromium; .ci/run does this), or set LOOMSCOPE_SKIP_BROWSER=1"
                + " to skip the browser checks";
        Assumptions.assumeFalse("1".equals(System.getenv("LOOMSCOPE_SKIP_BROWSER")), message);
        return fail(message);
    }

    // ---- processes ----------------------------------------------------------------------------------------------------

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(dir, "out-", ".txt");
        Path stderr = Files.createTempFile(dir, "err-", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            fail(command.get(0) + " did not finish within " + timeoutSeconds + " s: " + String.join(" ", command)
                    + "\n" + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    // ---- DOM text -------------------------------------------------------------------------------------------------------

    private static String text(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
        assertTrue(m.find(), "no element #" + id);
        return m.group(1);
    }

    private static String openingTag(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertTrue(at >= 0, "no element #" + id);
        int start = html.lastIndexOf('<', at);
        return html.substring(start, html.indexOf('>', at) + 1);
    }

    private static String attribute(String tag, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "=\"([^\"]*)\"").matcher(tag);
        assertTrue(m.find(), name + " in " + tag);
        return m.group(1);
    }

    /** From the element with this id to the end of that element (same tag name, nesting counted). */
    private static String element(String html, String id) {
        String tag = openingTag(html, id);
        String name = tag.substring(1).split("[\\s>]", 2)[0];
        int start = html.indexOf(tag);
        Matcher m = Pattern.compile("<(/?)" + name + "[\\s>]").matcher(html);
        int depth = 0;
        int from = start;
        while (m.find(from)) {
            depth += m.group(1).isEmpty() ? 1 : -1;
            from = m.end();
            if (depth == 0) {
                return html.substring(start, m.end());
            }
        }
        return html.substring(start);
    }
}

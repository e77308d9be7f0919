package dev.loomscope.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTML report of one dump: a single self-contained file (inline CSS and JS, no network), readable offline in any
 * browser.
 * <p>
 * How the page is built, and why. Everything that is text or a table (headline numbers, block kinds, sites, pinning,
 * leaks, long slices, carriers, GC and throttling totals) is written here, server-side, as static HTML: it reads the
 * same with JavaScript off, prints, is searchable, and every value is escaped in one place ({@link HtmlText}) and
 * formatted in one place ({@link HtmlNumbers}), both unit-tested. The heatmaps are drawn in the browser instead, by
 * inline JS ({@code html/report.js}) on a canvas (cells) under an SVG (axes, labels, GC and throttling strips), from
 * the dump's own heatmap rows embedded once as JSON in a {@code <script type="application/json">} block. A heatmap can
 * hold hundreds of thousands of non-zero cells (10 min of 1 s windows × 160 latency buckets, and coarser tiers
 * after that); written as SVG elements with their hover text, the file would be many times the size of the dump and
 * slow to open, while the rows as JSON are about the size they have in the dump, and the script looks hover values
 * up in them. The embedded JSON is made safe for a script element by {@link HtmlText#scriptJson}: a thread name or
 * frame containing {@code </script>} cannot end the block.
 * <p>
 * Fields are read leniently: the schema only ever adds fields within {@code loomscope/1}, so a section whose data an
 * older agent did not write says so instead of failing. Every section that has nothing to show says why.
 */
final class HtmlReport {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Activity heatmaps: name in the dump, title, what one count is. */
    private static final String[][] ACTIVITY = {
            {"create", "Creates", "virtual threads created", "creates",
                    "Thread.start() of a virtual thread, by the carrier it ran on (platform threads such as main: \"other threads\")."},
            {"block", "Blocks", "blocks", "blocks",
                    "A virtual thread gave up its carrier to wait (or parked pinned), by carrier."},
            {"wake", "Wakes", "wakes", "wakes",
                    "A blocked virtual thread was queued for a carrier again, by the carrier (or other thread) that woke it."},
            {"mount", "Mounts", "run slices begun", "mounts",
                    "A virtual thread was mounted on the carrier: one run slice began."},
    };
    /** Latency heatmaps and distributions: name in the dump, title, what one count is, explanation. */
    private static final String[][] LATENCY = {
            {"wakeToRun", "Wake → run", "wakes", "wakes",
                    "From a wake (queued for a carrier) until the thread runs again: time spent waiting for a carrier."},
            {"blocked", "Blocked", "blocks", "blocks",
                    "From a block until the wake (a timed block ends at its deadline)."},
            {"startDelay", "Start delay", "threads started", "starts",
                    "From Thread.start() until the thread first runs on a carrier."},
            {"runSlice", "Run slice", "run slices", "slices",
                    "How long a virtual thread kept its carrier each time it was mounted."},
    };
    private static final String[][] BLOCK_KINDS = {
            {"park", "LockSupport.park: locks, queues, socket I/O"},
            {"timedPark", "LockSupport.parkNanos"},
            {"sleep", "Thread.sleep"},
            {"monitor", "entering synchronized (JDK 24+)"},
            {"wait", "Object.wait (JDK 24+)"},
            {"timedWait", "Object.wait with a timeout (JDK 24+)"},
            {"pinned", "parked while pinned to its carrier"},
            {"unknown", "a JDK state the agent does not know"},
    };

    /** Frames of a stack shown before the fold, at least and at most (to reach the first application frame). */
    private static final int OPEN_FRAMES = 4;
    private static final int MAX_OPEN_FRAMES = 12;

    private final Dump dump;
    private final JsonNode root;
    private final StringBuilder html = new StringBuilder(1 << 16);
    /** carrier thread id → display name. */
    private final Map<Long, String> carrierNames = new LinkedHashMap<>();

    private HtmlReport(Dump dump) {
        this.dump = dump;
        this.root = dump.json();
        for (JsonNode carrier : root.path("carriers").path("perCarrier")) {
            carrierNames.put(carrier.path("threadId").asLong(), carrierLabel(carrier));
        }
    }

    /** The whole page. */
    static String render(Dump dump) {
        return new HtmlReport(dump).page();
    }

    private String page() {
        String fileName = dump.file() == null || dump.file().getFileName() == null ? "dump"
                : dump.file().getFileName().toString();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"loomscope-report\">\n")
                .append("<title>Loomscope report – ").append(esc(fileName)).append("</title>\n")
                .append("<style>\n").append(resource("report.css")).append("</style>\n</head>\n<body>\n");
        header(fileName);
        nav();
        html.append("<main>\n");
        warnings();
        summary();
        activityHeatmaps();
        latencyHeatmaps();
        blockKinds();
        sites();
        pinning();
        leaks();
        longSlices();
        carriers();
        context();
        recording();
        html.append("</main>\n");
        html.append("<div id=\"tooltip\" class=\"tooltip\" role=\"tooltip\" hidden></div>\n");
        html.append("<script type=\"application/json\" id=\"loomscope-data\">")
                .append(HtmlText.scriptJson(json(chartData())))
                .append("</script>\n");
        html.append("<script>\n").append(resource("report.js")).append("</script>\n");
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Header, navigation, warnings

    private void header(String fileName) {
        JsonNode jvm = root.path("jvm");
        JsonNode rec = root.path("recording");
        html.append("<header id=\"top\">\n<h1>Loomscope report <span class=\"file\">").append(esc(fileName))
                .append("</span></h1>\n<p class=\"facts\">");
        List<String> facts = new ArrayList<>();
        if (jvm.has("pid")) {
            facts.add("JVM pid " + esc(jvm.path("pid").asText()));
        }
        if (jvm.has("javaVersion")) {
            facts.add("Java " + esc(jvm.path("javaVersion").asText())
                    + (jvm.has("vendor") ? " (" + esc(jvm.path("vendor").asText()) + ")" : ""));
        }
        if (rec.has("startEpochMs")) {
            facts.add("recording from " + HtmlNumbers.dateTime(rec.path("startEpochMs").asLong())
                    + (rec.has("durationNs") ? " for " + HtmlNumbers.duration(rec.path("durationNs").asLong()) : ""));
        }
        if (rec.has("trigger")) {
            facts.add("dump on " + esc(rec.path("trigger").asText()));
        }
        if (rec.has("attach")) {
            facts.add(rec.path("attach").asText().equals("late") ? "agent attached late" : "agent from JVM start");
        }
        if (root.path("agent").has("version")) {
            facts.add("agent " + esc(root.path("agent").path("version").asText()));
        }
        html.append(String.join(" · ", facts)).append("</p>\n</header>\n");
    }

    private void nav() {
        String[][] links = {
                {"summary", "Headline"}, {"activity", "Activity"}, {"latency-heatmaps", "Latency"},
                {"block-kinds", "Block kinds"}, {"sites", "Sites"}, {"pinning", "Pinning"}, {"leaks", "Leaks"},
                {"long-slices", "Long slices"}, {"carriers", "Carriers"}, {"context", "GC & throttling"},
                {"recording", "Recording"},
        };
        html.append("<nav>");
        for (String[] link : links) {
            html.append("<a href=\"#").append(link[0]).append("\">").append(link[1]).append("</a>");
        }
        html.append("</nav>\n");
    }

    private void warnings() {
        JsonNode counts = root.path("counts");
        List<String> warnings = new ArrayList<>();
        long dropped = counts.path("dropped").asLong();
        if (dropped > 0) {
            List<String> kinds = new ArrayList<>();
            counts.path("droppedByKind").fields().forEachRemaining(e -> {
                if (e.getValue().asLong() > 0) {
                    kinds.add(esc(e.getKey()) + " " + HtmlNumbers.count(e.getValue().asLong()));
                }
            });
            warnings.add(HtmlNumbers.count(dropped) + " records were dropped (rings full): counts and latencies are"
                    + " incomplete" + (kinds.isEmpty() ? "" : " (" + String.join(", ", kinds) + ")")
                    + ". A larger ringCapacity or more rings help.");
        }
        long errors = counts.path("agentErrors").asLong();
        if (errors > 0) {
            warnings.add(HtmlNumbers.count(errors) + " errors inside the agent's hooks were caught and swallowed.");
        }
        JsonNode missing = root.path("agent").path("hooks").path("missing");
        if (missing.isArray() && !missing.isEmpty()) {
            List<String> names = new ArrayList<>();
            missing.forEach(m -> names.add("<code>" + esc(m.asText()) + "</code>"));
            warnings.add("Hooks not woven into this JVM, so their events are missing: " + String.join(", ", names)
                    + ".");
        }
        if (root.path("recording").path("attach").asText().equals("late")) {
            warnings.add("The agent was attached to a running JVM: transitions before the attach are not counted,"
                    + " and " + HtmlNumbers.count(counts.path("preexistingEnded").asLong())
                    + " threads that existed before it ended during the recording.");
        }
        long lost = root.path("sites").path("samplesLost").asLong();
        if (lost > 0) {
            warnings.add(HtmlNumbers.count(lost) + " sampled stacks were lost (overwritten before the drain read"
                    + " them): site counts are low by that much.");
        }
        if (warnings.isEmpty()) {
            return;
        }
        html.append("<div id=\"warnings\" class=\"warnings\">");
        for (String w : warnings) {
            html.append("<p>⚠ ").append(w).append("</p>");
        }
        html.append("</div>\n");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Headline numbers

    private void summary() {
        JsonNode counts = root.path("counts");
        sectionStart("summary", "Headline numbers", null);
        html.append("<div class=\"cards\">\n");
        String[][] cards = {
                {"created", "virtual threads created"}, {"started", "started (first ran)"},
                {"ended", "ended"}, {"live", "still alive at the dump"},
                {"blocks", "blocks"}, {"wakes", "wakes"}, {"mounts", "mounts (run slices)"},
                {"pinnedBlocks", "pinned blocks"}, {"yields", "yields"}, {"dropped", "records dropped"},
        };
        for (String[] card : cards) {
            long value = counts.path(card[0]).asLong();
            boolean bad = (card[0].equals("pinnedBlocks") || card[0].equals("dropped")) && value > 0;
            html.append("<div class=\"card").append(bad ? " bad" : "").append("\"><div class=\"value\" id=\"count-")
                    .append(card[0]).append("\">").append(HtmlNumbers.count(value))
                    .append("</div><div class=\"label\">").append(card[1]).append("</div></div>\n");
        }
        html.append("</div>\n");

        JsonNode latencies = root.path("latencies");
        html.append("<table id=\"latency-table\" class=\"numbers\">\n<thead><tr><th>latency</th><th>what it measures</th>"
                + "<th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead>\n<tbody>\n");
        for (String[] l : LATENCY) {
            latencyRow(l[0], l[1], l[4], latencies.path(l[0]));
        }
        latencyRow("pinnedBlocked", "Pinned", "How long a pinned virtual thread held its carrier while parked.",
                latencies.path("pinnedBlocked"));
        html.append("</tbody></table>\n");
        sectionEnd();
    }

    private void latencyRow(String name, String title, String what, JsonNode s) {
        long count = s.path("count").asLong();
        html.append("<tr id=\"lat-").append(name).append("\"><th>").append(title).append("</th><td class=\"what\">")
                .append(esc(what)).append("</td><td id=\"lat-").append(name).append("-count\">")
                .append(HtmlNumbers.count(count)).append("</td>");
        for (String p : new String[]{"p50", "p90", "p99", "p999", "max"}) {
            html.append("<td id=\"lat-").append(name).append('-').append(p).append("\">")
                    .append(count == 0 ? HtmlNumbers.NONE : HtmlNumbers.duration(s.path(p).asLong())).append("</td>");
        }
        html.append("</tr>\n");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Heatmaps: placeholders filled by report.js

    private void activityHeatmaps() {
        sectionStart("activity", "Activity over time, by carrier",
                "Each row is a carrier thread (\"other threads\": platform threads that are not carriers, such as"
                        + " main); each column a time window. Colour: events in that cell, on a log scale."
                        + " Hover a cell for its value. GC pauses and CPU throttling are marked under each map, on"
                        + " the same time axis (UTC).");
        JsonNode activity = root.path("heatmaps").path("activity");
        if (activity.isMissingNode()) {
            empty("This dump has no heatmaps (written by an agent older than the heatmaps).");
        } else {
            for (String[] a : ACTIVITY) {
                heatmap("activity", a[0], a[1], a[2], a[3], a[4], activity.path(a[0]));
            }
        }
        sectionEnd();
    }

    private void latencyHeatmaps() {
        sectionStart("latency-heatmaps", "Latency over time",
                "Each row is a latency bucket on a log scale (four buckets per doubling), slower at the top; each"
                        + " column a time window. Colour: how many latencies of that size ended in that window, on"
                        + " a log scale. Hover a cell for its bucket and count.");
        JsonNode latency = root.path("heatmaps").path("latency");
        if (latency.isMissingNode()) {
            empty("This dump has no heatmaps (written by an agent older than the heatmaps).");
        } else {
            for (String[] l : LATENCY) {
                heatmap("latency", l[0], l[1], l[2], l[3], l[4], latency.path(l[0]));
            }
        }
        sectionEnd();
    }

    private void heatmap(String group, String name, String title, String unitLong, String unit, String what,
                         JsonNode rows) {
        long total = 0;
        long windows = 0;
        long max = 0;
        for (JsonNode row : rows) {
            windows++;
            for (JsonNode cell : row.path("cells")) {
                long n = cell.path(1).asLong();
                total += n;
                max = Math.max(max, n);
            }
        }
        String id = "heatmap-" + group + "-" + name;
        html.append("<figure class=\"heatmap\" id=\"").append(id).append("\"");
        if (total > 0) {
            html.append(" data-heatmap=\"").append(group).append('.').append(name).append("\" data-unit=\"")
                    .append(esc(unit)).append("\" data-total=\"").append(total).append('"');
        }
        html.append(">\n<figcaption><span class=\"title\">").append(esc(title)).append("</span> <span class=\"stat\">")
                .append(HtmlNumbers.count(total)).append(' ').append(esc(unitLong));
        if (total > 0) {
            html.append(" in ").append(HtmlNumbers.count(windows)).append(windows == 1 ? " window" : " windows")
                    .append(", at most ").append(HtmlNumbers.count(max)).append(" in one cell");
        }
        html.append("</span><span class=\"what\">").append(esc(what)).append("</span><span class=\"legend\"></span>")
                .append("</figcaption>\n");
        if (total == 0) {
            html.append("<p class=\"empty\">").append(esc(emptyHeatmapReason(group, name, rows))).append("</p>\n");
        } else {
            html.append("<div class=\"plot\"><noscript><p class=\"empty\">The heatmap is drawn by JavaScript,"
                    + " which is off.</p></noscript></div>\n");
        }
        html.append("</figure>\n");
    }

    private String emptyHeatmapReason(String group, String name, JsonNode rows) {
        if (rows.isMissingNode()) {
            return "Not in this dump (written by an older agent).";
        }
        JsonNode counts = root.path("counts");
        return switch (group + "." + name) {
            case "activity.create" -> "No virtual thread was created during the recording.";
            case "activity.block" -> counts.path("blocks").asLong() == 0
                    ? "No virtual thread blocked during the recording."
                    : "Blocks were counted, but none fell inside the heatmap's windows.";
            case "latency.blocked" -> {
                long blocks = counts.path("blocks").asLong();
                long pinned = counts.path("pinnedBlocks").asLong();
                if (blocks == 0) {
                    yield "No virtual thread blocked during the recording.";
                }
                if (blocks == pinned) {
                    yield "Every block was pinned: how long pinned threads held their carriers is under Pinning.";
                }
                yield "None of the " + HtmlNumbers.count(blocks - pinned) + " unpinned blocks ended before the dump"
                        + " (a block's time is recorded when it ends).";
            }
            case "activity.wake", "latency.wakeToRun" -> counts.path("wakes").asLong() == 0
                    ? "No blocked virtual thread was woken during the recording."
                    : "Wakes were counted, but none fell inside the heatmap's windows.";
            case "activity.mount", "latency.runSlice" -> counts.path("mounts").asLong() == 0
                    ? "No virtual thread ran on a carrier during the recording."
                    : "Run slices were counted, but none fell inside the heatmap's windows.";
            case "latency.startDelay" -> counts.path("started").asLong() == 0
                    ? "No virtual thread started during the recording."
                    : "Threads started, but none inside the heatmap's windows.";
            default -> "Nothing recorded.";
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Block kinds

    private void blockKinds() {
        sectionStart("block-kinds", "Block kinds",
                "Why virtual threads gave up their carriers, and how long they stayed blocked.");
        JsonNode byKind = root.path("counts").path("blocksByKind");
        long blocks = root.path("counts").path("blocks").asLong();
        if (blocks == 0) {
            empty("No virtual thread blocked during the recording: every thread ran to its end without waiting.");
            sectionEnd();
            return;
        }
        JsonNode latency = root.path("latencies").path("blockedByKind");
        html.append("<table class=\"numbers\"><thead><tr><th>kind</th><th>what</th><th>blocks</th><th>share</th>"
                + "<th>blocked p50</th><th>p99</th><th>max</th></tr></thead><tbody>\n");
        Map<String, String> known = new LinkedHashMap<>();
        for (String[] k : BLOCK_KINDS) {
            known.put(k[0], k[1]);
        }
        byKind.fieldNames().forEachRemaining(k -> known.putIfAbsent(k, ""));
        for (Map.Entry<String, String> kind : known.entrySet()) {
            long n = byKind.path(kind.getKey()).asLong();
            if (n == 0) {
                continue;
            }
            JsonNode s = kind.getKey().equals("pinned") ? root.path("latencies").path("pinnedBlocked")
                    : latency.path(kind.getKey());
            html.append("<tr id=\"kind-").append(esc(kind.getKey())).append("\"><th>").append(esc(kind.getKey()))
                    .append("</th><td class=\"what\">").append(esc(kind.getValue())).append("</td><td>")
                    .append(HtmlNumbers.count(n)).append("</td><td class=\"bar-cell\">");
            bar((double) n / blocks, HtmlNumbers.percent(n, blocks), kind.getKey().equals("pinned") ? "bad" : "");
            html.append("</td>");
            for (String p : new String[]{"p50", "p99", "max"}) {
                html.append("<td>").append(s.path("count").asLong() == 0 ? HtmlNumbers.NONE
                        : HtmlNumbers.duration(s.path(p).asLong())).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
        sectionEnd();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sites

    private void sites() {
        JsonNode sites = root.path("sites");
        long sampleEvery = sites.path("sampleEvery").asLong();
        String sampling = sampleEvery == 0 ? "Sampling is off (sampleEvery=0): only critical threads' events are"
                + " sampled."
                : "Stacks are sampled: one event in " + HtmlNumbers.count(sampleEvery) + " (sampleEvery="
                + sampleEvery + "), every event of critical threads, and every pinned block. Counts here are counts"
                + " of samples, not of events; latencies are those that followed the sampled events.";
        sectionStart("sites", "Top sites", sampling + (sites.has("samples") ? " " + HtmlNumbers.count(
                sites.path("samples").asLong()) + " samples, " + HtmlNumbers.count(sites.path("distinctStacks")
                .asLong()) + " distinct stacks." : ""));
        if (sites.isMissingNode()) {
            empty("This dump has no sites (written by an agent older than the sampled stacks).");
            sectionEnd();
            return;
        }
        siteTable("sites-create", "Where virtual threads are created", sites.path("create"), "creates", null,
                emptySites(sampleEvery, root.path("counts").path("created").asLong(), "No virtual thread was created.",
                        "creation"));
        siteTable("sites-block", "Where virtual threads block", sites.path("block"), "blocks", "blocked",
                emptySites(sampleEvery, root.path("counts").path("blocks").asLong()
                        - root.path("counts").path("pinnedBlocks").asLong(), "No virtual thread blocked"
                        + " (pinned blocks are under Pinning).", "block"));
        siteTable("sites-wake", "Who wakes them (wake → run charged to the waker's stack)", sites.path("wake"),
                "wakes", "wakeToRun", emptySites(sampleEvery, root.path("counts").path("wakes").asLong(),
                        "No virtual thread was woken.", "wake"));
        sectionEnd();
    }

    private static String emptySites(long sampleEvery, long events, String none, String what) {
        if (events == 0) {
            return none;
        }
        if (sampleEvery == 0) {
            return "No " + what + " stack was sampled: sampling is off (sampleEvery=0) and no critical thread was"
                    + " involved.";
        }
        return "No " + what + " stack was sampled: " + HtmlNumbers.count(events) + " events at one sample in "
                + HtmlNumbers.count(sampleEvery) + " (lower sampleEvery to see more).";
    }

    private void siteTable(String id, String title, JsonNode sites, String countLabel, String charges,
                           String emptyReason) {
        html.append("<div class=\"sub\" id=\"").append(id).append("\"><h3>").append(esc(title)).append("</h3>\n");
        if (!sites.isArray() || sites.isEmpty()) {
            empty(emptyReason);
            html.append("</div>\n");
            return;
        }
        html.append("<table class=\"sites\"><thead><tr><th>#</th><th>").append(countLabel).append("</th>");
        if (charges != null) {
            html.append("<th>total time</th><th>p99</th>");
        }
        if (id.equals("sites-block")) {
            html.append("<th>kinds</th>");
        }
        html.append("<th>stack (innermost first; application frames in bold)</th></tr></thead><tbody>\n");
        int rank = 0;
        for (JsonNode site : sites) {
            rank++;
            html.append("<tr><td class=\"rank\">").append(rank).append("</td><td class=\"num\">")
                    .append(HtmlNumbers.count(site.path("count").asLong())).append("</td>");
            if (charges != null) {
                JsonNode c = site.path(charges);
                html.append("<td class=\"num\">").append(HtmlNumbers.duration(c.path("totalNs").asLong()))
                        .append("</td><td class=\"num\">").append(c.path("count").asLong() == 0 ? HtmlNumbers.NONE
                                : HtmlNumbers.duration(c.path("p99Ns").asLong())).append("</td>");
            }
            if (id.equals("sites-block")) {
                html.append("<td class=\"nowrap\">").append(kinds(site.path("kinds"))).append("</td>");
            }
            html.append("<td class=\"stack\">");
            frames(site.path("frames"));
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table>\n</div>\n");
    }

    private static String kinds(JsonNode kinds) {
        List<String> parts = new ArrayList<>();
        kinds.fields().forEachRemaining(e -> parts.add(esc(e.getKey()) + " " + HtmlNumbers.count(e.getValue()
                .asLong())));
        return String.join(", ", parts);
    }

    /**
     * A stack, innermost frame first: the frames down to the first application frame are shown (at least
     * {@value #OPEN_FRAMES}, at most {@value #MAX_OPEN_FRAMES}), the rest folded.
     */
    private void frames(JsonNode frames) {
        if (!frames.isArray() || frames.isEmpty()) {
            html.append("<span class=\"muted\">no stack sampled</span>");
            return;
        }
        int firstApp = frames.size();
        for (int i = 0; i < frames.size(); i++) {
            if (!isJdkFrame(frames.get(i).asText())) {
                firstApp = i;
                break;
            }
        }
        int open = Math.min(frames.size(), Math.max(OPEN_FRAMES, Math.min(MAX_OPEN_FRAMES, firstApp + 1)));
        html.append("<ol class=\"frames\">");
        for (int i = 0; i < open; i++) {
            frame(frames.get(i).asText());
        }
        html.append("</ol>");
        if (frames.size() > open) {
            html.append("<details><summary>").append(frames.size() - open).append(" more frames</summary>")
                    .append("<ol class=\"frames\" start=\"").append(open + 1).append("\">");
            for (int i = open; i < frames.size(); i++) {
                frame(frames.get(i).asText());
            }
            html.append("</ol></details>");
        }
    }

    private void frame(String frame) {
        html.append("<li").append(isJdkFrame(frame) ? " class=\"jdk\"" : "").append('>').append(esc(frame))
                .append("</li>");
    }

    static boolean isJdkFrame(String frame) {
        return frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun.")
                || frame.startsWith("javax.") || frame.startsWith("com.sun.");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pinning, leaks, long slices

    private void pinning() {
        JsonNode counts = root.path("counts");
        long pinned = counts.path("pinnedBlocks").asLong();
        sectionStart("pinning", "Pinning",
                "A pinned virtual thread parks while it cannot release its carrier (a native frame, a class"
                        + " initializer; synchronized on JDK 23 and older): the carrier thread itself blocks and"
                        + " runs no other virtual thread meanwhile.");
        html.append("<p class=\"big\"><span id=\"pinned-count\">").append(HtmlNumbers.count(pinned))
                .append("</span> pinned ").append(pinned == 1 ? "block" : "blocks");
        JsonNode s = root.path("latencies").path("pinnedBlocked");
        if (pinned > 0 && s.path("count").asLong() > 0) {
            html.append(", carrier held for p50 ").append(HtmlNumbers.duration(s.path("p50").asLong()))
                    .append(", p99 ").append(HtmlNumbers.duration(s.path("p99").asLong())).append(", max ")
                    .append(HtmlNumbers.duration(s.path("max").asLong()));
        }
        html.append("</p>\n");
        JsonNode sites = root.path("sites").path("pinned");
        if (pinned == 0) {
            empty("No virtual thread parked while pinned during the recording.");
        } else if (!sites.isArray() || sites.isEmpty()) {
            empty("Pinned blocks were counted but no stack was kept for them (samples lost, or a dump without"
                    + " sites).");
        } else {
            html.append("<div class=\"sub\" id=\"sites-pinned\">");
            html.append("<table class=\"sites\"><thead><tr><th>#</th><th>pinned blocks</th><th>total time</th>"
                    + "<th>p99</th><th>stack (innermost first; application frames in bold)</th></tr></thead><tbody>\n");
            int rank = 0;
            for (JsonNode site : sites) {
                JsonNode c = site.path("pinnedBlocked");
                html.append("<tr><td class=\"rank\">").append(++rank).append("</td><td class=\"num\">")
                        .append(HtmlNumbers.count(site.path("count").asLong())).append("</td><td class=\"num\">")
                        .append(HtmlNumbers.duration(c.path("totalNs").asLong())).append("</td><td class=\"num\">")
                        .append(c.path("count").asLong() == 0 ? HtmlNumbers.NONE
                                : HtmlNumbers.duration(c.path("p99Ns").asLong()))
                        .append("</td><td class=\"stack\">");
                frames(site.path("frames"));
                html.append("</td></tr>\n");
            }
            html.append("</tbody></table></div>\n");
        }
        sectionEnd();
    }

    private void leaks() {
        JsonNode leaks = root.path("leaks");
        long threshold = leaks.path("thresholdNs").asLong();
        sectionStart("leaks", "Leak clusters",
                "Virtual threads still blocked at the dump for longer than the leak threshold"
                        + (leaks.has("thresholdNs") ? " (" + HtmlNumbers.duration(threshold) + ")" : "")
                        + ", grouped by the stack where they block. A large cluster that grows from dump to dump is"
                        + " usually a leak: threads waiting for something that never comes.");
        if (leaks.isMissingNode()) {
            empty("This dump has no leak data (written by an agent older than leak detection).");
            sectionEnd();
            return;
        }
        JsonNode clusters = leaks.path("clusters");
        html.append("<p class=\"big\"><span id=\"leak-threads\">").append(HtmlNumbers.count(leaks.path("threads")
                        .asLong())).append("</span> threads in <span id=\"leak-clusters-count\">")
                .append(HtmlNumbers.count(clusters.size())).append("</span> ")
                .append(clusters.size() == 1 ? "cluster" : "clusters").append("</p>\n");
        if (clusters.isEmpty()) {
            empty("No leak clusters: at the dump no virtual thread had been blocked longer than "
                    + HtmlNumbers.duration(threshold) + ".");
        } else {
            html.append("<table class=\"sites\"><thead><tr><th>#</th><th>threads</th><th>oldest blocked</th>"
                    + "<th>kinds</th><th>stack where they block</th></tr></thead><tbody>\n");
            int rank = 0;
            for (JsonNode cluster : clusters) {
                html.append("<tr class=\"leak\"><td class=\"rank\">").append(++rank).append("</td><td class=\"num\">")
                        .append(HtmlNumbers.count(cluster.path("threads").asLong())).append("</td><td class=\"num\">")
                        .append(HtmlNumbers.duration(cluster.path("oldestBlockedNs").asLong()))
                        .append("</td><td class=\"nowrap\">")
                        .append(kinds(cluster.path("kinds"))).append("</td><td class=\"stack\">");
                frames(cluster.path("frames"));
                html.append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        sectionEnd();
    }

    private void longSlices() {
        JsonNode slices = root.path("longSlices");
        long threshold = slices.path("thresholdNs").asLong();
        sectionStart("long-slices", "Monopolising slices",
                "Run slices longer than the longSlice threshold" + (slices.has("thresholdNs") ? " ("
                        + HtmlNumbers.duration(threshold) + ")" : "") + ": a virtual thread kept its carrier (CPU"
                        + " work without blocking), so every thread queued on that carrier waited behind it. The"
                        + " stack is where it ran, taken while the slice lasted.");
        if (slices.isMissingNode()) {
            empty("This dump has no long-slice data (written by an older agent).");
            sectionEnd();
            return;
        }
        html.append("<p class=\"big\"><span id=\"long-slices-count\">").append(HtmlNumbers.count(slices.path("count")
                .asLong())).append("</span> long slices</p>\n");
        JsonNode longest = slices.path("longest");
        if (!longest.isArray() || longest.isEmpty()) {
            empty("No run slice lasted longer than " + HtmlNumbers.duration(threshold)
                    + ": no virtual thread monopolised a carrier.");
        } else {
            html.append("<table class=\"sites\"><thead><tr><th>#</th><th>duration</th><th>began (UTC)</th>"
                    + "<th>virtual thread</th><th>carrier</th><th>stack where it ran</th></tr></thead><tbody>\n");
            int rank = 0;
            for (JsonNode slice : longest) {
                long carrier = slice.path("carrierThreadId").asLong();
                String carrierName = carrierNames.getOrDefault(carrier, "thread " + carrier);
                html.append("<tr><td class=\"rank\">").append(++rank).append("</td><td class=\"num\">")
                        .append(HtmlNumbers.duration(slice.path("durationNs").asLong()))
                        .append(slice.path("ongoing").asBoolean() ? " <span class=\"tag\">still running</span>" : "")
                        .append("</td><td class=\"num\">")
                        .append(slice.has("startEpochMs") ? HtmlNumbers.timeOfDay(slice.path("startEpochMs").asLong())
                                : HtmlNumbers.NONE)
                        .append("</td><td class=\"num\">#").append(slice.path("threadId").asLong())
                        .append("</td><td class=\"nowrap\">").append(esc(carrierName))
                        .append("</td><td class=\"stack\">");
                frames(slice.path("frames"));
                html.append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        sectionEnd();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Carriers, context, recording

    private void carriers() {
        JsonNode carriers = root.path("carriers");
        sectionStart("carriers", "Carriers: busy and idle",
                "Busy: a virtual thread was mounted. Idle: the carrier waited for work. The rest of its life it did"
                        + " neither (scheduler bookkeeping, or it did not exist yet).");
        if (carriers.isMissingNode()) {
            empty("This dump has no carrier data.");
            sectionEnd();
            return;
        }
        html.append("<p>").append(HtmlNumbers.count(carriers.path("started").asLong())).append(" carriers started, ")
                .append(HtmlNumbers.count(carriers.path("exited").asLong())).append(" exited, ")
                .append(HtmlNumbers.count(carriers.path("idlePeriods").asLong())).append(" idle periods.</p>\n");
        JsonNode per = carriers.path("perCarrier");
        if (!per.isArray() || per.isEmpty()) {
            empty("No carrier thread was seen: no virtual thread ran during the recording.");
            sectionEnd();
            return;
        }
        html.append("<table class=\"numbers\" id=\"carrier-table\"><thead><tr><th>carrier</th><th>thread id</th>"
                + "<th>mounts</th><th>busy</th><th>idle</th><th class=\"wide\">busy / idle</th><th>longest slice</th>"
                + "<th>at the dump</th></tr></thead><tbody>\n");
        for (JsonNode c : per) {
            long busy = c.path("busyNs").asLong();
            long idle = c.path("idleNs").asLong();
            html.append("<tr><th>").append(esc(carrierLabel(c))).append("</th><td>").append(c.path("threadId").asLong())
                    .append("</td><td>").append(HtmlNumbers.count(c.path("mounts").asLong())).append("</td><td>")
                    .append(HtmlNumbers.duration(busy)).append("</td><td>").append(HtmlNumbers.duration(idle))
                    .append("</td><td class=\"bar-cell\">");
            double total = busy + idle;
            html.append("<div class=\"split\" title=\"busy ").append(HtmlNumbers.percent(busy, total))
                    .append("\"><span class=\"busy\" style=\"width:")
                    .append(total > 0 ? String.format(java.util.Locale.ROOT, "%.2f", 100.0 * busy / total) : "0")
                    .append("%\"></span></div><span class=\"pct\">").append(HtmlNumbers.percent(busy, total))
                    .append(" busy</span></td><td>").append(HtmlNumbers.duration(c.path("longestSliceNs").asLong()))
                    .append("</td><td>").append(c.path("mountedNow").asBoolean() ? "running a thread" : "–")
                    .append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
        sectionEnd();
    }

    private void context() {
        JsonNode context = root.path("context");
        sectionStart("context", "GC and CPU throttling",
                "What else can delay virtual threads: stop-the-world GC pauses, and CPU throttling of the JVM's"
                        + " cgroup. Both are also marked under every heatmap.");
        if (context.isMissingNode()) {
            empty("This dump has no context data (written by an agent older than GC and throttling sampling).");
            sectionEnd();
            return;
        }
        JsonNode gc = context.path("gc");
        JsonNode cpu = context.path("cpuThrottling");
        List<String> collectors = new ArrayList<>();
        gc.path("collectors").forEach(c -> collectors.add(esc(c.asText())));
        html.append("<div class=\"cards wide\">");
        html.append("<div class=\"card\"><div class=\"value\" id=\"gc-pauses\">")
                .append(HtmlNumbers.count(gc.path("pauses").asLong())).append("</div><div class=\"label\">GC pauses,")
                .append(" total ").append(HtmlNumbers.duration(gc.path("pauseNs").asLong())).append("</div></div>");
        html.append("<div class=\"card\"><div class=\"value\" id=\"throttled-periods\">")
                .append(cpu.path("available").asBoolean() ? HtmlNumbers.count(cpu.path("throttledPeriods").asLong())
                        : HtmlNumbers.NONE)
                .append("</div><div class=\"label\">throttled CPU periods, total ")
                .append(cpu.path("available").asBoolean() ? HtmlNumbers.duration(cpu.path("throttledNs").asLong())
                        : HtmlNumbers.NONE).append("</div></div>");
        html.append("</div>\n<p>");
        if (gc.path("pauses").asLong() == 0) {
            html.append("No GC pause during the recording");
        } else {
            html.append("GC pauses");
        }
        html.append(collectors.isEmpty() ? "." : " (collectors: " + String.join(", ", collectors) + ").");
        if (!cpu.path("available").asBoolean()) {
            html.append(" CPU throttling is not known: no cgroup cpu.stat file was readable (not in a container, or"
                    + " no CPU limit).");
        } else if (cpu.path("throttledPeriods").asLong() == 0) {
            html.append(" The cgroup was never throttled (").append(esc(cpu.path("file").asText())).append(").");
        } else {
            html.append(" Throttling from ").append(esc(cpu.path("file").asText())).append('.');
        }
        html.append("</p>\n");
        JsonNode windows = context.path("windows");
        if (windows.isArray() && !windows.isEmpty()) {
            html.append("<figure class=\"timeline\" id=\"context-timeline\" data-context=\"1\"><figcaption>"
                    + "<span class=\"title\">Per window</span><span class=\"what\">GC pause time, throttled time,"
                    + " and the scheduler's average queued tasks and pool size (sampled every 100 ms)."
                    + " Hover a bar for its value.</span></figcaption><div class=\"plot\"></div></figure>\n");
        } else {
            empty("No context windows were recorded.");
        }
        JsonNode scheduler = root.path("scheduler");
        if (scheduler.isObject() && !scheduler.isEmpty()) {
            html.append("<h3>Scheduler at the dump</h3>\n<table class=\"kv\" id=\"scheduler\"><tbody>");
            Map<String, String> flat = new TreeMap<>();
            flatten("", scheduler, flat);
            for (Map.Entry<String, String> e : flat.entrySet()) {
                html.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(e.getValue()))
                        .append("</td></tr>");
            }
            html.append("</tbody></table>\n");
        }
        sectionEnd();
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (e.getValue().isObject()) {
                flatten(prefix + e.getKey() + ".", e.getValue(), out);
            } else {
                out.put(prefix + e.getKey(), e.getValue().isNumber() ? HtmlNumbers.count(e.getValue().asLong())
                        : e.getValue().asText());
            }
        }
    }

    private void recording() {
        JsonNode agent = root.path("agent");
        sectionStart("recording", "Recording", null);
        html.append("<table class=\"kv\"><tbody>");
        JsonNode rec = root.path("recording");
        if (rec.has("startEpochMs")) {
            kv("recording began", HtmlNumbers.dateTime(rec.path("startEpochMs").asLong()));
        }
        if (rec.has("dumpEpochMs")) {
            kv("dump taken", HtmlNumbers.dateTime(rec.path("dumpEpochMs").asLong()));
        }
        if (rec.has("durationNs")) {
            kv("duration", HtmlNumbers.duration(rec.path("durationNs").asLong()));
        }
        if (root.path("heatmaps").has("windowMs")) {
            kv("heatmap window", HtmlNumbers.millis(root.path("heatmaps").path("windowMs").asLong()));
        }
        kv("records aggregated", HtmlNumbers.count(root.path("recorder").path("events").asLong()));
        String clock = root.path("recorder").path("clock").asText("");
        if (!clock.isEmpty()) {
            kv("event clock", clock.equals("tsc") ? "CPU time-stamp counter" : clock);
        }
        html.append("</tbody></table>\n");
        JsonNode options = agent.path("options");
        if (options.isObject() && !options.isEmpty()) {
            html.append("<details><summary>Agent options</summary><table class=\"kv\"><tbody>");
            options.fields().forEachRemaining(e -> kv(e.getKey(), e.getValue().asText()));
            html.append("</tbody></table></details>\n");
        }
        JsonNode applied = agent.path("hooks").path("applied");
        if (applied.isArray() && !applied.isEmpty()) {
            html.append("<details><summary>").append(applied.size()).append(" hooks woven</summary><ul class=\"hooks\">");
            applied.forEach(h -> html.append("<li><code>").append(esc(h.asText())).append("</code></li>"));
            html.append("</ul></details>\n");
        }
        sectionEnd();
    }

    private void kv(String key, String value) {
        html.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Data for report.js

    private ObjectNode chartData() {
        ObjectNode data = MAPPER.createObjectNode();
        JsonNode rec = root.path("recording");
        ObjectNode axis = data.putObject("axis");
        if (rec.has("startEpochMs")) {
            axis.put("startEpochMs", rec.path("startEpochMs").asLong());
        }
        if (rec.has("dumpEpochMs")) {
            axis.put("endEpochMs", rec.path("dumpEpochMs").asLong());
        }
        axis.put("windowMs", root.path("heatmaps").path("windowMs").asLong(1000));

        ArrayNode carriers = data.putArray("carriers");
        for (JsonNode c : root.path("carriers").path("perCarrier")) {
            carriers.addArray().add(c.path("column").asInt()).add(carrierLabel(c));
        }

        JsonNode buckets = root.path("heatmaps").path("latency").path("buckets");
        int count = buckets.path("count").asInt(161);
        int perDoubling = buckets.path("subBucketsPerDoubling").asInt(4);
        ArrayNode labels = data.putArray("bucketLabels");
        for (int i = 0; i < count; i++) {
            labels.add(bucketLabel(i, count, perDoubling));
        }
        data.put("subBucketsPerDoubling", perDoubling);
        ArrayNode ticks = data.putArray("latencyTicks");
        double[] mantissas = {1, 2, 5};
        for (double decade = 1; decade < Math.pow(2, (double) count / perDoubling); decade *= 10) {
            for (int m = 0; m < mantissas.length; m++) {
                double v = decade * mantissas[m];
                int priority = m == 0 ? (Math.round(Math.log10(decade)) % 3 == 0 ? 0 : 1) : (m == 2 ? 2 : 3);
                ticks.addArray().add(perDoubling * Math.log(v) / Math.log(2)).add(HtmlNumbers.duration(
                        (long) Math.round(v))).add(priority);
            }
        }

        ObjectNode heatmaps = data.putObject("heatmaps");
        for (String group : new String[]{"activity", "latency"}) {
            for (String[] h : group.equals("activity") ? ACTIVITY : LATENCY) {
                JsonNode rows = root.path("heatmaps").path(group).path(h[0]);
                if (rows.isArray()) {
                    heatmaps.set(group + "." + h[0], rows);
                }
            }
        }
        JsonNode context = root.path("context");
        if (context.path("windows").isArray()) {
            ObjectNode c = data.putObject("context");
            c.set("columns", context.path("columns"));
            c.set("windows", context.path("windows"));
            c.put("throttlingAvailable", context.path("cpuThrottling").path("available").asBoolean());
        }
        return data;
    }

    /** Bucket i holds v with 2^(i/k) < v <= 2^((i+1)/k); bucket 0 also v <= 1; the last everything above. */
    static String bucketLabel(int i, int count, int perDoubling) {
        double upper = Math.pow(2, (double) (i + 1) / perDoubling);
        double lower = Math.pow(2, (double) i / perDoubling);
        if (i == 0) {
            return "≤ " + HtmlNumbers.duration(upper);
        }
        if (i == count - 1) {
            return "> " + HtmlNumbers.duration(lower);
        }
        return HtmlNumbers.duration(lower) + " – " + HtmlNumbers.duration(upper);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private static String carrierLabel(JsonNode carrier) {
        String name = carrier.path("name").asText("");
        return name.isEmpty() ? "carrier #" + carrier.path("threadId").asLong() : name;
    }

    private void sectionStart(String id, String title, String intro) {
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title)).append("</h2>\n");
        if (intro != null) {
            html.append("<p class=\"intro\">").append(esc(intro)).append("</p>\n");
        }
    }

    private void sectionEnd() {
        html.append("</section>\n");
    }

    private void empty(String why) {
        html.append("<p class=\"empty\">").append(esc(why)).append("</p>\n");
    }

    /** A horizontal bar for a share in [0, 1], with its label. */
    private void bar(double share, String label, String cssClass) {
        html.append("<div class=\"bar ").append(cssClass).append("\"><span style=\"width:")
                .append(String.format(java.util.Locale.ROOT, "%.2f", 100 * Math.max(0, Math.min(1, share))))
                .append("%\"></span></div><span class=\"pct\">").append(esc(label)).append("</span>");
    }

    private static String esc(String text) {
        return HtmlText.escape(text);
    }

    private static String json(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream("html/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource html/" + name + " missing from the report jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

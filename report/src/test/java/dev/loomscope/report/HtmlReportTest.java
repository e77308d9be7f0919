package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page for hand-written dumps: hostile text stays text, empty sections say why, nothing is loaded from outside. */
class HtmlReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A dump with every section, whose strings try to break out of the HTML and of the script element. */
    static final String HOSTILE = """
            {"schema": "loomscope/1",
             "jvm": {"pid": 42, "javaVersion": "25", "vendor": "<b>vendor</b>", "startEpochMs": 1000},
             "agent": {"version": "0.1", "options": {"out": "\\"><img src=x onerror=alert(1)>"},
                       "hooks": {"applied": ["VirtualThread.<init>"], "missing": []}},
             "recording": {"trigger": "exit", "attach": "startup", "startEpochMs": 1000, "dumpEpochMs": 4000,
                           "durationNs": 3000000000},
             "counts": {"created": 5218, "started": 5218, "ended": 5000, "live": 218, "blocks": 7, "pinnedBlocks": 1,
                        "wakes": 6, "yields": 0, "mounts": 20, "unmounts": 20, "dropped": 0, "agentErrors": 0,
                        "blocksByKind": {"park": 6, "pinned": 1}},
             "carriers": {"started": 1, "exited": 0, "idlePeriods": 3, "perCarrier": [
                {"column": 1, "threadId": 28, "name": "</script><script>alert('carrier')</script>", "mounts": 20,
                 "busyNs": 250000000, "idleNs": 750000000, "longestSliceNs": 30000000, "mountedNow": false}]},
             "latencies": {
               "wakeToRun": {"count": 6, "p50": 1000, "p90": 2000, "p99": 96403455, "p999": 104398847, "max": 104398847},
               "blocked": {"count": 6, "p50": 10000000, "p90": 10000000, "p99": 10000000, "p999": 10000000, "max": 10000000},
               "startDelay": {"count": 5218, "p50": 5000, "p90": 6000, "p99": 7000, "p999": 8000, "max": 9000},
               "runSlice": {"count": 20, "p50": 5000, "p90": 6000, "p99": 7000, "p999": 8000, "max": 30000000},
               "pinnedBlocked": {"count": 1, "p50": 7851753, "p90": 7851753, "p99": 7851753, "p999": 7851753, "max": 7851753},
               "blockedByKind": {"park": {"count": 6, "p50": 10000000, "p99": 10000000, "max": 10000000}}},
             "longSlices": {"thresholdNs": 20000000, "count": 1, "longest": [
                {"threadId": 78, "carrierThreadId": 28, "startEpochMs": 2500, "durationNs": 30000000, "ongoing": true,
                 "frames": ["app.Hog.spin(Hog.java:1)"]}]},
             "sites": {"sampleEvery": 1, "samples": 9, "samplesLost": 0, "distinctStacks": 3,
               "create": [{"count": 5, "frames": ["app.Main.main(Main.java:1)"]}],
               "block": [{"count": 6, "kinds": {"park": 6}, "blocked": {"count": 6, "totalNs": 60000000, "p99Ns": 10000000},
                          "frames": ["java.util.concurrent.locks.LockSupport.park(LockSupport.java:1)",
                                     "app.Evil.</script><script>alert(1)</script>(Evil.java:1)",
                                     "app.Init.<clinit>(Init.java:7)"]}],
               "wake": [],
               "pinned": [{"count": 1, "pinnedBlocked": {"count": 1, "totalNs": 7851753, "p99Ns": 8388608},
                           "frames": ["app.Lifecycle$PinnedA.<clinit>(Lifecycle.java:178)"]}]},
             "leaks": {"thresholdNs": 300000000, "threads": 40, "clusters": [
                {"threads": 40, "oldestBlockedNs": 969005931, "kinds": {"park": 40},
                 "frames": ["java.util.concurrent.LinkedBlockingQueue.take(LinkedBlockingQueue.java:435)",
                            "app.Leak.awaitNotification(Leak.java:35)"]}]},
             "heatmaps": {"windowMs": 1000,
               "activity": {"create": [{"startEpochMs": null, "endEpochMs": 1000, "tier": -1, "cells": [[0, 5]]},
                                       {"startEpochMs": 1000, "lengthMs": 1000, "tier": 0, "cells": [[0, 5213]]}],
                            "block": [{"startEpochMs": 2000, "lengthMs": 1000, "tier": 0, "cells": [[1, 7]]}],
                            "wake": [{"startEpochMs": 2000, "lengthMs": 1000, "tier": 0, "cells": [[1, 6]]}],
                            "mount": [{"startEpochMs": 2000, "lengthMs": 1000, "tier": 0, "cells": [[1, 20]]}]},
               "latency": {"buckets": {"count": 161, "subBucketsPerDoubling": 4},
                           "startDelay": [], "blocked": [],
                           "wakeToRun": [{"startEpochMs": 2000, "lengthMs": 1000, "tier": 0, "cells": [[40, 3], [106, 3]]}],
                           "runSlice": []}},
             "scheduler": {"parallelism": 1, "mxBean": {"poolSize": 1}},
             "context": {"gc": {"collectors": ["G1 Young Generation"], "pauses": 2, "pauseNs": 12000000},
                         "cpuThrottling": {"available": false, "throttledPeriods": 0, "throttledNs": 0},
                         "columns": ["gcPauses", "gcPauseUs", "throttledPeriods", "throttledUs", "schedulerSamples",
                                     "queuedSum", "poolSizeSum"],
                         "windows": [{"startEpochMs": 2000, "lengthMs": 1000, "tier": 0, "cells": [[0, 2], [1, 12000]]}]}
            }""";

    /** Only what Dump.read requires. */
    static final String MINIMAL = """
            {"schema": "loomscope/1", "jvm": {}, "counts": {}, "latencies": {}}""";

    @TempDir
    Path dir;

    private String render(String json) throws Exception {
        return HtmlReport.render(Dump.read(TestDumps.writeCompleted(dir.resolve("dump.json"), json)));
    }

    @Test
    void textFromTheDumpNeverBecomesMarkup() throws Exception {
        String html = render(HOSTILE);
        Matcher closes = Pattern.compile("(?i)</script").matcher(html);
        int count = 0;
        while (closes.find()) {
            count++;
        }
        assertEquals(2, count, "only the data block and the script close a script element");
        assertFalse(html.contains("<clinit>"), "frames are escaped");
        assertTrue(html.contains("app.Init.&lt;clinit&gt;(Init.java:7)"));
        assertTrue(html.contains("app.Lifecycle$PinnedA.&lt;clinit&gt;(Lifecycle.java:178)"));
        assertTrue(html.contains("app.Evil.&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;(Evil.java:1)"));
        assertFalse(html.contains("<img"), "option values are escaped");
        assertFalse(html.contains("<b>vendor"), "JVM facts are escaped");
        assertFalse(html.contains("<!--"));
    }

    @Test
    void theEmbeddedDataReadsBackAsTheDumpsStrings() throws Exception {
        String html = render(HOSTILE);
        JsonNode data = MAPPER.readTree(embeddedJson(html));
        assertEquals("</script><script>alert('carrier')</script>", data.at("/carriers/0/1").asText());
        assertEquals(5213, data.at("/heatmaps/activity.create/1/cells/0/1").asLong());
        assertTrue(data.at("/heatmaps/activity.create/0/startEpochMs").isNull(), "the earlier row is kept");
        assertEquals(161, data.get("bucketLabels").size());
        assertEquals("≤ 1.19 ns", data.at("/bucketLabels/0").asText());
        assertEquals("> 18 min 20 s", data.at("/bucketLabels/160").asText());
        assertEquals(1000, data.at("/axis/startEpochMs").asLong());
    }

    @Test
    void headlineNumbersAndSectionsShowTheDumpsValues() throws Exception {
        String html = render(HOSTILE);
        assertEquals("5,218", text(html, "count-created"));
        assertEquals("96.4 ms", text(html, "lat-wakeToRun-p99"));
        assertEquals("104 ms", text(html, "lat-wakeToRun-p999"));
        assertEquals("1 µs", text(html, "lat-wakeToRun-p50"));
        assertEquals("1", text(html, "leak-clusters-count"));
        assertEquals("40", text(html, "leak-threads"));
        assertEquals("1", text(html, "pinned-count"));
        assertEquals("1", text(html, "long-slices-count"));
        assertEquals("2", text(html, "gc-pauses"));
        for (String id : new String[]{"summary", "activity", "latency-heatmaps", "block-kinds", "sites", "sites-create",
                "sites-block", "sites-wake", "pinning", "leaks", "long-slices", "carriers", "context", "recording",
                "heatmap-activity-create", "heatmap-activity-block", "heatmap-activity-wake", "heatmap-activity-mount",
                "heatmap-latency-wakeToRun", "heatmap-latency-blocked", "heatmap-latency-startDelay",
                "heatmap-latency-runSlice", "context-timeline"}) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertTrue(html.contains("data-heatmap=\"activity.create\" data-unit=\"creates\" data-total=\"5218\""));
        assertTrue(html.contains("still running"), "an ongoing long slice says so");
        assertTrue(html.contains("25.0% busy"));
    }

    @Test
    void theEventClockIsNamedWhenTheDumpSaysWhichItWas() throws Exception {
        String tsc = render(HOSTILE.replace("\"counts\": {",
                "\"recorder\": {\"events\": 9, \"clock\": \"tsc\"}, \"counts\": {"));
        assertTrue(tsc.contains("<th>event clock</th><td>CPU time-stamp counter</td>"), "tsc named");
        String nanoTime = render(HOSTILE.replace("\"counts\": {",
                "\"recorder\": {\"events\": 9, \"clock\": \"nanoTime\"}, \"counts\": {"));
        assertTrue(nanoTime.contains("<th>event clock</th><td>nanoTime</td>"), "nanoTime named");
        assertFalse(render(HOSTILE).contains("event clock"), "a dump without recorder.clock (older agents): no row");
    }

    @Test
    void aShedRecordingSaysSoAboveTheNumbersAndMarksItsWindowsUnderTheHeatmaps() throws Exception {
        String html = render(HOSTILE.replace("\"counts\": {", """
                "recorder": {"events": 9, "shedding": {"levelNow": 0, "maxLevel": 3, "episodes": 2,
                  "shedNs": 1500000000, "historiesForgotten": 12, "creationsCounted": 0, "columns": "shed level L",
                  "windows": [{"startEpochMs": 2000, "lengthMs": 1000, "tier": 0,
                               "cells": [[1, 400000], [3, 100000]]}]}},
                "counts": {"""));
        String warnings = html.substring(html.indexOf("id=\"warnings\""), html.indexOf("</div>",
                html.indexOf("id=\"warnings\"")));
        assertTrue(warnings.contains("threads shed for 1.5 s in 2 episodes, down to 1 in 8 followed"), warnings);
        assertTrue(warnings.contains("Creations, ends and live threads are exact"), warnings);
        assertTrue(html.contains("<th>threads shed</th><td>threads shed for 1.5 s in 2 episodes, down to 1 in 8"
                + " followed, 12 partial histories set aside</td>"));
        JsonNode data = MAPPER.readTree(embeddedJson(html));
        assertEquals(100_000, data.at("/shedding/windows/0/cells/1/1").asLong());
        assertEquals(1, data.at("/shedding/threadSample").asLong());

        String never = render(HOSTILE.replace("\"counts\": {", """
                "recorder": {"events": 9, "shedding": {"levelNow": 0, "maxLevel": 0, "episodes": 0, "shedNs": 0,
                  "historiesForgotten": 0, "creationsCounted": 0, "columns": "shed level L", "windows": []}},
                "counts": {"""));
        assertTrue(never.contains("<th>threads shed</th><td>never: every thread followed throughout</td>"));
        assertFalse(never.contains("down to"), "no warning");
        assertTrue(MAPPER.readTree(embeddedJson(never)).at("/shedding").isMissingNode(), "no strip");
        String before = render(HOSTILE);
        int warningsAt = before.indexOf("id=\"warnings\"");
        assertFalse(warningsAt >= 0 && before.substring(warningsAt, before.indexOf("</div>", warningsAt))
                .contains("shed"), "a dump of an agent before shedding: nothing said");
        assertFalse(before.contains("<th>threads shed</th>"));
    }

    @Test
    void emptySectionsSayWhyTheyAreEmpty() throws Exception {
        String html = render(HOSTILE);
        assertTrue(html.contains("No blocked virtual thread was woken") || html.contains("No wake stack was sampled"),
                "sites-wake is empty");
        assertTrue(html.contains("None of the 6 unpinned blocks ended before the dump"));
        assertTrue(html.contains("CPU throttling is not known"));

        String minimal = render(MINIMAL);
        assertTrue(minimal.contains("This dump has no heatmaps"));
        assertTrue(minimal.contains("No virtual thread blocked during the recording"));
        assertTrue(minimal.contains("No virtual thread parked while pinned"));
        assertTrue(minimal.contains("This dump has no sites"));
        assertTrue(minimal.contains("This dump has no leak data"));
        assertTrue(minimal.contains("This dump has no long-slice data"));
        assertTrue(minimal.contains("This dump has no carrier data"));
        assertTrue(minimal.contains("This dump has no context data"));
        assertEquals("0", text(minimal, "count-created"));
        assertEquals(HtmlNumbers.NONE, text(minimal, "lat-wakeToRun-p99"));
    }

    @Test
    void thePageLoadsNothingFromOutside() throws Exception {
        for (String json : new String[]{HOSTILE, MINIMAL}) {
            String html = render(json);
            assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)").matcher(html).find());
            assertFalse(Pattern.compile("(?i)url\\(\\s*[\"']?(https?:|//)").matcher(html).find());
            assertFalse(html.contains("@import"));
            assertFalse(Pattern.compile("(?i)<link\\b").matcher(html).find());
        }
    }

    @Test
    void applicationFramesAreBoldAndTheRestMutedByTheFormatsRule() {
        String stack = Stacks.frames(List.of("java.lang.Thread.sleep(Thread.java:540)",
                "org.junit.platform.Launcher.run(Launcher.java:1)", "dev.loomscope.core.Drain.run(Drain.java:1)",
                "dev.loomscope.examples.Shop.pay(Shop.java:7)", "javafx.Foo.bar(Foo.java:1)")).toString();
        assertTrue(stack.contains("<li class=\"other\">java.lang.Thread.sleep(Thread.java:540)</li>"), stack);
        assertTrue(stack.contains("<li class=\"other\">org.junit.platform.Launcher.run(Launcher.java:1)</li>"),
                "a test runner is not the application: " + stack);
        assertTrue(stack.contains("<li class=\"other\">dev.loomscope.core.Drain.run(Drain.java:1)</li>"), stack);
        assertTrue(stack.contains("<li>dev.loomscope.examples.Shop.pay(Shop.java:7)</li>"), stack);
        assertTrue(stack.contains("<li>javafx.Foo.bar(Foo.java:1)</li>"), stack);
    }

    static String embeddedJson(String html) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"loomscope-data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "data block");
        return m.group(1);
    }

    /** The text of the element with this id (no nested elements). */
    static String text(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
        assertTrue(m.find(), "no element #" + id);
        return m.group(1);
    }
}

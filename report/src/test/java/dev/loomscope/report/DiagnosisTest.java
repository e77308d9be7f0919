package dev.loomscope.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.format.LoomscopeDump;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The diagnosis of hand-made dumps: what each finding says, and which section it points to. */
class DiagnosisTest {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final long MS = 1_000_000;
    /** When the JVM started; the recording starts half a second later and lasts 2 minutes. */
    private static final long JVM_START = 1_700_000_000_000L;

    private static final String EMPTY = """
            {"schema":"loomscope/1","jvm":{"pid":42,"javaVersion":"25","startEpochMs":1700000000000},
             "recording":{"trigger":"exit","attach":"startup","startEpochMs":1700000000500,
                          "dumpEpochMs":1700000120500,"durationNs":120000000000},
             "counts":{"created":3,"blocks":0,"pinnedBlocks":0,"wakes":0,"dropped":0},
             "latencies":{},
             "sites":{"sampleEvery":10,"create":[],"block":[],"wake":[],"pinned":[]},
             "leaks":{"thresholdNs":5000000000,"threads":0,"clusters":[]},
             "longSlices":{"thresholdNs":20000000,"count":0,"longest":[]}}
            """;

    private static final List<String> DEEP_SCORE = List.of(
            "dev.loomscope.examples.payments.FraudCheck.deepScore(FraudCheck.java:60)",
            "dev.loomscope.examples.payments.FraudCheck.score(FraudCheck.java:41)",
            "dev.loomscope.examples.payments.Payments.authorize(Payments.java:135)",
            "java.lang.VirtualThread.run(VirtualThread.java:456)");

    private static ObjectNode dump() throws Exception {
        return (ObjectNode) JSON.readTree(EMPTY);
    }

    private static LoomscopeDump model(ObjectNode dump) {
        return JSON.convertValue(dump, LoomscopeDump.class);
    }

    private static List<Diagnosis.Finding> findings(ObjectNode dump) {
        return Diagnosis.of(model(dump), ApplicationCode.ANY).findings();
    }

    private static Diagnosis.Finding finding(ObjectNode dump, String topic) {
        return findings(dump).stream().filter(f -> f.topic().equals(topic)).findFirst().orElseThrow();
    }

    private static void latency(ObjectNode dump, String name, long count, long p50Ms, long p99Ms, long meanMs) {
        ((ObjectNode) dump.get("latencies")).putObject(name).put("count", count).put("p50", p50Ms * MS)
                .put("mean", meanMs * MS).put("p99", p99Ms * MS).put("max", 2 * p99Ms * MS);
    }

    /** A long slice that began {@code atMs} after the JVM started, in {@code frames} (innermost first). */
    private static void slice(ObjectNode dump, long atMs, long durationMs, List<String> frames) {
        ObjectNode slices = (ObjectNode) dump.get("longSlices");
        slices.put("count", slices.get("count").asLong() + 1);
        ObjectNode slice = ((ArrayNode) slices.get("longest")).addObject().put("threadId", 100 + atMs)
                .put("carrierThreadId", 30).put("startEpochMs", JVM_START + atMs).put("durationNs", durationMs * MS)
                .put("ongoing", false);
        frames.forEach(slice.putArray("frames")::add);
    }

    /** {@code extra} JDK frames inside {@code frames}: a stack walked at another moment of the same hog. */
    private static List<String> inside(List<String> frames, String... extra) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(extra), frames.stream()).toList();
    }

    @Test
    void anEmptyDumpSaysNoneInEveryFinding() throws Exception {
        List<Diagnosis.Finding> findings = findings(dump());
        assertEquals(List.of("wake → run", "latencies", "blocking", "pinning", "leaks", "long slices"),
                findings.stream().map(Diagnosis.Finding::topic).toList());
        assertTrue(findings.stream().noneMatch(Diagnosis.Finding::problem), findings.toString());
        assertEquals("no wake was recorded: no blocked virtual thread was woken", findings.get(0).text());
        assertEquals("none: no virtual thread parked while pinned", findings.get(3).text());
        assertEquals("none: no virtual thread had been blocked for 5 s or more at the dump", findings.get(4).text());
        assertEquals("none: no run slice lasted 20 ms or more", findings.get(5).text());
        assertEquals(Diagnosis.Section.LEAKS, findings.get(4).see().get(0));
    }

    @Test
    void theWakeToRunTailIsChargedToTheLongSlicesOfOneStack() throws Exception {
        ObjectNode d = dump();
        latency(d, "wakeToRun", 2_000, 1, 212, 5);
        for (int i = 0; i < 14; i++) {
            // the same hog, its stack walked at different moments inside the digest
            slice(d, 30_000 + 1_000L * i, 190, i % 2 == 0
                    ? inside(DEEP_SCORE, "sun.security.provider.SHA2.implCompress0(SHA2.java:198)",
                    "java.security.MessageDigest.digest(MessageDigest.java:411)")
                    : inside(DEEP_SCORE, "java.security.MessageDigest.digest(MessageDigest.java:411)"));
        }
        slice(d, 50_000, 60, List.of("app.Report.render(Report.java:9)"));
        Diagnosis diagnosis = Diagnosis.of(model(d), ApplicationCode.ANY);
        assertEquals(2, diagnosis.slices().groups().size(), "one group per stack from the application frame out");
        assertEquals(14, diagnosis.slices().groups().get(0).count());

        Diagnosis.Finding wake = diagnosis.findings().get(0);
        assertEquals("p99 212 ms (p50 1 ms, max 424 ms; 2,000 wakes): carriers were held by run slices in"
                + " FraudCheck.deepScore(FraudCheck.java:60) (14 slices, up to 190 ms, 2.66 s in all)", wake.text());
        assertTrue(wake.problem());
        assertEquals(List.of(Diagnosis.Section.LONG_SLICES, Diagnosis.Section.WAKE_TO_RUN_OVER_TIME), wake.see());
        assertEquals("15 run slices of 20 ms or more; most time in FraudCheck.deepScore(FraudCheck.java:60): 14 of"
                + " the 15 kept, up to 190 ms, 2.66 s in all", finding(d, "long slices").text());
    }

    @Test
    void startUpClassLoadingIsListedApartSoALaterHogShowsFirst() throws Exception {
        ObjectNode d = dump();
        latency(d, "wakeToRun", 5_000, 1, 110, 3);
        for (int i = 0; i < 15; i++) { // 6 s of class loading in the first seconds: more than the hog's 0.5 s
            slice(d, 1_000 + 200L * i, 400, i % 3 == 0
                    ? List.of("java.lang.ClassLoader.defineClass1(Native Method)",
                    "java.lang.ClassLoader.loadClass(ClassLoader.java:526)", "app.Boot.init(Boot.java:3)")
                    : List.of("app.Config.<clinit>(Config.java:12)", "app.Boot.init(Boot.java:4)"));
        }
        for (int i = 0; i < 5; i++) {
            slice(d, 60_000 + 5_000L * i, 100, List.of("app.Hog.spin(Hog.java:7)"));
        }
        SliceGroups slices = Diagnosis.of(model(d), ApplicationCode.ANY).slices();
        assertEquals(1, slices.groups().size(), slices.toString());
        assertEquals("Hog.spin(Hog.java:7)", slices.groups().get(0).name());
        assertEquals(2, slices.startUp().size(), "two start-up stacks: " + slices.startUp());
        assertEquals(15, slices.startUp().stream().mapToLong(SliceGroups.Group::count).sum());

        assertTrue(finding(d, "wake → run").text().endsWith(": carriers were held by run slices in"
                + " Hog.spin(Hog.java:7) (5 slices, up to 100 ms, 500 ms in all)"), finding(d, "wake → run").text());
        assertTrue(finding(d, "long slices").text().endsWith("; 15 start-up slices (class loading in the first 10 s"
                + " of the JVM) listed apart"), finding(d, "long slices").text());
        String html = LongSlicesSection.render(model(d), ApplicationCode.ANY).toString();
        assertTrue(html.indexOf("id=\"long-slice-groups\"") < html.indexOf("id=\"long-slices-startup\""), html);
        assertTrue(html.contains("Start-up: 15 slices in 2 stacks"), html);
        assertTrue(html.contains("app.Config.&lt;clinit&gt;(Config.java:12)"), "frames escaped: " + html);
    }

    @Test
    void aHogInTheFirstSecondsIsNotStartUpNorIsClassLoadingLater() throws Exception {
        ObjectNode d = dump();
        slice(d, 2_000, 100, List.of("app.Hog.spin(Hog.java:7)"));
        slice(d, 45_000, 300, List.of("java.lang.ClassLoader.loadClass(ClassLoader.java:526)",
                "app.Plugins.load(Plugins.java:20)"));
        SliceGroups slices = Diagnosis.of(model(d), ApplicationCode.ANY).slices();
        assertEquals(List.of(), slices.startUp());
        assertEquals(List.of("Plugins.load(Plugins.java:20)", "Hog.spin(Hog.java:7)"),
                slices.groups().stream().map(SliceGroups.Group::name).toList());
    }

    @Test
    void inAMergedDumpStartUpIsCountedFromEachSlicesOwnJvm() throws Exception {
        ObjectNode d = dump();
        List<String> loading = List.of("java.lang.ClassLoader.loadClass(ClassLoader.java:526)",
                "app.Boot.init(Boot.java:3)");
        slice(d, 62_000, 300, loading);
        slice(d, 62_000, 200, loading);
        ArrayNode longest = (ArrayNode) d.at("/longSlices/longest");
        ((ObjectNode) longest.get(0)).put("pid", 1);
        ((ObjectNode) longest.get(1)).put("pid", 2);
        ArrayNode inputs = d.putObject("merged").putArray("inputs");
        inputs.addObject().put("file", "a.json").put("pid", 1).put("jvmStartEpochMs", JVM_START);
        inputs.addObject().put("file", "b.json").put("pid", 2).put("jvmStartEpochMs", JVM_START + 60_000);
        SliceGroups slices = Diagnosis.of(model(d), ApplicationCode.ANY).slices();
        assertEquals(1, slices.groups().size());
        assertEquals(1, slices.groups().get(0).slices().get(0).pid(), "62 s into JVM 1: not start-up");
        assertEquals(2, slices.startUp().get(0).slices().get(0).pid(), "2 s into JVM 2: start-up");
    }

    @Test
    void pinnedParksThatHeldCarriersLongerComeFirst() throws Exception {
        ObjectNode d = dump();
        latency(d, "wakeToRun", 2_000, 1, 150, 5);
        latency(d, "pinnedBlocked", 50, 40, 80, 40); // 2 s held
        ((ObjectNode) d.get("counts")).put("pinnedBlocks", 50).put("blocks", 50);
        ((ArrayNode) d.at("/sites/pinned")).addObject().put("count", 50)
                .set("pinnedBlocked", JSON.createObjectNode().put("count", 50).put("totalNs", 2_000 * MS)
                        .put("p99Ns", 80 * MS));
        ((ObjectNode) d.at("/sites/pinned/0")).putArray("frames")
                .add("java.lang.VirtualThread.parkOnCarrierThread(VirtualThread.java:661)")
                .add("app.Fx.rate(Fx.java:52)").add("app.FxSort.compare(FxSort.java:80)")
                .add("app.FxSort.sort(FxSort.java:60)");
        slice(d, 30_000, 300, List.of("app.Hog.spin(Hog.java:7)"));
        Diagnosis.Finding wake = finding(d, "wake → run");
        assertTrue(wake.text().endsWith(": carriers were held by pinned parks at Fx.rate(Fx.java:52) (50 pinned"
                + " blocks, p99 80 ms); also carriers were held by run slices in Hog.spin(Hog.java:7) (1 slice of"
                + " 300 ms)"), wake.text());
        assertEquals(List.of(Diagnosis.Section.PINNING, Diagnosis.Section.LONG_SLICES,
                Diagnosis.Section.WAKE_TO_RUN_OVER_TIME), wake.see());
        Diagnosis.Finding pinning = finding(d, "pinning");
        assertTrue(pinning.problem());
        assertEquals("50 pinned blocks, carrier held p99 80 ms; most at Fx.rate(Fx.java:52) via"
                + " VirtualThread.parkOnCarrierThread, called from FxSort.compare < FxSort.sort (50 blocks, 2 s in all)",
                pinning.text());
    }

    @Test
    void withoutSlicesOrPinningThrottlingGcAndBusyCarriersAreNamed() throws Exception {
        ObjectNode d = dump();
        latency(d, "wakeToRun", 2_000, 1, 150, 5);
        ObjectNode context = d.putObject("context");
        context.putObject("gc").put("pauses", 12).put("pauseNs", 3_000 * MS);
        context.putObject("cpuThrottling").put("available", true).put("throttledPeriods", 100)
                .put("throttledNs", 10_000 * MS);
        Diagnosis.Finding wake = finding(d, "wake → run");
        assertTrue(wake.text().endsWith(": the JVM's cgroup was CPU-throttled for 10 s (8.3% of the recording, 100"
                + " periods); also GC paused the JVM for 3 s in 12 pauses (2.5% of the recording)"), wake.text());
        assertEquals(Diagnosis.Section.CONTEXT, wake.see().get(0));

        ObjectNode busy = dump();
        latency(busy, "wakeToRun", 2_000, 1, 150, 5);
        busy.putObject("carriers").putArray("perCarrier").addObject().put("column", 1).put("threadId", 30)
                .put("busyNs", 90 * MS).put("idleNs", 10 * MS);
        Diagnosis.Finding saturated = finding(busy, "wake → run");
        assertTrue(saturated.text().endsWith(": the carriers were busy 90.0% of their time, with no long slice:"
                + " more runnable work than carriers"), saturated.text());
        assertEquals(Diagnosis.Section.CARRIERS, saturated.see().get(0));

        ObjectNode calm = dump();
        latency(calm, "wakeToRun", 2_000, 1, 5, 1);
        Diagnosis.Finding nothing = finding(calm, "wake → run");
        assertFalse(nothing.problem());
        assertTrue(nothing.text().endsWith(": no monopolising slice, pinned park, GC pause, CPU throttling or"
                + " saturation of the carriers explains it"), nothing.text());
    }

    @Test
    void aP99OfTooFewWakesIsSaidToBe() throws Exception {
        ObjectNode d = dump();
        latency(d, "wakeToRun", 400, 1, 50, 2);
        assertTrue(finding(d, "wake → run").text().startsWith("p99 50 ms (p50 1 ms, max 100 ms; 400 wakes: too few"
                + " to judge a p99, 1,000 needed)"), finding(d, "wake → run").text());
    }

    private static final String SHOP = """
            "block":[{"count":7,"kinds":{"park":7},"blocked":{"count":7,"totalNs":3000000000,"p99Ns":900000000},
              "frames":["java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)",
                        "java.util.concurrent.locks.ReentrantLock.lock(ReentrantLock.java:323)",
                        "com.example.shop.Orders.place(Orders.java:40)",
                        "com.example.shop.Api.handle(Api.java:12)"]},
             {"count":2,"kinds":{"park":2},"blocked":{"count":2,"totalNs":1000000000,"p99Ns":800000000},
              "frames":["java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)",
                        "java.util.concurrent.locks.ReentrantLock.lock(ReentrantLock.java:323)",
                        "com.example.shop.Orders.place(Orders.java:40)",
                        "com.example.shop.Batch.run(Batch.java:5)"]}]""";
    private static final String OUTBOX = """
            "clusters":[{"threads":120,"oldestBlockedNs":9000000000,"kinds":{"park":120},
              "frames":["java.util.concurrent.locks.LockSupport.park(LockSupport.java:371)",
                        "java.util.concurrent.ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)",
                        "com.example.lib.Outbox.offer(Outbox.java:9)",
                        "com.example.shop.Notify.send(Notify.java:20)"]}]""";

    private static ObjectNode shop() throws Exception {
        ObjectNode d = (ObjectNode) JSON.readTree(EMPTY.replace("\"block\":[]", SHOP).replace("\"clusters\":[]", OUTBOX)
                .replace("\"threads\":0", "\"threads\":120"));
        ((ObjectNode) d.get("counts")).put("blocks", 9);
        return d;
    }

    @Test
    void sitesAreNamedByTheirInnermostApplicationFrameAndWhatItCalled() throws Exception {
        ObjectNode d = shop();
        // The two stacks share their innermost application frame: one line, counts and totals added; without
        // buckets, the p99 is the larger of the two.
        assertEquals("most blocked time at Orders.place(Orders.java:40) via ReentrantLock.lock: 9 sampled blocks"
                + " (park), 4 s in all, p99 900 ms", finding(d, "blocking").text());
        assertEquals("120 threads blocked for 5 s or more at the dump; 120 at Outbox.offer(Outbox.java:9) via"
                + " ArrayBlockingQueue.put, the oldest for 9 s", finding(d, "leaks").text());
        assertTrue(finding(d, "leaks").problem());

        // With the application's own packages, the library's frames are passed over.
        List<Diagnosis.Finding> app = Diagnosis.of(model(d), ApplicationCode.parse("com.example.shop.")).findings();
        assertEquals("120 threads blocked for 5 s or more at the dump; 120 at Notify.send(Notify.java:20) via"
                + " Outbox.offer, the oldest for 9 s", app.get(4).text());
    }

    @Test
    void sitePercentilesComeFromTheirBucketsWhenTheyHaveThem() throws Exception {
        ObjectNode d = shop();
        ArrayNode block = (ArrayNode) d.at("/sites/block");
        // 7 blocks of bucket 100 (~40 ms) and 2 of bucket 110 (~80 ms): pooled, the p99 is in bucket 110 (rank 9)
        ((ObjectNode) block.get(0).get("blocked")).set("buckets", JSON.readTree("[[100,7]]"));
        ((ObjectNode) block.get(1).get("blocked")).set("buckets", JSON.readTree("[[110,2]]"));
        Diagnosis.SiteGroup group = Diagnosis.of(model(d), ApplicationCode.ANY).blockSites().get(0);
        assertEquals((long) Math.ceil(dev.loomscope.format.LatencyBuckets.upperBoundNanos(110)),
                group.charges().p99Ns());
    }

    @Test
    void blocksStillGoingOnAtTheDumpAreSaidToBe() throws Exception {
        ObjectNode d = (ObjectNode) JSON.readTree(EMPTY.replace("\"block\":[]", """
                "block":[{"count":5,"kinds":{"park":5},"blocked":{"count":2,"totalNs":2000000,"p99Ns":1000000},
                  "frames":["java.util.concurrent.ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)",
                            "com.example.Outbox.offer(Outbox.java:9)"]}]"""));
        ((ObjectNode) d.get("counts")).put("blocks", 5);
        assertEquals("most blocked time at Outbox.offer(Outbox.java:9) via ArrayBlockingQueue.put: 5 sampled blocks"
                + " (park), 3 still blocked at the dump, 2 ms in all, p99 1 ms", finding(d, "blocking").text());
    }

    @Test
    void wakesFromTheJdkAreOneRowThatSaysSo() throws Exception {
        ObjectNode d = (ObjectNode) JSON.readTree(EMPTY.replace("\"wake\":[]", """
                "wake":[{"count":200,"wakeToRun":{"count":200,"totalNs":3000000000,"p99Ns":90000000},
                  "frames":["java.util.concurrent.locks.LockSupport.unpark(LockSupport.java:181)",
                            "jdk.internal.net.http.HttpClientImpl$SelectorManager.run(HttpClientImpl.java:1400)"]},
                 {"count":50,"wakeToRun":{"count":50,"totalNs":500000000,"p99Ns":60000000},
                  "frames":["java.lang.VirtualThread.unpark(VirtualThread.java:900)",
                            "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue.take(X.java:1)",
                            "java.lang.Thread.run(Thread.java:1474)"]},
                 {"count":80,"wakeToRun":{"count":80,"totalNs":1000000000,"p99Ns":20000000},
                  "frames":["java.util.concurrent.locks.LockSupport.unpark(LockSupport.java:181)",
                            "com.example.Outbox.deliver(Outbox.java:30)"]}]"""));
        ((ObjectNode) d.get("counts")).put("wakes", 330);
        String html = SitesSection.render(model(d)).toString();
        String wakes = html.substring(html.indexOf("id=\"sites-wake\""));
        assertTrue(wakes.contains("the JDK (timers, I/O poller): JDK frames only, in these 2 stacks"), wakes);
        assertEquals(2, wakes.split("<tr><td class=\"rank\">", -1).length - 1, "one row for the JDK: " + wakes);
        assertTrue(wakes.indexOf("3.5 s") < wakes.indexOf("Outbox.deliver"), "the JDK's 3.5 s first: " + wakes);

        String text = DiagnoseCommand.text(model(d), "dump.json", ApplicationCode.ANY);
        assertTrue(text.contains("  1. the JDK (timers, I/O poller)  250 wakes  wake → run total 3.5 s  p99 90 ms"),
                text);
        assertTrue(text.contains("  2. Outbox.deliver(Outbox.java:30)  80 wakes  wake → run total 1 s"), text);
    }

    @Test
    void theDiagnosisIsAtTheTopOfThePageWithLinksToItsSections() throws Exception {
        ObjectNode d = dump();
        latency(d, "wakeToRun", 2_000, 1, 212, 5);
        slice(d, 30_000, 190, List.of("app.Init.<clinit>(Init.java:7)"));
        String html = DiagnosisSection.render(model(d), ApplicationCode.ANY).toString();
        assertTrue(html.startsWith("<ul class=\"findings\">"), html);
        assertTrue(html.contains("<li class=\"problem\"><span class=\"topic\">wake → run</span>"), html);
        assertTrue(html.contains("run slices in Init.&lt;clinit&gt;(Init.java:7)"), "escaped: " + html);
        assertTrue(html.contains("<a href=\"#long-slices\">→&nbsp;Monopolising slices</a>"), html);
        assertTrue(html.contains("<a href=\"#heatmap-latency-wakeToRun\">"), html);
        assertTrue(html.contains("<li class=\"fine\"><span class=\"topic\">pinning</span>"), html);
    }

    @Test
    void theTextSaysUnderItsFirstLineThatTheRecorderShedThreads() throws Exception {
        ObjectNode d = shop();
        d.putObject("recorder").put("events", 9).put("trackedThreads", 0).put("drainCpuNs", 0)
                .putObject("shedding").put("levelNow", 0).put("maxLevel", 25)
                .put("episodes", 1).put("shedNs", 1_200_000_000L).put("historiesForgotten", 9)
                .put("creationsCounted", 4).put("columns", "shed").set("windows", TestDumps.rows(TestDumps.row(
                        1_700_000_002_000L, 1000, 0, 25, 1_000_000)));
        String text = DiagnoseCommand.text(model(d), "dump.json", ApplicationCode.ANY);
        assertTrue(text.contains("records dropped\n  threads shed for 1.2 s in 1 episode, down to none followed:"
                + " creations, ends and live threads are exact;"), text);
        assertFalse(DiagnoseCommand.text(model(shop()), "dump.json", ApplicationCode.ANY).contains("shed"));
    }

    @Test
    void theTextNamesEverySectionAndGroupsTheSlices() throws Exception {
        ObjectNode d = shop();
        latency(d, "wakeToRun", 2_000, 1, 212, 5);
        for (int i = 0; i < 3; i++) {
            slice(d, 30_000 + 1_000L * i, 190 - i, DEEP_SCORE);
        }
        String text = DiagnoseCommand.text(model(d), "dump.json", ApplicationCode.ANY);
        assertTrue(text.startsWith("Loomscope diagnosis of dump.json\n  exit dump after 2 min of Java 25 (pid 42): 3"
                + " virtual threads created, 9 blocks (0 pinned), 0 records dropped\n"), text);
        assertTrue(text.contains("\n  ! wake → run   p99 212 ms"), text);
        assertTrue(text.contains("  → Monopolising slices\n"), text);
        assertTrue(text.contains("  1. Orders.place(Orders.java:40)  park  9 blocks  total 4 s  p99 900 ms"
                + "  via ReentrantLock.lock\n"), text);
        assertTrue(text.contains("  1. 120 threads at Outbox.offer(Outbox.java:9)  park 120  oldest blocked 9 s"
                + "  via ArrayBlockingQueue.put\n"), text);
        assertTrue(text.contains("  1. FraudCheck.deepScore(FraudCheck.java:60)  3 slices  total 567 ms  longest"
                + " 190 ms  first at "), text);
        assertTrue(text.contains("Pinned (a virtual thread parked while it could not leave its carrier)\n  none\n"),
                text);
    }

    @Test
    void aStackWithoutAnApplicationFrameIsNamedByItsFirstFrameOutsideTheJdk() throws Exception {
        ObjectNode d = (ObjectNode) JSON.readTree(EMPTY.replace("\"block\":[]", """
                "block":[{"count":3,"kinds":{"sleep":3},"blocked":{"count":3,"totalNs":30000000,"p99Ns":10000000},
                  "frames":["java.lang.Thread.sleep(Thread.java:509)",
                            "org.junit.jupiter.engine.Invoker.invoke(Invoker.java:60)"]},
                 {"count":1,"kinds":{"park":1},"blocked":{"count":1,"totalNs":1000000,"p99Ns":1000000},
                  "frames":["java.util.concurrent.locks.LockSupport.park(LockSupport.java:221)",
                            "java.lang.Thread.run(Thread.java:1474)"]}]"""));
        List<Diagnosis.SiteGroup> sites = Diagnosis.of(model(d), ApplicationCode.ANY).blockSites();
        assertEquals("Invoker.invoke(Invoker.java:60) [no application frame]", sites.get(0).name());
        assertEquals("the JDK (no application frame)", sites.get(1).name());
    }

    @Test
    void shortFrames() {
        assertEquals("ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)",
                ApplicationCode.shortFrame("java.util.concurrent.ArrayBlockingQueue.put(ArrayBlockingQueue.java:371)"));
        assertEquals("AbstractQueuedSynchronizer$ConditionNode.block", ApplicationCode.shortMethod(
                "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionNode.block(AQS.java:520)"));
        assertEquals("Main.main", ApplicationCode.shortMethod("Main.main(Main.java:1)"));
    }
}

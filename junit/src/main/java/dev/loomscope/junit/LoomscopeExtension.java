package dev.loomscope.junit;

import dev.loomscope.format.ApplicationFrames;
import dev.loomscope.format.DurationText;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.SampleRule;
import dev.loomscope.format.Sites;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a test against its {@link LoomscopeBudget}: snapshots the in-process recording right before and right after
 * the test method (its {@code @BeforeEach} and {@code @AfterEach} are outside), and fails the test with every limit
 * its own share exceeded, each with the application's code that caused it: the worst site the agent sampled, named by
 * its first {@link ApplicationFrames application frame}, and the long run slices that held carriers meanwhile. A
 * percentile limit with too few samples to judge (docs/junit.md) is not judged, and the test says so.
 */
public final class LoomscopeExtension implements BeforeTestExecutionCallback, AfterTestExecutionCallback {
    static final String NOT_ATTACHED = "@LoomscopeBudget needs the Loomscope agent in the test JVM: add"
            + " -javaagent:/path/to/loomscope-agent.jar (e.g. sampleEvery=1) to the surefire/failsafe argLine"
            + " (see docs/junit.md)";
    /** The key of the JUnit report entries saying what was not judged. */
    static final String REPORT_KEY = "loomscope";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LoomscopeExtension.class);
    /** Groups of long slices named in a failure, the most carrier time first. */
    private static final int SLICE_GROUPS = 3;
    /** Application frames that called a site's first one, named after it. */
    private static final int CALLERS = 2;

    private final AgentConnection agent;

    public LoomscopeExtension() {
        this(AgentConnection.IN_PROCESS);
    }

    LoomscopeExtension(AgentConnection agent) {
        this.agent = agent;
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) throws Exception {
        if (budget(context).isEmpty()) {
            return;
        }
        // Kept as JSON and read after the test: nothing but the snapshot itself lies between it and the test.
        context.getStore(NAMESPACE).put("before", snapshot());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) throws Exception {
        Optional<LoomscopeBudget> budget = budget(context);
        byte[] before = context.getStore(NAMESPACE).remove("before", byte[].class);
        if (budget.isEmpty() || before == null || context.getExecutionException().isPresent()) {
            return; // no budget, or the test already failed on its own: its failure is the one to show
        }
        Verdict verdict = judge(budget.get(), Recording.parse(before, agent.source()),
                Recording.parse(snapshot(), agent.source()));
        for (String note : verdict.notJudged()) {
            context.publishReportEntry(REPORT_KEY, note);
            System.err.println("Loomscope: " + context.getDisplayName() + ": " + note);
        }
        if (!verdict.violations().isEmpty()) {
            throw new AssertionError("Loomscope budget exceeded in " + context.getDisplayName() + ": "
                    + String.join("; ", verdict.violations()));
        }
    }

    private byte[] snapshot() throws Exception {
        byte[] json = agent.snapshot();
        if (json == null) {
            throw new AssertionError(NOT_ATTACHED);
        }
        return json;
    }

    /**
     * @param violations each limit exceeded, with its culprits
     * @param notJudged  each percentile limit left unjudged for too few samples, and why
     */
    record Verdict(List<String> violations, List<String> notJudged) {
    }

    static Verdict judge(LoomscopeBudget budget, Recording before, Recording after) {
        Verdict verdict = new Verdict(new ArrayList<>(), new ArrayList<>());
        checkLatency(verdict, budget, before, after, "wakeToRun", "99", budget.wakeToRunP99(), SiteKind.WAKE);
        checkLatency(verdict, budget, before, after, "wakeToRun", "99.9", budget.wakeToRunP999(), SiteKind.WAKE);
        checkLatency(verdict, budget, before, after, "startDelay", "99", budget.startDelayP99(), null);
        checkLatency(verdict, budget, before, after, "runSlice", "99", budget.runSliceP99(), null);
        if (budget.pinnedBlocks() >= 0) {
            long pinned = after.countSince(before, dump -> dump.counts().pinnedBlocks());
            if (pinned > budget.pinnedBlocks()) {
                verdict.violations().add("pinnedBlocks " + pinned + " > " + budget.pinnedBlocks()
                        + worstSite(after.sitesSince(before, Sites::pinned), SiteKind.PINNED));
            }
        }
        return verdict;
    }

    /**
     * @param percentile as written in the metric's name after the {@code p}, exactly ({@code 99.9})
     * @param sites      the kind of site to name when over the budget, or null for none
     */
    private static void checkLatency(Verdict verdict, LoomscopeBudget budget, Recording before, Recording after,
                                     String metric, String percentile, String limitText, SiteKind sites) {
        if (limitText.isEmpty()) {
            return;
        }
        long limit = parseDuration(limitText);
        Histogram delta = after.latencySince(before, metric);
        long count = delta.getTotalCount();
        if (count == 0) {
            return; // nothing of that kind happened in this test: nothing exceeded
        }
        String name = metric + " p" + percentile;
        long needed = budget.minSamples() >= 0 ? budget.minSamples()
                : SampleRule.minimumCount(new BigDecimal(percentile), SampleRule.DEFAULT_TAIL);
        if (count < needed) {
            verdict.notJudged().add(name + " not judged: " + count + " samples in this test, fewer than "
                    + (budget.minSamples() >= 0 ? "minSamples = " + needed
                    : "the " + needed + " a p" + percentile + " needs (" + SampleRule.DEFAULT_TAIL + " beyond it);"
                    + " @LoomscopeBudget(minSamples = ...) judges it on fewer"));
            return;
        }
        long value = delta.getValueAtPercentile(Double.parseDouble(percentile));
        if (value > limit) {
            verdict.violations().add(name + " " + format(value) + " > " + limitText + " (" + count + " samples)"
                    + (sites == null ? "" : worstSite(after.sitesSince(before, sites.list), sites))
                    + carrierHolders(after.longSlicesSince(before), after.longSliceThresholdNanos()));
        }
    }

    /** What {@link #worstSite} says of a list of sites. */
    private enum SiteKind {
        WAKE(Sites::wake, "worst wake site:", "wake", "in the JDK (timers, I/O poller), no application frame"),
        PINNED(Sites::pinned, "pinned at", "pinned block", "JDK code, no application frame");

        final Function<Sites, List<? extends Sites.Site>> list;
        final String label;
        final String event;
        /** Where the events came from when the site has no application frame. */
        final String fromTheJdk;

        SiteKind(Function<Sites, List<? extends Sites.Site>> list, String label, String event, String fromTheJdk) {
            this.list = list;
            this.label = label;
            this.event = event;
            this.fromTheJdk = fromTheJdk;
        }
    }

    /** The site the test charged most latency to, by its application frames, with its p99 during the test. */
    private static String worstSite(List<Recording.SiteGrowth> sites, SiteKind kind) {
        if (sites.isEmpty()) {
            return "; no sampled site (raise the agent's sampleEvery to 1 in tests)";
        }
        Recording.SiteGrowth worst = sites.get(0);
        Sites.Charges inTest = worst.charges();
        return "; " + kind.label + " " + where(worst.frames(), kind.fromTheJdk)
                + (inTest == null || inTest.count() == 0 ? ""
                : " (p99 " + format(inTest.p99Ns()) + " over " + count(inTest.count(), "sampled " + kind.event)
                + " in this test)");
    }

    /**
     * The long run slices that held carriers during the test, grouped by where they ran (their first application
     * frame): virtual threads are never preempted, so every thread queued behind one waited.
     */
    private static String carrierHolders(List<LongSlices.LongSlice> slices, long thresholdNanos) {
        if (slices.isEmpty()) {
            return "; no run slice of " + format(thresholdNanos) + " or more (the agent's longSlice) in this test";
        }
        // Grouped by method, not line: a slice's stack is walked once, anywhere in a loop.
        Map<String, SliceGroup> byMethod = new LinkedHashMap<>();
        for (LongSlices.LongSlice slice : slices) {
            String where = slice.frames() == null ? "a stack not walked" : where(slice.frames(), "JDK code");
            byMethod.computeIfAbsent(where.replaceAll("\\([^()]*\\)", "()"), m -> new SliceGroup(where)).add(slice);
        }
        List<SliceGroup> groups = new ArrayList<>(byMethod.values());
        groups.sort((a, b) -> Long.compare(b.totalNanos, a.totalNanos));
        List<String> named = new ArrayList<>();
        for (SliceGroup group : groups.subList(0, Math.min(SLICE_GROUPS, groups.size()))) {
            named.add(format(group.totalNanos) + " in " + group.where + " (" + count(group.slices, "slice") + ")");
        }
        int more = groups.size() - named.size();
        return "; carriers were held by: " + String.join(", ", named)
                + (more > 0 ? " and " + count(more, "more place") : "");
    }

    /** Long slices that ran in one method, named by the first one's frames. */
    private static final class SliceGroup {
        final String where;
        long totalNanos;
        long slices;

        SliceGroup(String where) {
            this.where = where;
        }

        void add(LongSlices.LongSlice slice) {
            totalNanos += slice.durationNs();
            slices++;
        }
    }

    /** {@code 1 slice}, {@code 2 slices}. */
    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * A stack as its first application frame and the application frames that called it; {@code fromTheJdk} when it
     * has none.
     */
    private static String where(List<String> frames, String fromTheJdk) {
        String headline = ApplicationFrames.headline(frames, CALLERS);
        if (headline != null) {
            return headline;
        }
        if (frames.size() == 1 && frames.get(0).startsWith("(")) {
            return frames.get(0); // the overflow site: not a stack
        }
        return fromTheJdk;
    }

    private static Optional<LoomscopeBudget> budget(ExtensionContext context) {
        Optional<LoomscopeBudget> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, LoomscopeBudget.class));
        return onMethod.isPresent() ? onMethod
                : context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, LoomscopeBudget.class));
    }

    /** {@code 250us}, {@code 1.5ms}, {@code 1s}: the duration grammar of the agent's options ({@link DurationText}). */
    static long parseDuration(String text) {
        try {
            return DurationText.parseNanos(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("@LoomscopeBudget: " + e.getMessage());
        }
    }

    static String format(long nanos) {
        if (nanos >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
        } else if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
        } else if (nanos >= 1_000L) {
            return String.format(Locale.ROOT, "%.1fus", nanos / 1e3);
        }
        return nanos + "ns";
    }
}

package dev.loomscope.junit;

import dev.loomscope.format.Sites;
import org.HdrHistogram.Histogram;
import dev.loomscope.format.DurationText;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a test against its {@link LoomscopeBudget}: snapshots the in-process recording before and after the test,
 * and fails the test with every limit it exceeded, each with the worst site the agent sampled.
 */
public final class LoomscopeExtension implements BeforeEachCallback, AfterEachCallback {
    static final String NOT_ATTACHED = "@LoomscopeBudget needs the Loomscope agent in the test JVM: add"
            + " -javaagent:/path/to/loomscope-agent.jar (e.g. sampleEvery=1) to the surefire/failsafe argLine"
            + " (see docs/junit.md)";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LoomscopeExtension.class);

    private final AgentConnection agent;

    public LoomscopeExtension() {
        this(AgentConnection.IN_PROCESS);
    }

    LoomscopeExtension(AgentConnection agent) {
        this.agent = agent;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (budget(context).isEmpty()) {
            return;
        }
        byte[] json = agent.snapshot();
        if (json == null) {
            throw new AssertionError(NOT_ATTACHED);
        }
        context.getStore(NAMESPACE).put("before", Recording.parse(json));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Optional<LoomscopeBudget> budget = budget(context);
        Recording before = context.getStore(NAMESPACE).remove("before", Recording.class);
        if (budget.isEmpty() || before == null || context.getExecutionException().isPresent()) {
            return; // no budget, or the test already failed on its own: its failure is the one to show
        }
        byte[] json = agent.snapshot();
        if (json == null) {
            throw new AssertionError(NOT_ATTACHED);
        }
        List<String> violations = violations(budget.get(), before, Recording.parse(json));
        if (!violations.isEmpty()) {
            throw new AssertionError("Loomscope budget exceeded in " + context.getDisplayName() + ": "
                    + String.join("; ", violations));
        }
    }

    static List<String> violations(LoomscopeBudget budget, Recording before, Recording after) throws Exception {
        List<String> violations = new ArrayList<>();
        checkLatency(violations, before, after, "wakeToRun", 99, budget.wakeToRunP99(), Sites::wake);
        checkLatency(violations, before, after, "wakeToRun", 99.9, budget.wakeToRunP999(), Sites::wake);
        checkLatency(violations, before, after, "startDelay", 99, budget.startDelayP99(), null);
        checkLatency(violations, before, after, "runSlice", 99, budget.runSliceP99(), null);
        if (budget.pinnedBlocks() >= 0) {
            long pinned = after.countSince(before, dump -> dump.counts().pinnedBlocks());
            if (pinned > budget.pinnedBlocks()) {
                violations.add("pinnedBlocks " + pinned + " > " + budget.pinnedBlocks()
                        + worstSite(after.sitesSince(before, Sites::pinned), "pinned at"));
            }
        }
        return violations;
    }

    /** @param sites the sites to name when over the budget, or null */
    private static void checkLatency(List<String> violations, Recording before, Recording after, String metric,
                                     double percentile, String limitText,
                                     Function<Sites, List<? extends Sites.Site>> sites) {
        if (limitText.isEmpty()) {
            return;
        }
        long limit = parseDuration(limitText);
        Histogram delta = after.latencySince(before, metric);
        if (delta.getTotalCount() == 0) {
            return; // nothing of that kind happened in this test: nothing exceeded
        }
        long value = delta.getValueAtPercentile(percentile);
        if (value > limit) {
            String name = metric + " p" + (percentile == 99 ? "99" : "99.9");
            violations.add(name + " " + format(value) + " > " + limitText + " (" + delta.getTotalCount() + " samples)"
                    + (sites == null ? "" : worstSite(after.sitesSince(before, sites), "worst wake site")));
        }
    }

    private static String worstSite(List<Recording.SiteGrowth> sites, String label) {
        if (sites.isEmpty()) {
            return "; no sampled site (raise the agent's sampleEvery to 1 in tests)";
        }
        Recording.SiteGrowth worst = sites.get(0);
        return "; " + label + " " + worst.headline()
                + (worst.p99Nanos() > 0 ? " (p99 " + format(worst.p99Nanos()) + ")" : "");
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

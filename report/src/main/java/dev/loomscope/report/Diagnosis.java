package dev.loomscope.report;

import dev.loomscope.format.Carriers;
import dev.loomscope.format.Context;
import dev.loomscope.format.Counts;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.Leaks;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Operations;
import dev.loomscope.format.Recording;
import dev.loomscope.format.Sites;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What stands out in a dump, each finding one line with its numbers and the section of the report that shows it: the
 * answer to "why is my p99 bad?" first. The one home of the findings: the HTML report shows them at the top
 * ({@link DiagnosisSection}), {@code diagnose} prints them with the lists they come from ({@link DiagnoseCommand}).
 * <p>
 * <b>The wake-to-run tail.</b> A woken virtual thread waits for a carrier; a carrier is taken by a run slice that does
 * not yield (virtual threads are never preempted) or by a pinned park, or the JVM itself is stopped (GC) or starved
 * (CPU throttling), or there is simply more work than carriers. The headline finding names, from what the dump has,
 * the causes in that order of evidence: the long slices or pinned parks that held carriers longest (most time
 * first), else throttling or GC pauses that took at least {@value #NOTABLE_PERCENT} % of the recording, else carriers
 * busy at least {@value #SATURATED_PERCENT} % of their time; at most two, or says that none of them explains it.
 */
final class Diagnosis {
    /** Share of the recording that GC pauses or throttling must take to be named as a cause. */
    static final int NOTABLE_PERCENT = 1;
    /** Share of their time carriers must be busy to be called saturated. */
    static final int SATURATED_PERCENT = 80;
    private static final Percentile P99 = Percentile.parse("p99");

    /** A section of the report a finding refers to: its anchor and its heading. */
    enum Section {
        SUMMARY("summary", "Headline numbers"),
        OPERATIONS("operations", "By operation"),
        WAKE_TO_RUN_OVER_TIME("heatmap-latency-wakeToRun", "Latency over time"),
        BLOCK_SITES("sites-block", "Top sites"),
        PINNING("pinning", "Pinning"),
        LEAKS("leaks", "Leak clusters"),
        LONG_SLICES("long-slices", "Monopolising slices"),
        CARRIERS("carriers", "Carriers"),
        CONTEXT("context", "GC and CPU throttling");

        final String anchor;
        final String title;

        Section(String anchor, String title) {
            this.anchor = anchor;
            this.title = title;
        }
    }

    /**
     * One line of the diagnosis.
     *
     * @param topic   what it is about, {@code wake → run}
     * @param text    what and where, with numbers
     * @param problem whether it deserves a look (the report marks it)
     * @param see     the sections that show it, most relevant first
     */
    record Finding(String topic, String text, boolean problem, List<Section> see) {
    }

    /**
     * Sites of one kind that share their innermost application frame, the call they made there and their kinds: one
     * line of the diagnosis, however many stacks lead there.
     *
     * @param where   the application frame; {@code null} for stacks without one
     * @param jdk     stacks of the JDK's frames only ({@link SitesSection#fromJdk}), all in this one group
     * @param frames  the stack of the site with the most time
     * @param kinds   block kinds, {@code park+sleep}; empty for pinned sites
     * @param count   sampled events
     * @param charges the finished ones, added ({@link MergeRules#charges})
     */
    record SiteGroup(ApplicationCode.Where where, boolean jdk, List<String> frames, String kinds, long count,
                     Sites.Charges charges) {
        String name() {
            if (where != null) {
                return where.name();
            }
            return jdk ? "the JDK (no application frame)"
                    : ApplicationCode.withoutApplicationFrame(frames, "(stack not sampled)");
        }

        long totalNs() {
            return charges == null ? 0 : charges.totalNs();
        }

        /** Events not yet finished at the dump: counted, but their time is not in the total. */
        long unfinished() {
            return count - (charges == null ? 0 : charges.count());
        }
    }

    private final LoomscopeDump dump;
    private final ApplicationCode code;
    private final List<SiteGroup> blockSites;
    private final List<SiteGroup> pinnedSites;
    private final SliceGroups slices;
    private final List<Finding> findings = new ArrayList<>();

    private Diagnosis(LoomscopeDump dump, ApplicationCode code) {
        this.dump = dump;
        this.code = code;
        Sites sites = dump.sites();
        this.blockSites = group(sites == null ? null : sites.block(), code);
        this.pinnedSites = group(sites == null ? null : sites.pinned(), code);
        this.slices = SliceGroups.of(dump, code);
        findings.add(wakeToRun());
        Finding operations = operations();
        if (operations != null) {
            findings.add(operations);
        }
        findings.add(otherLatencies());
        findings.add(blocking());
        findings.add(pinning());
        findings.add(leaks());
        findings.add(longSlices());
    }

    static Diagnosis of(LoomscopeDump dump, ApplicationCode code) {
        return new Diagnosis(dump, code);
    }

    /** The findings, the wake-to-run tail and its cause first. */
    List<Finding> findings() {
        return findings;
    }

    /** Block sites grouped by application frame, most blocked time first. */
    List<SiteGroup> blockSites() {
        return blockSites;
    }

    /** Pinned sites grouped by application frame, most pinned time first. */
    List<SiteGroup> pinnedSites() {
        return pinnedSites;
    }

    SliceGroups slices() {
        return slices;
    }

    ApplicationCode code() {
        return code;
    }

    // ---- the findings ---------------------------------------------------------------------------------------------

    private Finding wakeToRun() {
        LatencySummary wakes = summary(Metrics.WAKE_TO_RUN);
        if (wakes == null || wakes.count() == 0) {
            return new Finding("wake → run", "no wake was recorded: no blocked virtual thread was woken", false,
                    List.of(Section.SUMMARY));
        }
        String head = "p99 " + duration(wakes.p99()) + " (p50 " + duration(wakes.p50()) + ", max "
                + duration(wakes.max()) + "; " + count(wakes.count()) + " wakes"
                + (SampleRule.enough(wakes.count(), P99, SampleRule.DEFAULT_TAIL) ? ")"
                : ": too few to judge a p99, " + count(SampleRule.minimumCount(P99, SampleRule.DEFAULT_TAIL))
                + " needed)");
        List<Cause> causes = causes();
        if (causes.isEmpty()) {
            return new Finding("wake → run", head + ": no monopolising slice, pinned park, GC pause, CPU throttling"
                    + " or saturation of the carriers explains it", false,
                    List.of(Section.WAKE_TO_RUN_OVER_TIME, Section.SUMMARY));
        }
        List<String> clauses = new ArrayList<>();
        List<Section> see = new ArrayList<>();
        for (Cause cause : causes.subList(0, Math.min(2, causes.size()))) {
            clauses.add(cause.clause);
            see.add(cause.section);
        }
        see.add(Section.WAKE_TO_RUN_OVER_TIME);
        return new Finding("wake → run", head + ": " + String.join("; also ", clauses), true, List.copyOf(see));
    }

    /**
     * Which of the application's operations ({@code Loomscope.operation}) waits longest for a carrier: the worst
     * wake-to-run p99 of those with enough wakes to judge one, with the trace id of its worst wait, and the best for
     * comparison. A problem when the worst is at least twice the best and a millisecond or more. None for a dump
     * without operations.
     */
    private Finding operations() {
        Operations operations = dump.operations();
        if (operations == null || operations.perOperation().isEmpty()) {
            return null;
        }
        long needed = SampleRule.minimumCount(P99, SampleRule.DEFAULT_TAIL);
        List<Operations.Operation> judged = OperationsSection.byWorstWakeToRun(operations).stream()
                .filter(o -> o.latencies().wakeToRun() != null && o.latencies().wakeToRun().count() >= needed)
                .toList();
        if (judged.isEmpty()) {
            return new Finding("operations", count(operations.perOperation().size()) + " operations, none with enough"
                    + " wakes to judge a p99 (" + count(needed) + " needed)", false, List.of(Section.OPERATIONS));
        }
        Operations.Operation worst = judged.get(0);
        LatencySummary worstWakes = worst.latencies().wakeToRun();
        String text = worst.name() + " waits longest for a carrier: wake-to-run p99 " + duration(worstWakes.p99())
                + " over " + count(worstWakes.count()) + " wakes";
        List<Operations.Exemplar> exemplars = worst.exemplars().wakeToRun();
        if (!exemplars.isEmpty() && exemplars.get(0).traceId() != null) {
            text += " (worst " + duration(exemplars.get(0).durationNs()) + ", trace " + exemplars.get(0).traceId()
                    + ")";
        }
        boolean problem = false;
        if (judged.size() > 1) {
            Operations.Operation best = judged.get(judged.size() - 1);
            long bestP99 = best.latencies().wakeToRun().p99();
            text += "; " + best.name() + " " + duration(bestP99);
            problem = worstWakes.p99() >= 2 * bestP99 && worstWakes.p99() >= 1_000_000;
        }
        return new Finding("operations", text, problem, List.of(Section.OPERATIONS));
    }

    /** A cause of the wake-to-run tail. @param heldNs carrier time it took, to order causes */
    private record Cause(String clause, Section section, long heldNs) {
    }

    private List<Cause> causes() {
        List<Cause> held = new ArrayList<>();
        if (!slices.groups().isEmpty()) {
            SliceGroups.Group top = slices.groups().get(0);
            held.add(new Cause("carriers were held by run slices " + (top.frames() == null
                    ? "whose stacks were not walked" : "in " + top.name()) + " (" + count(top.count())
                    + (top.count() == 1 ? " slice of " : " slices, up to ") + duration(top.longestNs())
                    + (top.count() == 1 ? "" : ", " + duration(top.totalNs()) + " in all") + ")",
                    Section.LONG_SLICES, top.totalNs()));
        }
        LatencySummary pinned = summary(Metrics.PINNED_BLOCKED);
        if (pinned != null && pinned.count() > 0) {
            String where = pinnedSites.isEmpty() ? "" : " at " + pinnedSites.get(0).name();
            held.add(new Cause("carriers were held by pinned parks" + where + " (" + count(pinned.count())
                    + " pinned blocks, p99 " + duration(pinned.p99()) + ")", Section.PINNING,
                    pinned.mean() * pinned.count()));
        }
        held.sort(Comparator.comparingLong(Cause::heldNs).reversed());
        List<Cause> causes = new ArrayList<>(held);
        long recording = dump.recording() == null ? 0 : dump.recording().durationNs();
        Context context = dump.context();
        if (context != null && recording > 0) {
            Context.CpuThrottling throttling = context.cpuThrottling();
            if (throttling != null && notable(throttling.throttledNs(), recording)) {
                causes.add(new Cause("the JVM's cgroup was CPU-throttled for " + duration(throttling.throttledNs())
                        + " (" + percent(throttling.throttledNs(), recording) + " of the recording, "
                        + count(throttling.throttledPeriods()) + " periods)", Section.CONTEXT,
                        throttling.throttledNs()));
            }
            Context.Gc gc = context.gc();
            if (gc != null && notable(gc.pauseNs(), recording)) {
                causes.add(new Cause("GC paused the JVM for " + duration(gc.pauseNs()) + " in "
                        + count(gc.pauses()) + " pauses (" + percent(gc.pauseNs(), recording)
                        + " of the recording)", Section.CONTEXT, gc.pauseNs()));
            }
        }
        Carriers carriers = dump.carriers();
        if (held.isEmpty() && carriers != null && carriers.perCarrier() != null) {
            long busy = carriers.perCarrier().stream().mapToLong(Carriers.Carrier::busyNs).sum();
            long idle = carriers.perCarrier().stream().mapToLong(Carriers.Carrier::idleNs).sum();
            if (busy + idle > 0 && busy * 100 >= SATURATED_PERCENT * (busy + idle)) {
                causes.add(new Cause("the carriers were busy " + percent(busy, busy + idle) + " of their time, with"
                        + " no long slice: more runnable work than carriers", Section.CARRIERS, busy));
            }
        }
        return causes;
    }

    private static boolean notable(long nanos, long recordingNanos) {
        return nanos * 100 >= NOTABLE_PERCENT * recordingNanos;
    }

    private Finding otherLatencies() {
        List<String> parts = new ArrayList<>();
        for (Metrics.Latency latency : List.of(Metrics.BLOCKED, Metrics.START_DELAY, Metrics.RUN_SLICE)) {
            LatencySummary s = summary(latency);
            if (s != null && s.count() > 0) {
                parts.add(latency.title().toLowerCase(java.util.Locale.ROOT) + " p99 " + duration(s.p99()));
            }
        }
        return new Finding("latencies", parts.isEmpty() ? "nothing else was measured" : String.join(", ", parts),
                false, List.of(Section.SUMMARY));
    }

    private Finding blocking() {
        Counts counts = dump.counts();
        long unpinned = counts.blocks() - counts.pinnedBlocks();
        if (unpinned <= 0) {
            return new Finding("blocking", "no virtual thread blocked (unpinned)", false,
                    List.of(Section.BLOCK_SITES));
        }
        if (blockSites.isEmpty()) {
            return new Finding("blocking", count(unpinned) + " blocks, none with a sampled stack"
                    + (dump.sites() == null ? "" : " (sampleEvery=" + dump.sites().sampleEvery() + ")"), false,
                    List.of(Section.BLOCK_SITES));
        }
        SiteGroup top = blockSites.get(0);
        return new Finding("blocking", "most blocked time at " + top.name() + via(top) + ": "
                + count(top.count()) + " sampled " + (top.count() == 1 ? "block" : "blocks") + " (" + top.kinds()
                + ")" + stillGoing(top, "blocked") + ", " + duration(top.totalNs()) + " in all" + p99(top), false,
                List.of(Section.BLOCK_SITES));
    }

    private Finding pinning() {
        long pinned = dump.counts().pinnedBlocks();
        if (pinned == 0) {
            return new Finding("pinning", "none: no virtual thread parked while pinned", false,
                    List.of(Section.PINNING));
        }
        LatencySummary held = summary(Metrics.PINNED_BLOCKED);
        String head = count(pinned) + (pinned == 1 ? " pinned block" : " pinned blocks")
                + (held == null || held.count() == 0 ? "" : ", carrier held p99 " + duration(held.p99()));
        if (pinnedSites.isEmpty()) {
            return new Finding("pinning", head + "; no stack was kept for them", true, List.of(Section.PINNING));
        }
        SiteGroup top = pinnedSites.get(0);
        String callers = top.where() == null || top.where().callers().isEmpty() ? ""
                : ", called from " + String.join(" < ", top.where().callers());
        return new Finding("pinning", head + "; most at " + top.name() + via(top) + callers + " ("
                + count(top.count()) + (top.count() == 1 ? " block, " : " blocks, ") + duration(top.totalNs())
                + " in all)", true, List.of(Section.PINNING));
    }

    private Finding leaks() {
        Leaks leaks = dump.leaks();
        if (leaks == null) {
            return new Finding("leaks", "not in this dump (written by an agent older than leak detection)", false,
                    List.of(Section.LEAKS));
        }
        String threshold = duration(leaks.thresholdNs());
        if (leaks.threads() == 0 || leaks.clusters() == null || leaks.clusters().isEmpty()) {
            return new Finding("leaks", "none: no virtual thread had been blocked for " + threshold
                    + " or more at the dump", false, List.of(Section.LEAKS));
        }
        Leaks.Cluster top = leaks.clusters().get(0);
        ApplicationCode.Where where = code.where(top.frames());
        return new Finding("leaks", count(leaks.threads()) + (leaks.threads() == 1 ? " thread" : " threads")
                + " blocked for " + threshold + " or more at the dump; " + count(top.threads()) + " at "
                + clusterName(top, where) + (where == null || where.via() == null ? "" : " via " + where.via())
                + ", the oldest for " + duration(top.oldestBlockedNs()), true, List.of(Section.LEAKS));
    }

    /** A leak cluster by its application frame. */
    static String clusterName(Leaks.Cluster cluster, ApplicationCode.Where where) {
        if (where != null) {
            return where.name();
        }
        return ApplicationCode.withoutApplicationFrame(cluster.frames(), "an unsampled site");
    }

    private Finding longSlices() {
        LongSlices longSlices = dump.longSlices();
        if (longSlices == null) {
            return new Finding("long slices", "not in this dump (written by an older agent)", false,
                    List.of(Section.LONG_SLICES));
        }
        String threshold = duration(longSlices.thresholdNs());
        long early = slices.startUp().stream().mapToLong(SliceGroups.Group::count).sum();
        String startUp = early == 0 ? "" : "; " + count(early) + (early == 1 ? " start-up slice" : " start-up slices")
                + " (class loading in the first " + SliceGroups.STARTUP_SECONDS + " s of the JVM) listed apart";
        if (slices.groups().isEmpty()) {
            boolean none = longSlices.count() == 0 && slices.startUp().isEmpty();
            return new Finding("long slices", none ? "none: no run slice lasted " + threshold + " or more"
                    : runSlices(longSlices.count()) + " of " + threshold + " or more" + startUp, false,
                    List.of(Section.LONG_SLICES));
        }
        SliceGroups.Group top = slices.groups().get(0);
        return new Finding("long slices", runSlices(longSlices.count()) + " of " + threshold + " or more;"
                + " most time in " + top.name() + ": " + count(top.count()) + " of the " + count(slices.slices())
                + " kept, up to " + duration(top.longestNs()) + ", " + duration(top.totalNs()) + " in all" + startUp,
                true, List.of(Section.LONG_SLICES));
    }

    private static String runSlices(long n) {
        return count(n) + (n == 1 ? " run slice" : " run slices");
    }

    // ---- grouping -------------------------------------------------------------------------------------------------

    /**
     * Sites grouped by where they are in the user's code, the call made there and their kinds: two stacks that reach
     * {@code Orders.place} through different callers are one line. Most time first, then most events.
     */
    static List<SiteGroup> group(List<? extends Sites.Site> sites, ApplicationCode code) {
        if (sites == null) {
            return List.of();
        }
        Map<String, List<Sites.Site>> byKey = new LinkedHashMap<>();
        for (Sites.Site site : sites) {
            ApplicationCode.Where where = code.where(site.frames());
            String key = (where != null ? where.frame() + '\0' + where.via()
                    : SitesSection.fromJdk(site) ? "\0jdk" : "\0" + RankedLists.framesKey(site.frames())) + '\0'
                    + kinds(site);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(site);
        }
        List<SiteGroup> groups = new ArrayList<>();
        for (List<Sites.Site> same : byKey.values()) {
            Sites.Site first = same.stream().max(Comparator.comparingLong(Sites.Site::chargedNanos)).orElseThrow();
            List<Sites.Charges> charges = new ArrayList<>();
            same.stream().map(Sites.Site::charges).filter(Objects::nonNull).forEach(charges::add);
            ApplicationCode.Where where = code.where(first.frames());
            groups.add(new SiteGroup(where, where == null && SitesSection.fromJdk(first), first.frames(), kinds(first),
                    same.stream().mapToLong(Sites.Site::count).sum(), MergeRules.charges(charges)));
        }
        groups.sort(Comparator.comparingLong(SiteGroup::totalNs).reversed()
                .thenComparing(Comparator.comparingLong(SiteGroup::count).reversed()));
        return List.copyOf(groups);
    }

    private static String kinds(Sites.Site site) {
        if (site instanceof Sites.BlockSite block && block.kinds() != null && !block.kinds().isEmpty()) {
            return String.join("+", block.kinds().keySet());
        }
        return site instanceof Sites.PinnedSite ? "pinned" : "";
    }

    // ---- text -----------------------------------------------------------------------------------------------------

    private LatencySummary summary(Metrics.Latency latency) {
        return latency.summaryIn(dump.latencies());
    }

    static String via(SiteGroup group) {
        return group.where() == null || group.where().via() == null ? "" : " via " + group.where().via();
    }

    static String stillGoing(SiteGroup group, String what) {
        return group.unfinished() > 0 ? ", " + count(group.unfinished()) + " still " + what + " at the dump" : "";
    }

    private static String p99(SiteGroup group) {
        return group.charges() == null || group.charges().count() == 0 ? ""
                : ", p99 " + duration(group.charges().p99Ns());
    }

    static String duration(long nanos) {
        return HtmlNumbers.duration(nanos);
    }

    static String count(long n) {
        return HtmlNumbers.count(n);
    }

    private static String percent(long part, long whole) {
        return HtmlNumbers.percent(part, whole);
    }

    /** The recording in a few words: {@code exit dump after 28.3 s of Java 25.0.3 (pid 17342)}. */
    String recording() {
        Recording recording = dump.recording();
        String java = dump.jvm() == null || dump.jvm().javaVersion() == null ? "?" : dump.jvm().javaVersion();
        return (recording == null ? "dump" : recording.trigger() + " dump after "
                + duration(recording.durationNs())) + " of Java " + java + " (pid "
                + (dump.jvm() == null ? "?" : dump.jvm().pid()) + ")";
    }
}

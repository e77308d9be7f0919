package dev.loomscope.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.format.Agent;
import dev.loomscope.format.Carriers;
import dev.loomscope.format.Context;
import dev.loomscope.format.Counts;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.Heatmaps;
import dev.loomscope.format.Latencies;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.Leaks;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Merged;
import dev.loomscope.format.Operations;
import dev.loomscope.format.Recorder;
import dev.loomscope.format.Recording;
import dev.loomscope.format.Scheduler;
import dev.loomscope.format.Sites;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.loomscope.report.MergeRules.any;
import static dev.loomscope.report.MergeRules.charges;
import static dev.loomscope.report.MergeRules.max;
import static dev.loomscope.report.MergeRules.maxOfPresent;
import static dev.loomscope.report.MergeRules.present;
import static dev.loomscope.report.MergeRules.same;
import static dev.loomscope.report.MergeRules.sum;
import static dev.loomscope.report.MergeRules.sumByName;
import static dev.loomscope.report.MergeRules.sumOfPresent;
import static dev.loomscope.report.MergeRules.union;

/**
 * Merges dumps of many JVMs of one service into one {@code loomscope/1} dump (docs/report.md, "merge"): counts add up,
 * distributions are merged exactly through their embedded HdrHistograms, heatmaps add window by window
 * ({@link HeatmapMerger}), call sites and leak clusters add up by identical frames ({@link RankedLists}). The result
 * is a valid dump that every command reads, and it records which dumps it was made from ({@code merged.inputs}).
 * <p>
 * The merge is associative, so a fleet can be merged in any grouping (per host, then per region) with the same result;
 * only the cut to the top N sites and clusters can make a nested merge differ, when more than N distinct ones exist.
 * Each field combines by a rule of {@link MergeRules}; a section some inputs lack is merged from those that have it,
 * and one no input has stays out.
 */
final class DumpMerger {
    /** Sites per kind, leak clusters and long slices kept: the agent's own default ({@code topSites}). */
    static final int DEFAULT_TOP = 20;
    /**
     * Options expected to differ between JVMs, and that do not change what is recorded: the JVM's own files, the
     * address of its metrics endpoint (a pod's IP), and its service label (derived from the main class when not given).
     */
    private static final Set<String> PER_JVM_OPTIONS = Set.of("out", "dump", "metrics", "service");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Dump> inputs;
    private final List<LoomscopeDump> dumps;
    private final int top;
    private final List<String> notes = new ArrayList<>();

    private DumpMerger(List<Dump> inputs, int top) {
        this.inputs = inputs;
        this.dumps = inputs.stream().map(Dump::model).toList();
        this.top = top;
    }

    /** @param notes what the user should know about the inputs (differing options, fields left out) */
    record Result(LoomscopeDump dump, List<String> notes) {
    }

    static Result merge(List<Dump> inputs, int top) throws UnusableInputException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no dumps to merge");
        }
        List<String> sameJvmNotes = new ArrayList<>();
        DumpMerger merger = new DumpMerger(latestOfEachJvm(inputs, sameJvmNotes), top);
        merger.notes.addAll(sameJvmNotes);
        return merger.merge();
    }

    /** A JVM: its pid and start time (a pid alone is reused by the next process). */
    private record JvmIdentity(long pid, long startEpochMs) {
        @Override
        public String toString() {
            return "pid " + pid + ", started " + Instant.ofEpochMilli(startEpochMs);
        }
    }

    /**
     * Every dump covers its JVM's recording from the start, so two dumps of one JVM (two interval dumps, or one file
     * given twice) must not add up: of each JVM only the latest dump is merged, with a note. A merged input cannot be
     * taken apart again, so one that covers a JVM another input covers too is refused.
     */
    private static List<Dump> latestOfEachJvm(List<Dump> inputs, List<String> notes) throws UnusableInputException {
        Map<JvmIdentity, List<Dump>> byJvm = new LinkedHashMap<>();
        Map<JvmIdentity, Dump> inMerged = new HashMap<>();
        for (Dump input : inputs) {
            LoomscopeDump dump = input.model();
            if (dump.merged() != null && dump.merged().inputs() != null) {
                for (Merged.Input jvm : dump.merged().inputs()) {
                    if (jvm.pid() != null && jvm.jvmStartEpochMs() != null) {
                        JvmIdentity identity = new JvmIdentity(jvm.pid(), jvm.jvmStartEpochMs());
                        Dump other = inMerged.putIfAbsent(identity, input);
                        if (other != null) {
                            throw sameJvmInMerge(identity, other, input);
                        }
                    }
                }
            } else {
                byJvm.computeIfAbsent(new JvmIdentity(dump.jvm().pid(), dump.jvm().startEpochMs()),
                        jvm -> new ArrayList<>()).add(input);
            }
        }
        // by identity: the same file given twice is two equal records, one of which stays
        Set<Dump> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<JvmIdentity, List<Dump>> jvm : byJvm.entrySet()) {
            Dump merged = inMerged.get(jvm.getKey());
            if (merged != null) {
                throw sameJvmInMerge(jvm.getKey(), merged, jvm.getValue().get(0));
            }
            List<Dump> dumps = jvm.getValue();
            if (dumps.size() > 1) {
                Dump latest = dumps.get(0);
                for (Dump dump : dumps) { // ties go to the later on the command line
                    if (dumpEpochMs(dump) >= dumpEpochMs(latest)) {
                        latest = dump;
                    }
                }
                for (Dump dump : dumps) {
                    if (dump != latest) {
                        dropped.add(dump);
                    }
                }
                notes.add(dumps.stream().map(d -> String.valueOf(d.file())).collect(Collectors.joining(", "))
                        + " are dumps of one JVM (" + jvm.getKey() + "): merged only the latest, " + latest.file()
                        + " (each dump holds its recording from the start)");
            }
        }
        return inputs.stream().filter(input -> !dropped.contains(input)).toList();
    }

    private static long dumpEpochMs(Dump dump) {
        Recording recording = dump.model().recording();
        return recording == null ? Long.MIN_VALUE : recording.dumpEpochMs();
    }

    private static UnusableInputException sameJvmInMerge(JvmIdentity jvm, Dump merged, Dump other) {
        return new UnusableInputException("merge: " + merged.file() + " is a merge that covers a JVM (" + jvm
                + ") that " + (merged == other ? "it lists twice" : other.file() + " covers too")
                + ": its counts would add up twice; merge the JVMs' own dumps instead");
    }

    private Result merge() throws UnusableInputException {
        LoomscopeDump first = dumps.get(0);
        LoomscopeDump merged = new LoomscopeDump(LoomscopeDump.SCHEMA,
                first.jvm(), // the merged dump must be one of a JVM to every reader: the first input's stands for all
                agent(), recording(), counts(), recorder(), carriers(), latencies(), longSlices(), sites(), leaks(),
                operations(), heatmaps(), scheduler(), context(), mergedInputs());
        Set<String> sections = new LinkedHashSet<>();
        Set<String> fields = new LinkedHashSet<>();
        for (Dump input : inputs) {
            for (String unknown : input.unknownFields()) {
                (unknown.contains(".") ? fields : sections).add(unknown);
            }
        }
        if (!sections.isEmpty()) {
            notes.add("left out sections this version does not know how to merge: " + String.join(", ", sections));
        }
        if (!fields.isEmpty()) {
            notes.add("left out fields this version does not know how to merge: " + String.join(", ", fields));
        }
        return new Result(merged, notes);
    }

    /** The section of every input, {@code null} where an input lacks it. */
    private <T> List<T> sections(Function<LoomscopeDump, T> section) {
        List<T> all = new ArrayList<>();
        dumps.forEach(dump -> all.add(section.apply(dump)));
        return all;
    }

    /**
     * The first input's version and options (notes name options that differ); hooks: a hook missing in any JVM is
     * missing in the merge, since the events it produces are absent from that JVM's counts.
     */
    private Agent agent() {
        Agent first = dumps.get(0).agent();
        Map<String, Object> options = first == null || first.options() == null ? new LinkedHashMap<>()
                : first.options();
        Set<String> differing = new LinkedHashSet<>();
        Set<String> versions = new LinkedHashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        Set<String> applied = new LinkedHashSet<>();
        for (LoomscopeDump dump : dumps) {
            Agent a = dump.agent();
            versions.add(a == null || a.version() == null ? "?" : a.version());
            if (a == null) {
                continue;
            }
            if (a.options() != null) {
                a.options().forEach((name, value) -> {
                    if (!PER_JVM_OPTIONS.contains(name) && !value.equals(options.get(name))) {
                        differing.add(name);
                    }
                });
            }
            if (a.hooks() != null) {
                if (a.hooks().missing() != null) {
                    missing.addAll(a.hooks().missing());
                }
                if (a.hooks().applied() != null) {
                    applied.addAll(a.hooks().applied());
                }
            }
        }
        applied.removeAll(missing);
        if (versions.size() > 1) {
            notes.add("inputs come from different agent versions (" + String.join(", ", versions) + ")");
        }
        if (!differing.isEmpty()) {
            notes.add("inputs differ in agent options " + String.join(", ", differing)
                    + "; agent.options of the merged dump are the first input's");
        }
        return new Agent(first == null ? null : first.version(), options,
                new Agent.Hooks(List.copyOf(applied), List.copyOf(missing)));
    }

    /**
     * The span of all recordings: from the earliest start to the latest end. Late if any input attached late (its
     * counts miss what came before the attach).
     */
    private Recording recording() {
        Recording first = dumps.get(0).recording();
        boolean late = false;
        long start = Long.MAX_VALUE;
        long dump = Long.MIN_VALUE;
        long endNanos = Long.MIN_VALUE;
        for (LoomscopeDump input : dumps) {
            Recording r = Objects.requireNonNullElse(input.recording(), new Recording(null, null, 0, 0, 0));
            late |= r.lateAttach();
            start = Math.min(start, r.startEpochMs());
            dump = Math.max(dump, r.dumpEpochMs());
            endNanos = Math.max(endNanos, r.startEpochMs() * 1_000_000 + r.durationNs());
        }
        return new Recording(first == null || first.trigger() == null ? "exit" : first.trigger(),
                late ? Recording.LATE : Recording.STARTUP, start, dump, endNanos - start * 1_000_000);
    }

    /** Every number added (so {@code created == ended + live} and the other relations of schema.md still hold). */
    private Counts counts() {
        List<Counts> c = present(dumps, LoomscopeDump::counts);
        return new Counts(sum(c, Counts::created), sum(c, Counts::started), sum(c, Counts::ended),
                sum(c, Counts::live), sum(c, Counts::blocks), sum(c, Counts::pinnedBlocks), sum(c, Counts::wakes),
                sum(c, Counts::yields), sum(c, Counts::mounts), sum(c, Counts::unmounts),
                sum(c, Counts::submitFailed), sum(c, Counts::dropped), sum(c, Counts::agentErrors),
                sum(c, Counts::preexistingEnded), sumByName(c, Counts::blocksByKind),
                sumByName(c, Counts::droppedByKind),
                c.stream().anyMatch(counts -> counts.pinnedByKind() != null)
                        ? sumByName(c, DumpMerger::pinnedByKind) : null);
    }

    /**
     * An input's pinned blocks by kind; an agent before {@code pinnedByKind} recorded pinned parks alone, so its
     * {@code pinnedBlocks} are all {@code park}: the merged kinds then still sum to the merged {@code pinnedBlocks}
     * (and the inputs that have the field bring every kind's name).
     */
    private static Map<String, Long> pinnedByKind(Counts counts) {
        return counts.pinnedByKind() != null ? counts.pinnedByKind() : Map.of("park", counts.pinnedBlocks());
    }

    private Recorder recorder() throws UnusableInputException {
        List<Recorder> all = sections(LoomscopeDump::recorder);
        List<Recorder> r = present(all, Function.identity());
        return r.isEmpty() ? null : new Recorder(sum(r, Recorder::events), sum(r, Recorder::trackedThreads),
                sum(r, Recorder::drainCpuNs), same(all, Recorder::clock), shedding(present(r, Recorder::shedding)));
    }

    /**
     * Of the inputs that say (agents before shedding do not): time shed, episodes and forgotten histories add up,
     * window by window too (JVM-microseconds at each level), the levels are the highest of any JVM.
     */
    private static Recorder.Shedding shedding(List<Recorder.Shedding> s) throws UnusableInputException {
        if (s.isEmpty()) {
            return null;
        }
        int levelNow = 0;
        int maxLevel = 0;
        for (Recorder.Shedding one : s) {
            levelNow = Math.max(levelNow, one.levelNow());
            maxLevel = Math.max(maxLevel, one.maxLevel());
        }
        return new Recorder.Shedding(levelNow, maxLevel, sum(s, Recorder.Shedding::episodes),
                sum(s, Recorder.Shedding::shedNs), sum(s, Recorder.Shedding::historiesForgotten),
                sum(s, Recorder.Shedding::creationsCounted),
                present(s, Recorder.Shedding::columns).stream().findFirst().orElse(null),
                rows(s, Recorder.Shedding::windows, "recorder.shedding.windows"));
    }

    /** Totals add up; per-carrier entries add up by column (the same column of every JVM), as the heatmaps do. */
    private Carriers carriers() {
        List<Carriers> c = present(dumps, LoomscopeDump::carriers);
        if (c.isEmpty()) {
            return null;
        }
        List<Carriers.Carrier> perCarrier = ranked(c, Carriers::perCarrier,
                carrier -> Integer.toString(carrier.column()),
                same -> new Carriers.Carrier(same.get(0).column(), same(same, Carriers.Carrier::threadId),
                        same(same, Carriers.Carrier::name), sum(same, Carriers.Carrier::mounts),
                        sum(same, Carriers.Carrier::busyNs), sum(same, Carriers.Carrier::idleNs),
                        max(same, Carriers.Carrier::longestSliceNs), any(same, Carriers.Carrier::mountedNow)),
                Comparator.comparingInt(Carriers.Carrier::column), Integer.MAX_VALUE);
        return new Carriers(sum(c, Carriers::started), sum(c, Carriers::exited), sum(c, Carriers::idlePeriods),
                perCarrier);
    }

    /**
     * One list of every section that has it, merged by {@link RankedLists}; {@code null} if no section has the list.
     */
    private static <S, T> List<T> ranked(List<S> sections, Function<S, List<T>> list, Function<T, String> key,
                                         Function<List<T>, T> combine, Comparator<? super T> order, int limit) {
        List<List<T>> lists = present(sections, list);
        return lists.isEmpty() ? null : RankedLists.merge(lists, key, combine, order, limit);
    }

    /** Every distribution merged exactly; a block kind some inputs lack is merged from those that have it. */
    private Latencies latencies() throws UnusableInputException {
        List<Latencies> l = present(dumps, LoomscopeDump::latencies);
        Map<String, LatencySummary> byKind = null;
        List<Map<String, LatencySummary>> kindMaps = present(l, Latencies::blockedByKind);
        if (!kindMaps.isEmpty()) {
            byKind = new LinkedHashMap<>();
            Set<String> kinds = new LinkedHashSet<>();
            kindMaps.forEach(map -> kinds.addAll(map.keySet()));
            for (String kind : kinds) {
                byKind.put(kind, distribution("latencies.blockedByKind." + kind,
                        latencies -> latencies.blockedByKind() == null ? null : latencies.blockedByKind().get(kind)));
            }
        }
        Map<String, LatencySummary> pinnedByKind = null;
        if (l.stream().anyMatch(latencies -> latencies.pinnedBlockedByKind() != null)) {
            pinnedByKind = new LinkedHashMap<>();
            Set<String> kinds = new LinkedHashSet<>();
            l.forEach(latencies -> {
                if (pinnedBlockedByKind(latencies) != null) {
                    kinds.addAll(pinnedBlockedByKind(latencies).keySet());
                }
            });
            for (String kind : kinds) {
                pinnedByKind.put(kind, distribution("latencies.pinnedBlockedByKind." + kind, latencies ->
                        pinnedBlockedByKind(latencies) == null ? null : pinnedBlockedByKind(latencies).get(kind)));
            }
        }
        return new Latencies(distribution("latencies.startDelay", Latencies::startDelay),
                distribution("latencies.wakeToRun", Latencies::wakeToRun),
                distribution("latencies.blocked", Latencies::blocked),
                distribution("latencies.runSlice", Latencies::runSlice),
                distribution("latencies.pinnedBlocked", Latencies::pinnedBlocked), byKind, pinnedByKind);
    }

    /**
     * An input's pinned-time distributions by kind; an agent before {@code pinnedBlockedByKind} measured pinned parks
     * alone, so its {@code pinnedBlocked} (if it had a finished one) is all {@code park}.
     */
    private static Map<String, LatencySummary> pinnedBlockedByKind(Latencies latencies) {
        if (latencies.pinnedBlockedByKind() != null) {
            return latencies.pinnedBlockedByKind();
        }
        LatencySummary parks = latencies.pinnedBlocked();
        return parks == null || parks.count() == 0 ? null : Map.of("park", parks);
    }

    /**
     * One distribution: the inputs' histograms added into one, and every headline value recomputed from it, so the
     * merged p99 is the p99 of all samples pooled (not an average of p99s, which means nothing). {@code null} if no
     * input has it.
     */
    private LatencySummary distribution(String field, Function<Latencies, LatencySummary> summary)
            throws UnusableInputException {
        List<Located<LatencySummary>> located = new ArrayList<>();
        for (Dump input : inputs) {
            LatencySummary s = input.model().latencies() == null ? null : summary.apply(input.model().latencies());
            if (s != null) {
                located.add(new Located<>(s, input.file() + ": " + field));
            }
        }
        return distribution(located);
    }

    /** A value of one input, with where it is for messages ({@code file: field}). */
    private record Located<T>(T value, String where) {
    }

    /** {@link #distribution(String, Function)} of summaries found elsewhere than in {@code latencies}. */
    private static LatencySummary distribution(List<Located<LatencySummary>> summaries)
            throws UnusableInputException {
        Histogram sum = null;
        long clamped = 0;
        String unit = null;
        for (Located<LatencySummary> located : summaries) {
            LatencySummary s = located.value();
            String where = located.where();
            Histogram h = Distribution.histogram(s, where);
            String u = s.unit() == null ? LatencySummary.NANOSECONDS : s.unit();
            if (unit != null && !unit.equals(u)) {
                throw new UnusableInputException(where + " is in " + u + ", other inputs in " + unit);
            }
            unit = u;
            if (sum == null) {
                sum = new Histogram(h.getLowestDiscernibleValue(), h.getHighestTrackableValue(),
                        h.getNumberOfSignificantValueDigits());
                sum.setAutoResize(true); // an input with a wider range must still fit
            }
            sum.add(h);
            clamped += s.clamped();
        }
        return sum == null ? null : LatencySummary.of(sum, clamped);
    }

    /** Counts add up; the longest slices of all JVMs, each marked with its JVM's pid, longest first. */
    private LongSlices longSlices() {
        List<LongSlices> present = present(dumps, LoomscopeDump::longSlices);
        if (present.isEmpty()) {
            return null;
        }
        List<LongSlices.LongSlice> slices = new ArrayList<>();
        for (LoomscopeDump dump : dumps) {
            if (dump.longSlices() == null || dump.longSlices().longest() == null) {
                continue;
            }
            for (LongSlices.LongSlice slice : dump.longSlices().longest()) {
                // a slice of a merged input says which JVM it ran in already
                long pid = slice.pid() != null ? slice.pid() : dump.jvm().pid();
                slices.add(new LongSlices.LongSlice(pid, slice.threadId(), slice.carrierThreadId(),
                        slice.startEpochMs(), slice.durationNs(), slice.ongoing(), slice.frames()));
            }
        }
        slices.sort(Comparator.comparingLong(LongSlices.LongSlice::durationNs).reversed()
                .thenComparingLong(LongSlices.LongSlice::startEpochMs)
                .thenComparingLong(LongSlices.LongSlice::pid)
                .thenComparingLong(LongSlices.LongSlice::threadId));
        return new LongSlices(threshold(present, LongSlices::thresholdNs, "longSlices"),
                sum(present, LongSlices::count), slices.stream().limit(top).toList());
    }

    /**
     * The lists merged by identical frames and cut to the top N, numbers added ({@link MergeRules#charges}).
     * {@code sampleEvery} is the first input's, with a note if they differ.
     */
    private Sites sites() {
        List<Sites> s = present(dumps, LoomscopeDump::sites);
        if (s.isEmpty()) {
            return null;
        }
        long sampleEvery = s.get(0).sampleEvery();
        if (s.stream().anyMatch(sites -> sites.sampleEvery() != sampleEvery)) {
            notes.add("inputs differ in sites.sampleEvery; the merged dump has the first input's (" + sampleEvery
                    + ")");
        }
        return new Sites(sampleEvery, sum(s, Sites::samples), sum(s, Sites::samplesLost),
                sum(s, Sites::distinctStacks),
                sites(s, Sites::create, same -> new Sites.CreateSite(sum(same, Sites.CreateSite::count),
                        same.get(0).frames())),
                sites(s, Sites::block, same -> new Sites.BlockSite(sum(same, Sites.BlockSite::count),
                        sumByName(same, Sites.BlockSite::kinds), charges(present(same, Sites.BlockSite::blocked)),
                        same.get(0).frames())),
                sites(s, Sites::wake, same -> new Sites.WakeSite(sum(same, Sites.WakeSite::count),
                        charges(present(same, Sites.WakeSite::wakeToRun)), same.get(0).frames())),
                sites(s, Sites::pinned, same -> new Sites.PinnedSite(sum(same, Sites.PinnedSite::count),
                        same.stream().anyMatch(site -> site.kinds() != null) ? sumByName(same,
                                site -> site.kinds() != null ? site.kinds() : Map.of("park", site.count())) : null,
                        charges(present(same, Sites.PinnedSite::pinnedBlocked)), same.get(0).frames())));
    }

    private <T extends Sites.Site> List<T> sites(List<Sites> sites, Function<Sites, List<T>> list,
                                                 Function<List<T>, T> combine) {
        return ranked(sites, list, site -> RankedLists.framesKey(site.frames()), combine, RankedLists.SITES, top);
    }

    /**
     * Operations of the same name are one: counts add up, distributions merge exactly through their histograms, block
     * sites add up by identical frames, and the worst events of all JVMs compete (each marked with its JVM's pid). In
     * the order names are first seen, input by input. What the recorders counted of scopes adds up; the limits and
     * budgets are the largest.
     */
    private Operations operations() throws UnusableInputException {
        List<Operations> o = present(dumps, LoomscopeDump::operations);
        if (o.isEmpty()) {
            return null;
        }
        Map<String, List<Located<Operations.Operation>>> byName = new LinkedHashMap<>();
        Map<Operations.Operation, Long> pidOf = new IdentityHashMap<>();
        for (Dump input : inputs) {
            Operations operations = input.model().operations();
            if (operations == null || operations.perOperation() == null) {
                continue;
            }
            for (Operations.Operation operation : operations.perOperation()) {
                byName.computeIfAbsent(operation.name(), name -> new ArrayList<>())
                        .add(new Located<>(operation, input.file() + ": operations \"" + operation.name() + "\""));
                pidOf.put(operation, input.model().jvm().pid());
            }
        }
        List<Operations.Operation> perOperation = new ArrayList<>();
        for (Map.Entry<String, List<Located<Operations.Operation>>> named : byName.entrySet()) {
            perOperation.add(operation(named.getKey(), named.getValue(), pidOf));
        }
        long namedHere = byName.keySet().stream().filter(name -> !name.equals(Operations.OTHER)).count();
        List<Operations.Critical> critical = present(o, Operations::critical);
        return new Operations((int) max(o, Operations::limit),
                (int) Math.max(namedHere, max(o, Operations::named)), sum(o, Operations::scopesOverLimit),
                sum(o, Operations::scopesIgnored), sum(o, Operations::namesTruncated),
                (int) max(o, Operations::maxNameChars), sum(o, Operations::scopesUntracked),
                sum(o, Operations::traceIdsIgnored), sum(o, Operations::traceIdsLost),
                sum(o, Operations::apiClassesWoven),
                new Operations.Critical(sum(critical, Operations.Critical::scopes),
                        sum(critical, Operations.Critical::samples), sum(critical, Operations.Critical::samplesCapped),
                        max(critical, Operations.Critical::samplesPerSecond)),
                perOperation);
    }

    private Operations.Operation operation(String name, List<Located<Operations.Operation>> located,
                                           Map<Operations.Operation, Long> pidOf) throws UnusableInputException {
        List<Operations.Operation> same = located.stream().map(Located::value).toList();
        List<Located<LatencySummary>> wakeToRun = new ArrayList<>();
        List<Located<LatencySummary>> blocked = new ArrayList<>();
        List<Located<LatencySummary>> runSlice = new ArrayList<>();
        for (Located<Operations.Operation> operation : located) {
            Operations.Latencies latencies = operation.value().latencies();
            if (latencies != null) {
                addIfPresent(wakeToRun, latencies.wakeToRun(), operation.where() + " wakeToRun");
                addIfPresent(blocked, latencies.blocked(), operation.where() + " blocked");
                addIfPresent(runSlice, latencies.runSlice(), operation.where() + " runSlice");
            }
        }
        List<Operations.BlockSite> blockSites = ranked(same, Operations.Operation::blockSites,
                site -> RankedLists.framesKey(site.frames()),
                sites -> new Operations.BlockSite(sum(sites, Operations.BlockSite::count),
                        sum(sites, Operations.BlockSite::blockedNs), sites.get(0).frames()),
                RankedLists.OPERATION_SITES, OPERATION_BLOCK_SITES);
        return new Operations.Operation(name, sum(same, Operations.Operation::threads),
                sum(same, Operations.Operation::inheritedThreads), sum(same, Operations.Operation::blocks),
                sum(same, Operations.Operation::pinnedBlocks), sum(same, Operations.Operation::wakes),
                sum(same, Operations.Operation::longSlices),
                Objects.requireNonNullElse(sumByName(same, Operations.Operation::blocksByKind), Map.of()),
                new Operations.Latencies(distribution(wakeToRun), distribution(blocked), distribution(runSlice)),
                blockSites == null ? List.of() : blockSites, sum(same, Operations.Operation::blockSitesOverflow),
                new Operations.Exemplars(worst(same, Operations.Exemplars::wakeToRun, pidOf),
                        worst(same, Operations.Exemplars::blocked, pidOf),
                        worst(same, Operations.Exemplars::longSlice, pidOf)));
    }

    private static void addIfPresent(List<Located<LatencySummary>> list, LatencySummary summary, String where) {
        if (summary != null) {
            list.add(new Located<>(summary, where));
        }
    }

    /** Block sites listed per operation, as the agent lists them. */
    static final int OPERATION_BLOCK_SITES = 5;
    /** Exemplars kept per kind and operation, as the agent keeps them. */
    static final int EXEMPLARS = 5;

    /** The worst events of all inputs, longest first, each marked with its JVM's pid. */
    private static List<Operations.Exemplar> worst(List<Operations.Operation> same,
                                                   Function<Operations.Exemplars, List<Operations.Exemplar>> kind,
                                                   Map<Operations.Operation, Long> pidOf) {
        List<Operations.Exemplar> all = new ArrayList<>();
        for (Operations.Operation operation : same) {
            if (operation.exemplars() == null || kind.apply(operation.exemplars()) == null) {
                continue;
            }
            for (Operations.Exemplar exemplar : kind.apply(operation.exemplars())) {
                long pid = exemplar.pid() != null ? exemplar.pid() : pidOf.get(operation);
                all.add(new Operations.Exemplar(pid, exemplar.durationNs(), exemplar.startEpochMs(),
                        exemplar.threadId(), exemplar.traceId(), exemplar.frames()));
            }
        }
        all.sort(Comparator.comparingLong(Operations.Exemplar::durationNs).reversed()
                .thenComparingLong(Operations.Exemplar::startEpochMs)
                .thenComparingLong(Operations.Exemplar::pid)
                .thenComparingLong(Operations.Exemplar::threadId));
        return all.stream().limit(EXEMPLARS).toList();
    }

    /** Clusters with identical frames are one, most threads first; the threshold is the smallest. */
    private Leaks leaks() {
        List<Leaks> l = present(dumps, LoomscopeDump::leaks);
        if (l.isEmpty()) {
            return null;
        }
        List<Leaks.Cluster> clusters = ranked(l, Leaks::clusters, cluster -> RankedLists.framesKey(cluster.frames()),
                same -> new Leaks.Cluster(sum(same, Leaks.Cluster::threads), max(same, Leaks.Cluster::oldestBlockedNs),
                        sumByName(same, Leaks.Cluster::kinds), same.get(0).frames()),
                RankedLists.BY_THREADS, top);
        return new Leaks(threshold(l, Leaks::thresholdNs, "leaks"), sum(l, Leaks::threads), clusters);
    }

    /**
     * A threshold of the recording ({@code thresholdNs}: long slices, leaks) where inputs may differ: the smallest of
     * the inputs', the one every merged entry is known to reach, with a note if they differ.
     */
    private <T> long threshold(List<T> sections, Function<T, Long> threshold, String section) {
        long first = threshold.apply(sections.get(0));
        long min = sections.stream().mapToLong(threshold::apply).min().orElseThrow();
        if (sections.stream().anyMatch(s -> threshold.apply(s) != first)) {
            notes.add("inputs differ in " + section + ".thresholdNs; the merged dump has the smallest (" + min + ")");
        }
        return min;
    }

    /** Heatmaps of the same window length, merged row by row. Different windows cannot be aligned: refused. */
    private Heatmaps heatmaps() throws UnusableInputException {
        List<Heatmaps> h = present(dumps, LoomscopeDump::heatmaps);
        if (h.isEmpty()) {
            return null;
        }
        long window = h.get(0).windowMs();
        for (Dump input : inputs) {
            Heatmaps heatmaps = input.model().heatmaps();
            if (heatmaps != null && heatmaps.windowMs() != window) {
                throw new UnusableInputException("cannot merge heatmaps of different windows: "
                        + inputs.get(0).file() + " has windowMs " + window + ", " + input.file() + " "
                        + heatmaps.windowMs() + " (record the JVMs with the same agent option window=)");
            }
        }
        List<Heatmaps.Activity> a = present(h, Heatmaps::activity);
        Heatmaps.Activity activity = a.isEmpty() ? null : new Heatmaps.Activity(
                present(a, Heatmaps.Activity::columns).stream().findFirst().orElse(null), // words: the first's
                rows(a, Heatmaps.Activity::create, "heatmaps.activity.create"),
                rows(a, Heatmaps.Activity::block, "heatmaps.activity.block"),
                rows(a, Heatmaps.Activity::wake, "heatmaps.activity.wake"),
                rows(a, Heatmaps.Activity::mount, "heatmaps.activity.mount"));
        List<Heatmaps.Latency> l = present(h, Heatmaps::latency);
        Heatmaps.Latency latency = l.isEmpty() ? null : new Heatmaps.Latency(
                agreed(present(l, Heatmaps.Latency::buckets), "heatmaps.latency.buckets"),
                rows(l, Heatmaps.Latency::startDelay, "heatmaps.latency.startDelay"),
                rows(l, Heatmaps.Latency::wakeToRun, "heatmaps.latency.wakeToRun"),
                rows(l, Heatmaps.Latency::blocked, "heatmaps.latency.blocked"),
                rows(l, Heatmaps.Latency::runSlice, "heatmaps.latency.runSlice"));
        return new Heatmaps(window, activity, latency);
    }

    private static <T> List<HeatmapRow> rows(List<T> groups, Function<T, List<HeatmapRow>> rows, String where)
            throws UnusableInputException {
        List<List<HeatmapRow>> lists = present(groups, rows);
        return lists.isEmpty() ? null : HeatmapMerger.merge(lists, where);
    }

    /**
     * What the columns of rows mean ({@code buckets}, {@code columns}): the same in every input that has it, or the
     * columns would not add up.
     */
    private static <T> T agreed(List<T> values, String where) throws UnusableInputException {
        if (values.isEmpty()) {
            return null;
        }
        T first = values.get(0);
        for (T v : values) {
            if (!v.equals(first)) {
                throw new UnusableInputException("cannot merge " + where + ": the inputs differ (" + json(first)
                        + " vs " + json(v) + ")");
            }
        }
        return first;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** Fleet totals of the values at the dumps. */
    private Scheduler scheduler() {
        List<Scheduler> s = present(dumps, LoomscopeDump::scheduler);
        if (s.isEmpty()) {
            return null;
        }
        List<Scheduler.MxBean> m = present(s, Scheduler::mxBean);
        return new Scheduler(sumOfPresent(s, Scheduler::parallelism), sumOfPresent(s, Scheduler::poolSize),
                sumOfPresent(s, Scheduler::activeThreads), sumOfPresent(s, Scheduler::runningThreads),
                sumOfPresent(s, Scheduler::queuedTasks), sumOfPresent(s, Scheduler::queuedSubmissions),
                sumOfPresent(s, Scheduler::steals),
                m.isEmpty() ? null : new Scheduler.MxBean(sum(m, Scheduler.MxBean::parallelism),
                        sum(m, Scheduler.MxBean::poolSize), sum(m, Scheduler.MxBean::mountedVirtualThreadCount),
                        sum(m, Scheduler.MxBean::queuedVirtualThreadCount)));
    }

    /** GC and CPU-throttling totals add up; the per-window series merges like a heatmap. */
    private Context context() throws UnusableInputException {
        List<Context> c = present(dumps, LoomscopeDump::context);
        if (c.isEmpty()) {
            return null;
        }
        List<Context.Gc> gc = present(c, Context::gc);
        List<Context.CpuThrottling> all = new ArrayList<>();
        c.forEach(context -> all.add(context.cpuThrottling()));
        List<Context.CpuThrottling> t = present(all, Function.identity());
        return new Context(
                gc.isEmpty() ? null : new Context.Gc(union(gc, Context.Gc::collectors), sum(gc, Context.Gc::pauses),
                        sum(gc, Context.Gc::pauseNs), maxOfPresent(gc, Context.Gc::resolutionNs)),
                t.isEmpty() ? null : new Context.CpuThrottling(any(t, Context.CpuThrottling::available),
                        same(all, Context.CpuThrottling::file), sum(t, Context.CpuThrottling::throttledPeriods),
                        sum(t, Context.CpuThrottling::throttledNs)),
                agreed(present(c, Context::columns), "context.columns"),
                rows(c, Context::windows, "context.windows"));
    }

    /**
     * Which JVMs the dump covers. An input that is itself a merge contributes its own inputs, so that a nested merge
     * lists the same JVMs as a flat one.
     */
    private Merged mergedInputs() {
        List<Merged.Input> list = new ArrayList<>();
        for (Dump input : inputs) {
            LoomscopeDump dump = input.model();
            if (dump.merged() != null && dump.merged().inputs() != null) {
                list.addAll(dump.merged().inputs());
                continue;
            }
            Recording recording = dump.recording();
            list.add(new Merged.Input(String.valueOf(input.file().getFileName()), dump.jvm().pid(),
                    dump.jvm().javaVersion(), dump.jvm().startEpochMs(),
                    recording == null ? null : recording.startEpochMs(),
                    recording == null ? null : recording.dumpEpochMs(),
                    recording == null ? null : recording.trigger()));
        }
        return new Merged(list);
    }
}

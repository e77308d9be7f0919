package dev.loomscope.report;

import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Merged;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The long slices of a dump ({@code longSlices.longest}) grouped by the stack where they ran, most time first, with
 * start-up apart: what the report's "Monopolising slices" and the diagnosis show.
 * <p>
 * <b>By stack.</b> A slice's stack is walked once, at an arbitrary moment while it runs, so slices of one hog differ in
 * their innermost frames (inside a digest, a sort, a regex) and agree from the code that called them outward. Slices
 * are therefore one group when their frames agree from the first {@link ApplicationCode application frame} to the end;
 * a stack without one (the JDK's only) is its own key; slices whose stack was not walked are one group.
 * <p>
 * <b>Start-up.</b> Class loading and static initialisers make long slices in the first seconds of a JVM (each class
 * once), which in a long run can outnumber a real hog among the slices the agent keeps. A slice is <em>start-up</em>
 * when it began within the first {@value #STARTUP_SECONDS} s of its JVM's life ({@code jvm.startEpochMs}; in a merged
 * dump, of the JVM the slice ran in) and its stack was loading, linking or initialising a class ({@link #loadsClasses}).
 * Start-up slices are grouped apart and listed after the others; a hog that runs in the first seconds too, without
 * loading classes, is not start-up.
 *
 * @param groups  the other groups, most time first
 * @param startUp the start-up groups, most time first
 */
record SliceGroups(List<Group> groups, List<Group> startUp) {
    /** The start-up period of a JVM, from its start. */
    static final int STARTUP_SECONDS = 10;

    /**
     * Frames of the JVM loading, linking or initialising a class: a static initialiser ({@code <clinit>}), a class
     * loader, {@code Class.forName}, or the linkage of a lambda or {@code invokedynamic} call site.
     */
    private static final List<String> CLASS_LOADING = List.of("java.lang.ClassLoader.", "jdk.internal.loader.",
            "java.net.URLClassLoader.", "java.security.SecureClassLoader.", "java.lang.Class.forName",
            "java.lang.invoke.MethodHandleNatives.link", "java.lang.invoke.InnerClassLambdaMetafactory.");

    /**
     * Slices that ran in one stack.
     *
     * @param slices       longest first
     * @param where        where the longest ran in the user's code; {@code null} if nowhere
     * @param totalNs      their durations, summed
     * @param firstEpochMs when the earliest began
     * @param ongoing      slices still running at the dump
     * @param carriers     carrier thread ids they ran on, in id order
     */
    record Group(List<LongSlices.LongSlice> slices, ApplicationCode.Where where, long totalNs, long firstEpochMs,
                 long ongoing, List<Long> carriers) {
        /** The stack of the longest slice; {@code null} if it was not walked. */
        List<String> frames() {
            return slices.get(0).frames();
        }

        long count() {
            return slices.size();
        }

        long longestNs() {
            return slices.get(0).durationNs();
        }

        /** What the group is called: its application frame, else its innermost frame, else "stack not walked". */
        String name() {
            if (where != null) {
                return where.name();
            }
            return ApplicationCode.withoutApplicationFrame(frames(), "(stack not walked)");
        }
    }

    /** Most time first, then most slices, then the longest. */
    private static final Comparator<Group> ORDER = Comparator.comparingLong(Group::totalNs).reversed()
            .thenComparing(Comparator.comparingLong(Group::count).reversed())
            .thenComparing(Comparator.comparingLong(Group::longestNs).reversed());

    /** All slices in one list: the groups, then start-up. */
    long slices() {
        return groups.stream().mapToLong(Group::count).sum() + startUp.stream().mapToLong(Group::count).sum();
    }

    /** The groups of a dump's kept long slices; empty for a dump without them. */
    static SliceGroups of(LoomscopeDump dump, ApplicationCode code) {
        LongSlices slices = dump.longSlices();
        if (slices == null || slices.longest() == null) {
            return new SliceGroups(List.of(), List.of());
        }
        Map<Long, Long> jvmStarts = jvmStarts(dump);
        List<LongSlices.LongSlice> later = new ArrayList<>();
        List<LongSlices.LongSlice> startUp = new ArrayList<>();
        for (LongSlices.LongSlice slice : slices.longest()) {
            Long jvmStart = jvmStarts.get(slice.pid());
            boolean early = jvmStart != null && slice.startEpochMs() < jvmStart + STARTUP_SECONDS * 1000L;
            (early && loadsClasses(slice.frames()) ? startUp : later).add(slice);
        }
        return new SliceGroups(groups(later, code), groups(startUp, code));
    }

    private static List<Group> groups(List<LongSlices.LongSlice> slices, ApplicationCode code) {
        Map<List<String>, List<LongSlices.LongSlice>> byStack = new LinkedHashMap<>();
        for (LongSlices.LongSlice slice : slices) {
            byStack.computeIfAbsent(key(slice.frames(), code), k -> new ArrayList<>()).add(slice);
        }
        List<Group> groups = new ArrayList<>();
        byStack.values().forEach(same -> groups.add(group(same, code)));
        groups.sort(ORDER);
        return List.copyOf(groups);
    }

    /** Whether the stack was loading, linking or initialising a class (a static initialiser, or frames of {@link #CLASS_LOADING}). */
    static boolean loadsClasses(List<String> frames) {
        if (frames == null) {
            return false;
        }
        for (String frame : frames) {
            if (frame.contains(".<clinit>(") || CLASS_LOADING.stream().anyMatch(frame::startsWith)) {
                return true;
            }
        }
        return false;
    }

    /** What slices of one group share: the frames from the user's code outward, or all of them. */
    private static List<String> key(List<String> frames, ApplicationCode code) {
        if (frames == null) {
            return null;
        }
        int first = code.first(frames);
        return first < 0 ? frames : frames.subList(first, frames.size());
    }

    private static Group group(List<LongSlices.LongSlice> slices, ApplicationCode code) {
        List<LongSlices.LongSlice> longestFirst = new ArrayList<>(slices);
        longestFirst.sort(Comparator.comparingLong(LongSlices.LongSlice::durationNs).reversed());
        long total = 0;
        long first = Long.MAX_VALUE;
        long ongoing = 0;
        List<Long> carriers = new ArrayList<>();
        for (LongSlices.LongSlice slice : longestFirst) {
            total += slice.durationNs();
            first = Math.min(first, slice.startEpochMs());
            ongoing += slice.ongoing() ? 1 : 0;
            if (!carriers.contains(slice.carrierThreadId())) {
                carriers.add(slice.carrierThreadId());
            }
        }
        carriers.sort(null);
        List<String> frames = longestFirst.get(0).frames();
        return new Group(List.copyOf(longestFirst), frames == null ? null : code.where(frames), total, first, ongoing,
                List.copyOf(carriers));
    }

    /**
     * When each JVM started, by the {@code pid} a slice carries: {@code null} (the agent's own dump) for the dump's
     * JVM, the pid of each input for a merged dump's.
     */
    private static Map<Long, Long> jvmStarts(LoomscopeDump dump) {
        Map<Long, Long> starts = new HashMap<>();
        if (dump.jvm() != null && dump.jvm().startEpochMs() > 0) {
            starts.put(null, dump.jvm().startEpochMs());
            starts.put(dump.jvm().pid(), dump.jvm().startEpochMs());
        }
        if (dump.merged() != null && dump.merged().inputs() != null) {
            for (Merged.Input input : dump.merged().inputs()) {
                if (input.pid() != null && input.jvmStartEpochMs() != null) {
                    starts.put(input.pid(), input.jvmStartEpochMs());
                }
            }
        }
        return starts;
    }
}

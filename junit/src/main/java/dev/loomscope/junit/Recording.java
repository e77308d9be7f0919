package dev.loomscope.junit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loomscope.format.LatencySummary;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.SiteRanking;
import dev.loomscope.format.Sites;
import dev.loomscope.validation.DumpValidation;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** One snapshot of the in-process recording, and what changed between two of them (a test's own share). */
final class Recording {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // only ever added within loomscope/1
            .build();
    private final LoomscopeDump dump;

    private Recording(LoomscopeDump dump) {
        this.dump = dump;
    }

    /**
     * The recording in {@code json}, checked as every reader of a dump checks it ({@link DumpValidation}) before any
     * of it is used: a dump from an agent of another version, or a broken one, fails the test in one line naming
     * {@code source} and the field, rather than with a wrong budget or a stack trace from deep inside.
     */
    static Recording parse(byte[] json, String source) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (IOException e) {
            throw unusable(source, "not JSON (" + e.getMessage().lines().findFirst().orElse("parse error") + ")");
        }
        Optional<DumpValidation.Problem> problem = DumpValidation.check(tree);
        if (problem.isPresent()) {
            throw unusable(source, problem.get().toString());
        }
        try {
            return new Recording(JSON.treeToValue(tree, LoomscopeDump.class));
        } catch (JsonMappingException e) {
            throw unusable(source, DumpValidation.pointer(e) + ": not what " + LoomscopeDump.SCHEMA + " has there");
        } catch (IOException e) {
            throw unusable(source, e.getMessage());
        }
    }

    private static AssertionError unusable(String source, String problem) {
        return new AssertionError("@LoomscopeBudget cannot use the recording of " + source + ": " + problem
                + " (is the agent jar of the same Loomscope version as loomscope-junit?)");
    }

    LoomscopeDump dump() {
        return dump;
    }

    /** The latency distribution recorded since {@code before} (HdrHistograms subtract exactly); empty if none. */
    Histogram latencySince(Recording before, String metric) {
        Histogram now = histogram(dump, metric);
        now.subtract(histogram(before.dump, metric));
        return now;
    }

    private static Histogram histogram(LoomscopeDump dump, String metric) {
        LatencySummary summary = dump.latencies().metric(metric);
        return summary == null ? new Histogram(3) : summary.histogram();
    }

    long countSince(Recording before, ToLongFunction<LoomscopeDump> count) {
        return count.applyAsLong(dump) - count.applyAsLong(before.dump);
    }

    /**
     * Sites of one list ({@code Sites::wake}, {@code Sites::pinned}, ...) whose count grew since {@code before}, each
     * with what was charged to it since, in {@link SiteRanking}'s order over that share: the sampled sites this test
     * added to, the one it charged most latency to first. A site {@code before} did not list (it ranked below the
     * agent's {@code topSites} then) is taken as new: its share includes what it had before.
     */
    List<SiteGrowth> sitesSince(Recording before, Function<Sites, List<? extends Sites.Site>> list) {
        if (dump.sites() == null) {
            return List.of(); // an earlier agent's dump without sites
        }
        Map<List<String>, Sites.Site> earlier = new HashMap<>();
        for (Sites.Site site : before.dump.sites() == null ? List.<Sites.Site>of() : list.apply(before.dump.sites())) {
            earlier.put(site.frames(), site);
        }
        List<SiteGrowth> grown = new ArrayList<>();
        for (Sites.Site site : list.apply(dump.sites())) {
            Sites.Site then = earlier.get(site.frames());
            long added = site.count() - (then == null ? 0 : then.count());
            if (added > 0) {
                grown.add(new SiteGrowth(site.frames(), added, site.chargedNanos() - (then == null ? 0
                        : then.chargedNanos()), site.charges() == null ? null
                        : site.charges().since(then == null ? null : then.charges())));
            }
        }
        grown.sort(SiteRanking.order(SiteGrowth::chargedNanos, SiteGrowth::added));
        return grown;
    }

    /**
     * The long slices that held a carrier since {@code before}: those this dump lists ({@code longSlices.longest})
     * except the ones {@code before} listed as already finished. A slice that finished before it and is missing from
     * its list was shorter than the 20 it kept, so it cannot be among this dump's either.
     */
    List<LongSlices.LongSlice> longSlicesSince(Recording before) {
        if (dump.longSlices() == null) {
            return List.of(); // an earlier agent's dump without long slices
        }
        Set<List<Long>> finishedBefore = new HashSet<>();
        for (LongSlices.LongSlice slice : before.dump.longSlices() == null ? List.<LongSlices.LongSlice>of()
                : before.dump.longSlices().longest()) {
            if (!slice.ongoing()) {
                finishedBefore.add(List.of(slice.threadId(), slice.startEpochMs()));
            }
        }
        List<LongSlices.LongSlice> since = new ArrayList<>();
        for (LongSlices.LongSlice slice : dump.longSlices().longest()) {
            if (!finishedBefore.contains(List.of(slice.threadId(), slice.startEpochMs()))) {
                since.add(slice);
            }
        }
        return since;
    }

    /** The agent's {@code longSlice} threshold: run slices at least this long are listed as long slices. */
    long longSliceThresholdNanos() {
        return dump.longSlices() == null ? 0 : dump.longSlices().thresholdNs();
    }

    /**
     * A site and its share of a test.
     *
     * @param added        sampled events added at the site
     * @param chargedNanos latency charged to the site meanwhile
     * @param charges      what was charged meanwhile, with its own p99; null if the dump carries no buckets for it
     */
    record SiteGrowth(List<String> frames, long added, long chargedNanos, Sites.Charges charges) {
    }
}

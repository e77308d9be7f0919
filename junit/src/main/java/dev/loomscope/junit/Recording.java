package dev.loomscope.junit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Sites;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    static Recording parse(byte[] json) throws IOException {
        return new Recording(JSON.readValue(json, LoomscopeDump.class));
    }

    /** The latency distribution recorded since {@code before} (HdrHistograms subtract exactly). */
    Histogram latencySince(Recording before, String metric) {
        Histogram now = dump.latencies().metric(metric).histogram();
        now.subtract(before.dump.latencies().metric(metric).histogram());
        return now;
    }

    long countSince(Recording before, ToLongFunction<LoomscopeDump> count) {
        return count.applyAsLong(dump) - count.applyAsLong(before.dump);
    }

    /**
     * Sites of one list ({@code Sites::wake}, {@code Sites::pinned}, ...) whose count grew since {@code before}, with
     * the growth, worst p99 first, then most added: the sampled sites this test added to.
     */
    List<SiteGrowth> sitesSince(Recording before, Function<Sites, List<? extends Sites.Site>> list) {
        Map<List<String>, Long> earlier = new HashMap<>();
        for (Sites.Site site : list.apply(before.dump.sites())) {
            earlier.put(site.frames(), site.count());
        }
        List<SiteGrowth> grown = new ArrayList<>();
        for (Sites.Site site : list.apply(dump.sites())) {
            long added = site.count() - earlier.getOrDefault(site.frames(), 0L);
            if (added > 0) {
                grown.add(new SiteGrowth(site.frames(), added, site.charges() == null ? 0 : site.charges().p99Ns()));
            }
        }
        grown.sort((a, b) -> a.p99Nanos() != b.p99Nanos() ? Long.compare(b.p99Nanos(), a.p99Nanos())
                : Long.compare(b.added(), a.added()));
        return grown;
    }

    /** @param p99Nanos the site's p99 over the whole recording (its growth alone is not kept per site) */
    record SiteGrowth(List<String> frames, long added, long p99Nanos) {
        /** The innermost three frames outside the JDK, innermost first: what a reader of the test recognises. */
        String headline() {
            List<String> own = new ArrayList<>();
            for (String frame : frames) {
                if (!frame.startsWith("java.") && !frame.startsWith("jdk.") && !frame.startsWith("sun.")) {
                    own.add(frame);
                    if (own.size() == 3) {
                        break;
                    }
                }
            }
            return own.isEmpty() ? (frames.isEmpty() ? "(no frames)" : frames.get(0)) : String.join(" <- ", own);
        }
    }
}

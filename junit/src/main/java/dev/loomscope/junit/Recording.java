package dev.loomscope.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

/** One snapshot of the in-process recording, and what changed between two of them (a test's own share). */
final class Recording {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode root;

    private Recording(JsonNode root) {
        this.root = root;
    }

    static Recording parse(byte[] json) throws IOException {
        return new Recording(JSON.readTree(json));
    }

    /** The latency distribution recorded since {@code before} (HdrHistograms subtract exactly). */
    Histogram latencySince(Recording before, String name) throws DataFormatException {
        Histogram now = histogram(root.at("/latencies/" + name + "/hdr").asText());
        Histogram then = histogram(before.root.at("/latencies/" + name + "/hdr").asText());
        now.subtract(then);
        return now;
    }

    long countSince(Recording before, String pointer) {
        return root.at(pointer).asLong() - before.root.at(pointer).asLong();
    }

    /**
     * Sites of {@code kind} (sites.wake, sites.pinned, ...) whose count grew since {@code before}, with the growth,
     * most first: the sampled sites this test added to.
     */
    List<SiteGrowth> sitesSince(Recording before, String kind) {
        Map<String, Long> earlier = new HashMap<>();
        for (JsonNode site : before.root.at("/sites/" + kind)) {
            earlier.put(site.get("frames").toString(), site.get("count").asLong());
        }
        List<SiteGrowth> grown = new ArrayList<>();
        for (JsonNode site : root.at("/sites/" + kind)) {
            long added = site.get("count").asLong() - earlier.getOrDefault(site.get("frames").toString(), 0L);
            if (added > 0) {
                List<String> frames = new ArrayList<>();
                site.get("frames").forEach(f -> frames.add(f.asText()));
                grown.add(new SiteGrowth(frames, added, site.path(kind.equals("pinned") ? "pinnedBlocked"
                        : "wakeToRun").path("p99Ns").asLong()));
            }
        }
        grown.sort((a, b) -> a.p99Nanos() != b.p99Nanos() ? Long.compare(b.p99Nanos(), a.p99Nanos())
                : Long.compare(b.added(), a.added()));
        return grown;
    }

    private static Histogram histogram(String base64) throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
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

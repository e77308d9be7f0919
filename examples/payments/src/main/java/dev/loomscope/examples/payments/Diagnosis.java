package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The short diagnosis of a Loomscope dump ({@code loomscope/1}, docs/schema.md):
 * {@code java -cp payment-service.jar dev.loomscope.examples.payments.Diagnosis DUMP.json [--app=PREFIX,...]}.
 *
 * <p>Headline latencies, the top block sites, pinned sites, leak clusters and the longest (carrier-monopolising)
 * slices, each site named by its innermost <em>application</em> frame: the first frame whose class starts with one of
 * the {@code --app} prefixes, or without {@code --app} the first frame outside the JDK. The frame the application
 * called there (the blocking primitive, e.g. {@code ReentrantLock.lock}) follows after "via". "none" where a section
 * is empty. Exit code 0, or 2 if the file is not a Loomscope dump.
 */
public final class Diagnosis {
    private static final String[] JDK = {"java.", "javax.", "jdk.", "sun.", "com.sun."};
    private static final int TOP = 5;

    private final JsonNode dump;
    private final List<String> appPrefixes;

    Diagnosis(JsonNode dump, List<String> appPrefixes) {
        this.dump = dump;
        this.appPrefixes = appPrefixes;
    }

    public static void main(String[] args) {
        Path file = null;
        List<String> app = List.of();
        for (String arg : args) {
            if (arg.startsWith("--app=")) {
                app = List.of(arg.substring("--app=".length()).split(","));
            } else if (file == null && !arg.startsWith("--")) {
                file = Path.of(arg);
            } else {
                System.err.println("usage: Diagnosis DUMP.json [--app=PACKAGE_PREFIX,...]");
                System.exit(2);
            }
        }
        if (file == null) {
            System.err.println("usage: Diagnosis DUMP.json [--app=PACKAGE_PREFIX,...]");
            System.exit(2);
        }
        try {
            JsonNode dump = new ObjectMapper().readTree(Files.readString(file));
            if (dump == null || !"loomscope/1".equals(dump.path("schema").asText())) {
                System.err.println("diagnosis: " + file + " is not a loomscope/1 dump");
                System.exit(2);
            }
            new Diagnosis(dump, app).print(file.toString(), System.out);
        } catch (IOException e) {
            System.err.println("diagnosis: cannot read " + file + ": " + e.getMessage());
            System.exit(2);
        }
    }

    void print(String name, PrintStream out) {
        JsonNode counts = dump.path("counts");
        JsonNode recording = dump.path("recording");
        out.printf(Locale.ROOT, "Loomscope diagnosis of %s%n", name);
        out.printf(Locale.ROOT, "  %s dump after %s of Java %s (pid %d): %,d virtual threads created, %,d blocks"
                        + " (%,d pinned), %,d records dropped%n",
                recording.path("trigger").asText("?"), duration(recording.path("durationNs").asLong()),
                dump.path("jvm").path("javaVersion").asText("?"), dump.path("jvm").path("pid").asLong(),
                counts.path("created").asLong(), counts.path("blocks").asLong(), counts.path("pinnedBlocks").asLong(),
                counts.path("dropped").asLong());

        out.println();
        out.println("Headline latencies           count        p50        p99      p99.9        max");
        JsonNode latencies = dump.path("latencies");
        for (String kind : List.of("wakeToRun", "blocked", "startDelay", "runSlice")) {
            JsonNode l = latencies.path(kind);
            out.printf(Locale.ROOT, "  %-22s %,11d %10s %10s %10s %10s%n", kind, l.path("count").asLong(),
                    duration(l.path("p50").asLong()), duration(l.path("p99").asLong()),
                    duration(l.path("p999").asLong()), duration(l.path("max").asLong()));
        }

        // Every kind of block, sampled site or not (monitor waits on JDK 24+ are counted here).
        StringBuilder byKind = new StringBuilder();
        latencies.path("blockedByKind").properties().forEach(e -> {
            if (e.getValue().path("count").asLong() > 0) {
                byKind.append(byKind.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %,d (p99 %s)",
                        e.getKey(), e.getValue().path("count").asLong(), duration(e.getValue().path("p99").asLong())));
            }
        });
        out.println("  blocked by kind: " + (byKind.isEmpty() ? "none" : byKind));

        JsonNode sites = dump.path("sites");
        int sampleEvery = sites.path("sampleEvery").asInt();
        out.println();
        String critical = dump.path("agent").path("options").path("critical").asText("");
        out.printf(Locale.ROOT, "Top block sites (by total blocked time; sampled blocks: 1 in %d%s)%n", sampleEvery,
                critical.isEmpty() ? "" : ", all of threads named " + critical.replace("|", " or ") + "*");
        List<Grouped> blocks = group(sites.path("block"), "blocked");
        if (blocks.isEmpty()) {
            out.println("  none");
        }
        for (int i = 0; i < Math.min(TOP, blocks.size()); i++) {
            Grouped g = blocks.get(i);
            out.printf(Locale.ROOT, "  %d. %s  %s  %,d blocks%s  total %s  p99 %s%s%n", i + 1, g.appFrame, g.kinds,
                    g.count, stillBlocked(g), duration(g.totalNs), duration(g.p99Ns), via(g.via));
        }

        out.println();
        out.println("Pinned (a virtual thread parked while it could not leave its carrier)");
        List<Grouped> pinned = group(sites.path("pinned"), "pinnedBlocked");
        if (pinned.isEmpty()) {
            out.println("  none");
        }
        for (int i = 0; i < Math.min(TOP, pinned.size()); i++) {
            Grouped g = pinned.get(i);
            out.printf(Locale.ROOT, "  %d. %s  %,d pinned blocks%s  total %s  p99 %s%s%n", i + 1, g.appFrame,
                    g.count, stillBlocked(g), duration(g.totalNs), duration(g.p99Ns), via(g.via));
            if (!g.callers.isEmpty()) {
                // What holds the pin (a native frame, a class initialiser) is often a caller, not the parking frame.
                out.printf(Locale.ROOT, "     called from %s%n", String.join(" < ", g.callers));
            }
        }

        JsonNode leaks = dump.path("leaks");
        out.println();
        out.printf(Locale.ROOT, "Leaks (virtual threads blocked for %s or more at the dump)%n",
                duration(leaks.path("thresholdNs").asLong()));
        if (leaks.path("clusters").isEmpty()) {
            out.println("  none");
        }
        int n = 0;
        for (JsonNode cluster : leaks.path("clusters")) {
            if (++n > TOP) {
                break;
            }
            Frames f = frames(cluster.path("frames"));
            out.printf(Locale.ROOT, "  %d. %,d threads at %s  %s  oldest blocked %s%s%n", n,
                    cluster.path("threads").asLong(), f.app, kinds(cluster.path("kinds")),
                    duration(cluster.path("oldestBlockedNs").asLong()), via(f.via));
        }

        JsonNode slices = dump.path("longSlices");
        out.println();
        out.printf(Locale.ROOT, "Monopolising slices (a virtual thread kept its carrier %s or more): %,d%n",
                duration(slices.path("thresholdNs").asLong()), slices.path("count").asLong());
        if (slices.path("longest").isEmpty()) {
            out.println("  none");
        }
        n = 0;
        Map<String, long[]> bySite = new LinkedHashMap<>();
        for (JsonNode slice : slices.path("longest")) {
            Frames f = frames(slice.path("frames"));
            long[] site = bySite.computeIfAbsent(f.app, k -> new long[2]);
            site[0]++;
            site[1] = Math.max(site[1], slice.path("durationNs").asLong());
            if (++n <= TOP) {
                out.printf(Locale.ROOT, "  %d. %s%s at %s%n", n, duration(slice.path("durationNs").asLong()),
                        slice.path("ongoing").asBoolean() ? " (still running)" : "", f.app);
            }
        }
        if (n > TOP) {
            List<Map.Entry<String, long[]>> ranked = new ArrayList<>(bySite.entrySet());
            ranked.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed());
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < Math.min(TOP, ranked.size()); i++) {
                line.append(i == 0 ? "" : ", ").append(ranked.get(i).getKey()).append(" x")
                        .append(ranked.get(i).getValue()[0]);
            }
            out.printf(Locale.ROOT, "  where the %d longest ran: %s%n", n, line);
        }
    }

    /** Sites of one kind grouped by innermost application frame, kinds and callee; largest total first. */
    private List<Grouped> group(JsonNode sites, String chargesField) {
        Map<String, Grouped> byKey = new LinkedHashMap<>();
        for (JsonNode site : sites) {
            Frames f = frames(site.path("frames"));
            String kinds = site.has("kinds") ? kinds(site.path("kinds")) : "pinned";
            Grouped g = byKey.computeIfAbsent(f.app + '|' + kinds + '|' + f.via,
                    k -> new Grouped(f.app, kinds, f.via, f.callers));
            JsonNode charges = site.path(chargesField);
            g.count += site.path("count").asLong();
            g.ended += charges.path("count").asLong();
            g.totalNs += charges.path("totalNs").asLong();
            g.p99Ns = Math.max(g.p99Ns, charges.path("p99Ns").asLong());
        }
        List<Grouped> list = new ArrayList<>(byKey.values());
        list.sort(Comparator.comparingLong((Grouped g) -> g.totalNs).reversed());
        return list;
    }

    private static final class Grouped {
        final String appFrame;
        final String kinds;
        final String via;
        final List<String> callers;
        long count;
        /** Blocks that ended (their time is in the total); the others were still blocked at the dump. */
        long ended;
        long totalNs;
        long p99Ns;

        Grouped(String appFrame, String kinds, String via, List<String> callers) {
            this.appFrame = appFrame;
            this.kinds = kinds;
            this.via = via;
            this.callers = callers;
        }
    }

    /**
     * The innermost application frame (short form), the frame it called (if any), and the application frames
     * that called it (short method names, at most 4).
     */
    record Frames(String app, String via, List<String> callers) {
        Frames(String app, String via) {
            this(app, via, List.of());
        }
    }

    Frames frames(JsonNode frames) {
        if (frames == null || !frames.isArray() || frames.isEmpty()) {
            return new Frames("(stack not sampled)", null);
        }
        List<String> list = new ArrayList<>();
        frames.forEach(f -> list.add(f.asText()));
        for (int i = 0; i < list.size(); i++) {
            if (isApp(list.get(i))) {
                List<String> callers = new ArrayList<>();
                for (int j = i + 1; j < list.size() && callers.size() < 4 && isApp(list.get(j)); j++) {
                    callers.add(shortMethod(list.get(j)));
                }
                return new Frames(shortFrame(list.get(i)), i == 0 ? null : shortMethod(list.get(i - 1)), callers);
            }
        }
        // No application frame (e.g. a class initialiser in a library before the application's code runs): the first
        // frame outside the JDK, else the innermost one.
        for (String frame : list) {
            if (!isJdk(frame)) {
                return new Frames(shortFrame(frame) + " [no application frame]", null);
            }
        }
        return new Frames(shortFrame(list.get(0)) + " [no application frame]", null);
    }

    private boolean isApp(String frame) {
        return appPrefixes.isEmpty() ? !isJdk(frame) : appPrefixes.stream().anyMatch(frame::startsWith);
    }

    private static boolean isJdk(String frame) {
        for (String jdk : JDK) {
            if (frame.startsWith(jdk)) {
                return true;
            }
        }
        return false;
    }

    /** {@code a.b.C$D.m(C.java:12)} → {@code C$D.m(C.java:12)}. */
    static String shortFrame(String frame) {
        int paren = frame.indexOf('(');
        String method = paren < 0 ? frame : frame.substring(0, paren);
        return shortMethod(method) + (paren < 0 ? "" : frame.substring(paren));
    }

    /** {@code a.b.C$D.m(C.java:12)} → {@code C$D.m}. */
    static String shortMethod(String frame) {
        int paren = frame.indexOf('(');
        String method = paren < 0 ? frame : frame.substring(0, paren);
        int dot = method.lastIndexOf('.');
        int classDot = dot < 0 ? -1 : method.lastIndexOf('.', dot - 1);
        return method.substring(classDot + 1);
    }

    /** Blocks still going on at the dump are counted, but their time is not yet in the total and percentiles. */
    private static String stillBlocked(Grouped g) {
        return g.count > g.ended ? String.format(Locale.ROOT, " (%,d still blocked)", g.count - g.ended) : "";
    }

    private static String via(String via) {
        return via == null ? "" : "  via " + via;
    }

    private static String kinds(JsonNode kinds) {
        List<String> names = new ArrayList<>();
        kinds.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "?" : String.join("+", names);
    }

    /** Nanoseconds, shortly: 850 ns, 12.3 µs, 4.56 ms, 1.23 s. */
    static String duration(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, nanos < 10_000_000 ? "%.2f ms" : "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}

package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Merges dumps of many JVMs of one service into one {@code loomscope/1} dump (docs/report.md, "merge"): counts add up,
 * distributions are merged exactly through their embedded HdrHistograms, heatmaps add window by window
 * ({@link HeatmapMerger}), call sites and leak clusters add up by identical frames ({@link RankedLists}). The result
 * is a valid dump that every command reads, and it records which dumps it was made from ({@code merged.inputs}).
 * <p>
 * The merge is associative, so a fleet can be merged in any grouping (per host, then per region) with the same result;
 * only the cut to the top N sites and clusters can make a nested merge differ, when more than N distinct ones exist.
 */
final class DumpMerger {
    /** Sites per kind, leak clusters and long slices kept: the agent's own default ({@code topSites}). */
    static final int DEFAULT_TOP = 20;
    /**
     * Options expected to differ between JVMs, and that do not change what is recorded: the JVM's own files, the
     * address of its metrics endpoint (a pod's IP), and its service label (derived from the main class when not given).
     */
    private static final Set<String> PER_JVM_OPTIONS = Set.of("out", "dump", "metrics", "service");
    /** Sections this version merges; any other is left out, with a note. */
    private static final Set<String> SECTIONS = Set.of("schema", "jvm", "agent", "recording", "counts", "recorder",
            "carriers", "latencies", "longSlices", "sites", "leaks", "heatmaps", "scheduler", "context", "merged");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DumpMerger() {
    }

    /** @param notes what the user should know about the inputs (differing options, sections left out) */
    record Result(ObjectNode dump, List<String> notes) {
    }

    static Result merge(List<Dump> inputs, int top) throws UnusableInputException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no dumps to merge");
        }
        List<String> notes = new ArrayList<>();
        JsonNode first = inputs.get(0).json();
        ObjectNode out = NODES.objectNode();
        out.put("schema", Dump.SCHEMA);
        // The merged dump must be one of a JVM to every reader: the first input's stands for the fleet.
        out.set("jvm", first.get("jvm").deepCopy());
        out.set("agent", agent(inputs, notes));
        out.set("recording", recording(inputs));
        put(out, "counts", TreeSum.merge(sections(inputs, "counts"), TreeSum.SUM_ALL));
        put(out, "recorder", TreeSum.merge(sections(inputs, "recorder"), TreeSum.SUM_ALL));
        put(out, "carriers", carriers(inputs));
        out.set("latencies", latencies(inputs, "/latencies"));
        put(out, "longSlices", longSlices(inputs, top, notes));
        put(out, "sites", rankedSection(inputs, "sites", "sampleEvery", RankedLists.BY_TIME_THEN_COUNT,
                field -> field.equals("p99Ns") ? TreeSum.Rule.MAX : TreeSum.Rule.SUM, top, notes));
        put(out, "leaks", rankedSection(inputs, "leaks", "thresholdNs", RankedLists.BY_THREADS,
                field -> field.equals("oldestBlockedNs") ? TreeSum.Rule.MAX : TreeSum.Rule.SUM, top, notes));
        put(out, "heatmaps", heatmaps(inputs));
        put(out, "scheduler", TreeSum.merge(sections(inputs, "scheduler"), TreeSum.SUM_ALL));
        put(out, "context", context(inputs));
        out.set("merged", merged(inputs));

        Set<String> unknown = new LinkedHashSet<>();
        for (Dump input : inputs) {
            input.json().fieldNames().forEachRemaining(name -> {
                if (!SECTIONS.contains(name)) {
                    unknown.add(name);
                }
            });
        }
        if (!unknown.isEmpty()) {
            notes.add("left out sections this version does not know how to merge: " + String.join(", ", unknown));
        }
        return new Result(out, notes);
    }

    private static void put(ObjectNode out, String name, JsonNode value) {
        if (value != null) {
            out.set(name, value);
        }
    }

    /** The section of every input, {@code null} where an input lacks it. */
    private static List<JsonNode> sections(List<Dump> inputs, String name) {
        List<JsonNode> nodes = new ArrayList<>();
        for (Dump input : inputs) {
            nodes.add(input.json().get(name));
        }
        return nodes;
    }

    /** The objects at {@code pointer} of the inputs that have one. */
    private static List<JsonNode> objects(List<Dump> inputs, String pointer) {
        List<JsonNode> nodes = new ArrayList<>();
        for (Dump input : inputs) {
            JsonNode node = input.json().at(pointer);
            if (node.isObject()) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /**
     * The first input's version and options (notes name options that differ); hooks: a hook missing in any JVM is
     * missing in the merge, since the events it produces are absent from that JVM's counts.
     */
    private static ObjectNode agent(List<Dump> inputs, List<String> notes) {
        JsonNode first = inputs.get(0).json().path("agent");
        ObjectNode agent = NODES.objectNode();
        if (first.has("version")) {
            agent.set("version", first.get("version").deepCopy());
        }
        ObjectNode options = first.path("options").isObject() ? first.get("options").deepCopy() : NODES.objectNode();
        agent.set("options", options);
        Set<String> differing = new LinkedHashSet<>();
        Set<String> versions = new LinkedHashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        Set<String> applied = new LinkedHashSet<>();
        for (Dump input : inputs) {
            JsonNode a = input.json().path("agent");
            versions.add(a.path("version").asText("?"));
            for (Map.Entry<String, JsonNode> option : a.path("options").properties()) {
                String name = option.getKey();
                if (!PER_JVM_OPTIONS.contains(name) && !option.getValue().equals(options.get(name))) {
                    differing.add(name);
                }
            }
            a.path("hooks").path("missing").forEach(h -> missing.add(h.asText()));
            a.path("hooks").path("applied").forEach(h -> applied.add(h.asText()));
        }
        applied.removeAll(missing);
        ObjectNode hooks = agent.putObject("hooks");
        applied.forEach(hooks.putArray("applied")::add);
        missing.forEach(hooks.putArray("missing")::add);
        if (versions.size() > 1) {
            notes.add("inputs come from different agent versions (" + String.join(", ", versions) + ")");
        }
        if (!differing.isEmpty()) {
            notes.add("inputs differ in agent options " + String.join(", ", differing)
                    + "; agent.options of the merged dump are the first input's");
        }
        return agent;
    }

    /**
     * The span of all recordings: from the earliest start to the latest end. Late if any input attached late (its
     * counts miss what came before the attach).
     */
    private static ObjectNode recording(List<Dump> inputs) {
        JsonNode first = inputs.get(0).json().path("recording");
        ObjectNode recording = NODES.objectNode();
        recording.put("trigger", first.path("trigger").asText("exit"));
        boolean late = false;
        long start = Long.MAX_VALUE;
        long dump = Long.MIN_VALUE;
        long endNanos = Long.MIN_VALUE;
        for (Dump input : inputs) {
            JsonNode r = input.json().path("recording");
            late |= r.path("attach").asText().equals("late");
            long s = r.path("startEpochMs").asLong();
            start = Math.min(start, s);
            dump = Math.max(dump, r.path("dumpEpochMs").asLong());
            endNanos = Math.max(endNanos, s * 1_000_000 + r.path("durationNs").asLong());
        }
        recording.put("attach", late ? "late" : "startup");
        recording.put("startEpochMs", start);
        recording.put("dumpEpochMs", dump);
        recording.put("durationNs", endNanos - start * 1_000_000);
        return recording;
    }

    /** Totals add up; per-carrier entries add up by column (the same column of every JVM), as the heatmaps do. */
    private static JsonNode carriers(List<Dump> inputs) {
        List<JsonNode> totals = new ArrayList<>();
        List<JsonNode> perCarrier = new ArrayList<>();
        for (JsonNode carriers : sections(inputs, "carriers")) {
            if (carriers == null || !carriers.isObject()) {
                totals.add(null);
                continue;
            }
            ObjectNode copy = carriers.deepCopy();
            JsonNode list = copy.remove("perCarrier");
            if (list != null && list.isArray()) {
                perCarrier.add(list);
            }
            totals.add(copy);
        }
        JsonNode merged = TreeSum.merge(totals, TreeSum.SUM_ALL);
        if (merged != null && !perCarrier.isEmpty()) {
            ((ObjectNode) merged).set("perCarrier", RankedLists.merge(perCarrier,
                    entry -> entry.path("column").asText(),
                    field -> switch (field) {
                        case "column", "threadId" -> TreeSum.Rule.SAME;
                        case "longestSliceNs" -> TreeSum.Rule.MAX;
                        default -> TreeSum.Rule.SUM;
                    },
                    Comparator.comparingLong(entry -> entry.path("column").asLong()), Integer.MAX_VALUE));
        }
        return merged;
    }

    /** Every distribution (an object with {@code hdr}) merged exactly; nested groups such as blockedByKind too. */
    private static ObjectNode latencies(List<Dump> inputs, String pointer) throws UnusableInputException {
        Set<String> names = fieldNames(objects(inputs, pointer));
        ObjectNode out = NODES.objectNode();
        for (String name : names) {
            String child = pointer + "/" + name;
            List<JsonNode> nodes = objects(inputs, child);
            if (nodes.stream().anyMatch(n -> n.has("hdr"))) {
                out.set(name, distribution(inputs, child));
            } else if (!nodes.isEmpty()) {
                out.set(name, latencies(inputs, child));
            }
        }
        return out;
    }

    /**
     * One distribution: the inputs' histograms added into one, re-encoded, and every headline value recomputed from
     * it, so the merged p99 is the p99 of all samples pooled (not an average of p99s, which means nothing).
     */
    private static ObjectNode distribution(List<Dump> inputs, String pointer) throws UnusableInputException {
        Histogram sum = null;
        long clamped = 0;
        String unit = null;
        String field = pointer.substring(1).replace('/', '.');
        for (Dump input : inputs) {
            JsonNode node = input.json().at(pointer);
            if (node.isMissingNode()) {
                continue;
            }
            String where = input.file() + ": " + field;
            if (!node.path("hdr").isTextual()) {
                throw new UnusableInputException(where + " has no \"hdr\" histogram");
            }
            String u = node.path("unit").asText("ns");
            if (unit != null && !unit.equals(u)) {
                throw new UnusableInputException(where + " is in " + u + ", other inputs in " + unit);
            }
            unit = u;
            Histogram h = HdrCodec.decode(node.get("hdr").asText(), where + ".hdr");
            if (sum == null) {
                sum = new Histogram(h.getLowestDiscernibleValue(), h.getHighestTrackableValue(),
                        h.getNumberOfSignificantValueDigits());
                sum.setAutoResize(true); // an input with a wider range must still fit
            }
            sum.add(h);
            clamped += node.path("clamped").asLong();
        }
        ObjectNode s = NODES.objectNode();
        s.put("unit", unit);
        long count = sum.getTotalCount();
        s.put("count", count);
        s.put("min", count == 0 ? 0 : sum.getMinValue());
        s.put("mean", count == 0 ? 0 : Math.round(sum.getMean()));
        s.put("p50", count == 0 ? 0 : sum.getValueAtPercentile(50));
        s.put("p90", count == 0 ? 0 : sum.getValueAtPercentile(90));
        s.put("p99", count == 0 ? 0 : sum.getValueAtPercentile(99));
        s.put("p999", count == 0 ? 0 : sum.getValueAtPercentile(99.9));
        s.put("max", count == 0 ? 0 : sum.getMaxValue());
        s.put("clamped", clamped);
        s.put("hdr", HdrCodec.encode(sum));
        return s;
    }

    /** Counts add up; the longest slices of all JVMs, each marked with its JVM's pid, longest first. */
    private static ObjectNode longSlices(List<Dump> inputs, int top, List<String> notes) {
        List<JsonNode> present = objects(inputs, "/longSlices");
        if (present.isEmpty()) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        out.set("thresholdNs", setting(present, "thresholdNs", "longSlices", notes));
        out.put("count", present.stream().mapToLong(n -> n.path("count").asLong()).sum());
        List<JsonNode> slices = new ArrayList<>();
        for (Dump input : inputs) {
            for (JsonNode slice : input.json().path("longSlices").path("longest")) {
                if (!slice.isObject()) {
                    continue;
                }
                ObjectNode marked = NODES.objectNode();
                copy(input.json().path("jvm"), "pid", marked, "pid"); // replaced below if a merge marked it already
                marked.setAll((ObjectNode) slice);
                slices.add(marked);
            }
        }
        slices.sort(Comparator.comparingLong((JsonNode n) -> n.path("durationNs").asLong()).reversed()
                .thenComparingLong(n -> n.path("startEpochMs").asLong())
                .thenComparingLong(n -> n.path("pid").asLong())
                .thenComparingLong(n -> n.path("threadId").asLong()));
        slices.stream().limit(top).forEach(out.putArray("longest")::add);
        return out;
    }

    /**
     * {@code sites} and {@code leaks}: lists merged by identical frames and cut to the top N, numbers added, except
     * {@code setting} (how the JVMs were configured: see {@link #setting}).
     */
    private static ObjectNode rankedSection(List<Dump> inputs, String section, String setting,
                                            Comparator<JsonNode> order, Function<String, TreeSum.Rule> rules,
                                            int top, List<String> notes) {
        List<JsonNode> present = objects(inputs, "/" + section);
        if (present.isEmpty()) {
            return null;
        }
        Set<String> names = fieldNames(present);
        ObjectNode out = NODES.objectNode();
        for (String name : names) {
            List<JsonNode> values = new ArrayList<>();
            present.forEach(n -> values.add(n.get(name)));
            if (name.equals(setting)) {
                out.set(name, setting(present, name, section, notes));
            } else if (values.stream().allMatch(v -> v == null || v.isArray())) {
                out.set(name, RankedLists.merge(values.stream().filter(v -> v != null).toList(),
                        RankedLists::framesKey, rules, order, top));
            } else {
                JsonNode merged = TreeSum.merge(values, TreeSum.SUM_ALL);
                if (merged != null) {
                    out.set(name, merged);
                }
            }
        }
        return out;
    }

    /**
     * A setting of the recording where inputs may differ, with a note if they do. A threshold ({@code thresholdNs}:
     * long slices, leaks) becomes the smallest of the inputs', the one that every merged entry is known to reach;
     * anything else ({@code sampleEvery}) is the first input's.
     */
    private static JsonNode setting(List<JsonNode> sections, String field, String section, List<String> notes) {
        JsonNode first = sections.get(0).path(field);
        if (sections.stream().allMatch(n -> n.path(field).equals(first))) {
            return first.deepCopy();
        }
        if (field.equals("thresholdNs")) {
            long min = sections.stream().mapToLong(n -> n.path(field).asLong(Long.MAX_VALUE)).min().orElseThrow();
            notes.add("inputs differ in " + section + "." + field + "; the merged dump has the smallest (" + min + ")");
            return JsonNodeFactory.instance.numberNode(min);
        }
        notes.add("inputs differ in " + section + "." + field + "; the merged dump has the first input's (" + first
                + ")");
        return first.deepCopy();
    }

    /** Heatmaps of the same window length, merged row by row. Different windows cannot be aligned: refused. */
    private static ObjectNode heatmaps(List<Dump> inputs) throws UnusableInputException {
        List<JsonNode> present = objects(inputs, "/heatmaps");
        if (present.isEmpty()) {
            return null;
        }
        JsonNode window = present.get(0).path("windowMs");
        for (Dump input : inputs) {
            JsonNode w = input.json().path("heatmaps").path("windowMs");
            if (input.json().path("heatmaps").isObject() && !w.equals(window)) {
                throw new UnusableInputException("cannot merge heatmaps of different windows: "
                        + inputs.get(0).file() + " has windowMs " + window + ", " + input.file() + " " + w
                        + " (record the JVMs with the same agent option window=)");
            }
        }
        ObjectNode out = NODES.objectNode();
        out.set("windowMs", window.deepCopy());
        Set<String> groups = new LinkedHashSet<>();
        present.forEach(n -> n.fieldNames().forEachRemaining(groups::add));
        groups.remove("windowMs");
        for (String group : groups) {
            out.set(group, rows(inputs, "/heatmaps/" + group));
        }
        return out;
    }

    /** {@code heatmaps.activity}, {@code heatmaps.latency}: every field as {@link #rowsField} merges it. */
    private static ObjectNode rows(List<Dump> inputs, String pointer) throws UnusableInputException {
        List<JsonNode> present = objects(inputs, pointer);
        Set<String> names = fieldNames(present);
        ObjectNode out = NODES.objectNode();
        String where = pointer.substring(1).replace('/', '.');
        for (String name : names) {
            out.set(name, rowsField(present.stream().map(n -> n.get(name)).filter(v -> v != null).toList(),
                    where + "." + name));
        }
        return out;
    }

    /**
     * One field next to heatmap rows: a list of rows is merged by {@link HeatmapMerger}; a description (text) is the
     * first input's; anything else says what the columns mean ({@code buckets}, {@code columns}) and must be the same
     * in every input, or the columns would not add up.
     */
    private static JsonNode rowsField(List<JsonNode> values, String where) throws UnusableInputException {
        JsonNode first = values.get(0);
        if (first.isArray() && (first.isEmpty() || first.get(0).isObject())) {
            return HeatmapMerger.merge(values, where);
        }
        if (first.isTextual()) {
            return first.deepCopy();
        }
        for (JsonNode v : values) {
            if (!v.equals(first)) {
                throw new UnusableInputException("cannot merge " + where + ": the inputs differ (" + first + " vs "
                        + v + ")");
            }
        }
        return first.deepCopy();
    }

    /** GC and CPU-throttling totals add up; the per-window series merges like a heatmap. */
    private static ObjectNode context(List<Dump> inputs) throws UnusableInputException {
        List<JsonNode> present = objects(inputs, "/context");
        if (present.isEmpty()) {
            return null;
        }
        Set<String> names = fieldNames(present);
        ObjectNode out = NODES.objectNode();
        for (String name : names) {
            List<JsonNode> values = new ArrayList<>();
            present.forEach(n -> values.add(n.get(name)));
            if (values.stream().allMatch(v -> v == null || v.isObject())) {
                JsonNode merged = TreeSum.merge(values, TreeSum.SUM_ALL);
                if (merged != null) {
                    out.set(name, merged);
                }
            } else {
                out.set(name, rowsField(values.stream().filter(v -> v != null).toList(), "context." + name));
            }
        }
        return out;
    }

    /**
     * Which JVMs the dump covers. An input that is itself a merge contributes its own inputs, so that a nested merge
     * lists the same JVMs as a flat one.
     */
    private static ObjectNode merged(List<Dump> inputs) {
        ObjectNode merged = NODES.objectNode();
        ArrayNode list = merged.putArray("inputs");
        for (Dump input : inputs) {
            JsonNode earlier = input.json().path("merged").path("inputs");
            if (earlier.isArray()) {
                earlier.forEach(entry -> list.add(entry.deepCopy()));
                continue;
            }
            JsonNode jvm = input.json().path("jvm");
            JsonNode recording = input.json().path("recording");
            ObjectNode entry = list.addObject();
            entry.put("file", String.valueOf(input.file().getFileName()));
            copy(jvm, "pid", entry, "pid");
            copy(jvm, "javaVersion", entry, "javaVersion");
            copy(jvm, "startEpochMs", entry, "jvmStartEpochMs");
            copy(recording, "startEpochMs", entry, "recordingStartEpochMs");
            copy(recording, "dumpEpochMs", entry, "dumpEpochMs");
            copy(recording, "trigger", entry, "trigger");
        }
        return merged;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null) {
            to.set(as, value.deepCopy());
        }
    }

    /** The field names of all {@code objects}, in first-seen order: what a merged object has. */
    private static Set<String> fieldNames(List<JsonNode> objects) {
        Set<String> names = new LinkedHashSet<>();
        objects.forEach(n -> n.fieldNames().forEachRemaining(names::add));
        return names;
    }
}

package dev.loomscope.report;

import dev.loomscope.format.Leaks;
import dev.loomscope.format.LongSlices;
import dev.loomscope.format.LoomscopeDump;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The HTML report of one dump: a single self-contained file (inline CSS and JS, no network), readable offline in any
 * browser.
 * <p>
 * How the page is built, and why. The page itself is a resource, {@code html/report.html} ({@link PageTemplate}): its
 * skeleton, its sections in order, their headings and introductions, with slots for what depends on the dump, as
 * async-profiler keeps its flame graph page. One small renderer per section reads the dump's records and fills its
 * slots ({@link DiagnosisSection} first, then {@link HeadlineSection}, {@link HeatmapSection}, ...,
 * {@link RecordingSection}); what metrics are called and what they mean comes from {@link Metrics}, which check and
 * diff name them by too.
 * <p>
 * Everything that is text or a table (headline numbers, block kinds, sites, pinning, leaks, long slices, carriers, GC
 * and throttling totals) is written here, server-side, as static HTML: it reads the same with JavaScript off, prints,
 * is searchable, and every value reaches the page through {@link Html}, which escapes it ({@link HtmlText}) unless it
 * is markup a renderer built, and is formatted in one place ({@link HtmlNumbers}), both unit-tested. The heatmaps are
 * drawn in the browser instead, by inline JS ({@code html/report.js}) on a canvas (cells) under an SVG (axes, labels,
 * GC and throttling strips), from the dump's own heatmap rows embedded once as JSON ({@link ChartData}) in a
 * {@code <script type="application/json">} block. A heatmap can hold hundreds of thousands of non-zero cells (10 min
 * of 1 s windows × 160 latency buckets, and coarser tiers after that); written as SVG elements with their hover text,
 * the file would be many times the size of the dump and slow to open, while the rows as JSON are about the size they
 * have in the dump, and the script looks hover values up in them. The embedded JSON is made safe for a script element
 * by {@link HtmlText#scriptJson}: a thread name or frame containing {@code </script>} cannot end the block.
 * <p>
 * Sections are read leniently: the schema only ever adds fields within {@code loomscope/1}, so a section whose data an
 * older agent did not write (a {@code null} record) says so instead of failing. Every section that has nothing to show
 * says why.
 */
final class HtmlReport {
    private static final PageTemplate PAGE = PageTemplate.load("report.html")
            .with("style", Html.trusted(PageTemplate.resource("report.css")))
            .with("script", Html.trusted(PageTemplate.resource("report.js")));

    /** Which renderer fills which slot of the page, in the order of the page. */
    private static final List<Slot> SLOTS = List.of(slot("facts", PageHeader::facts),
            slot("warnings", Warnings::render), new Slot("diagnosis", DiagnosisSection::render),
            slot("summary", HeadlineSection::render), slot("operations", OperationsSection::render),
            slot("activity", HeatmapSection::activity), slot("latency-heatmaps", HeatmapSection::latency),
            slot("block-kinds", BlockKindsSection::render), slot("sites-sampling", SitesSection::sampling),
            slot("sites", SitesSection::render), slot("pinning", PinningSection::render),
            slot("leak-threshold", d -> SectionParts.threshold(d.leaks(), Leaks::thresholdNs)),
            slot("leaks", LeaksSection::render),
            slot("long-slice-threshold", d -> SectionParts.threshold(d.longSlices(), LongSlices::thresholdNs)),
            new Slot("long-slices", LongSlicesSection::render), slot("carriers", CarriersSection::render),
            slot("context", ContextSection::render), slot("recording", RecordingSection::render),
            slot("data", ChartData::render));

    /**
     * A slot of the page and the renderer of its markup.
     *
     * @param renderer from the dump and what the page names sites by ({@code report --app})
     */
    private record Slot(String name, BiFunction<LoomscopeDump, ApplicationCode, Html> renderer) {
    }

    /** A slot whose renderer needs the dump only. */
    private static Slot slot(String name, Function<LoomscopeDump, Html> renderer) {
        return new Slot(name, (dump, code) -> renderer.apply(dump));
    }

    private HtmlReport() {
    }

    /** The whole page, sites named by every application frame. */
    static String render(Dump dump) {
        return render(dump, ApplicationCode.ANY);
    }

    /** The whole page, sites named by {@code code}. */
    static String render(Dump dump, ApplicationCode code) {
        Map<String, Html> slots = new HashMap<>();
        slots.put("file", Html.text(dump.file() == null || dump.file().getFileName() == null ? "dump"
                : dump.file().getFileName().toString()));
        for (Slot slot : SLOTS) {
            slots.put(slot.name(), slot.renderer().apply(dump.model(), code));
        }
        return PAGE.render(slots);
    }
}

package dev.loomscope.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page of the report jar ({@code html/report.html}) with named slots, {@code {{name}}}, that Java fills: the
 * skeleton, the section order and the fixed text stay in the resource, as async-profiler keeps its flame graph page,
 * and the code only prints what depends on the dump into it. Comments in the resource document it and are left out
 * of the page. A slot may stand in several places; filling leaves no slot empty by accident and fills no slot the
 * page does not have, so a renamed slot fails the first test that renders a page.
 */
final class PageTemplate {
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->\\n?", Pattern.DOTALL);
    private static final Pattern SLOT = Pattern.compile("\\{\\{([a-z]+(?:-[a-z]+)*)}}");

    /** The page in order: a {@link String} is markup as it is, a {@link Slot} stands for a value. */
    private final List<Object> parts;

    private record Slot(String name) {
    }

    private PageTemplate(List<Object> parts) {
        this.parts = parts;
    }

    /** The template in the resource {@code html/name}. */
    static PageTemplate load(String name) {
        String text = COMMENT.matcher(resource(name)).replaceAll("");
        List<Object> parts = new ArrayList<>();
        Matcher slot = SLOT.matcher(text);
        int from = 0;
        while (slot.find()) {
            parts.add(text.substring(from, slot.start()));
            parts.add(new Slot(slot.group(1)));
            from = slot.end();
        }
        parts.add(text.substring(from));
        return new PageTemplate(List.copyOf(parts));
    }

    /** This template with one slot filled everywhere it stands: for what is the same on every page. */
    PageTemplate with(String name, Html value) {
        requireSlot(name);
        List<Object> filled = new ArrayList<>();
        for (Object part : parts) {
            filled.add(part instanceof Slot s && s.name().equals(name) ? value.toString() : part);
        }
        return new PageTemplate(List.copyOf(filled));
    }

    /**
     * The page with every slot filled.
     *
     * @throws IllegalArgumentException if a slot has no value, or a value no slot
     */
    String render(Map<String, Html> values) {
        values.keySet().forEach(this::requireSlot);
        StringBuilder page = new StringBuilder(1 << 16);
        for (Object part : parts) {
            if (part instanceof Slot slot) {
                Html value = values.get(slot.name());
                if (value == null) {
                    throw new IllegalArgumentException("no value for the slot {{" + slot.name() + "}}");
                }
                page.append(value);
            } else {
                page.append((String) part);
            }
        }
        return page.toString();
    }

    private void requireSlot(String name) {
        if (!parts.contains(new Slot(name))) {
            TreeSet<String> slots = new TreeSet<>();
            parts.stream().filter(Slot.class::isInstance).forEach(s -> slots.add(((Slot) s).name()));
            throw new IllegalArgumentException("the page has no slot {{" + name + "}}, only " + slots);
        }
    }

    /** A file of the report jar, next to the template, as text. */
    static String resource(String name) {
        try (InputStream in = PageTemplate.class.getResourceAsStream("html/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource html/" + name + " missing from the report jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

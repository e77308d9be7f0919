package dev.loomscope.report;

import java.util.List;

/**
 * A piece of the report's markup, escaped by default: the one way text reaches the page.
 * <p>
 * A renderer writes markup as a pattern with {@code {}} holes and the values that fill them,
 * {@code Html.of("<td class=\"num\">{}</td>", count)}. The pattern is the renderer's own markup, a constant in the
 * code; every value is text and is escaped ({@link HtmlText#escape}), whatever it is (a frame, a thread name, an
 * option value, a formatted number), unless it is itself an {@code Html}, markup built the same way. So text from a
 * dump can only ever become markup by being passed as a pattern, which no renderer does.
 * <p>
 * The one other way in is {@link #trusted}: files of this jar (the stylesheet and the script) and JSON already made
 * safe for a script element ({@link HtmlText#scriptJson}).
 */
final class Html {
    private static final String HOLE = "{}";

    private final StringBuilder markup = new StringBuilder();

    private Html() {
    }

    /** Nothing: an empty slot, or the start of markup added to piece by piece. */
    static Html empty() {
        return new Html();
    }

    /** Text, escaped. */
    static Html text(String text) {
        Html html = new Html();
        html.markup.append(HtmlText.escape(text));
        return html;
    }

    /** Markup from a pattern of the renderer's own and the values for its {@code {}} holes, escaped as text. */
    static Html of(String pattern, Object... values) {
        return new Html().add(pattern, values);
    }

    /**
     * Markup that is not escaped: only for files of the report jar and for JSON already made safe by
     * {@link HtmlText#scriptJson}, never for text from a dump.
     */
    static Html trusted(String markup) {
        Html html = new Html();
        html.markup.append(markup);
        return html;
    }

    /** The parts one after the other, with {@code separator} (text) between them. */
    static Html join(String separator, List<Html> parts) {
        Html html = new Html();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                html.markup.append(HtmlText.escape(separator));
            }
            html.markup.append(parts.get(i).markup);
        }
        return html;
    }

    /**
     * Appends the pattern with its holes filled, in order: an {@code Html} value as it is, any other value as
     * {@link String#valueOf} escaped.
     *
     * @throws IllegalArgumentException if the pattern has more or fewer holes than there are values
     */
    Html add(String pattern, Object... values) {
        int from = 0;
        for (Object value : values) {
            int hole = pattern.indexOf(HOLE, from);
            if (hole < 0) {
                throw new IllegalArgumentException(values.length + " values for the holes of " + pattern);
            }
            markup.append(pattern, from, hole);
            if (value instanceof Html html) {
                markup.append(html.markup);
            } else {
                markup.append(HtmlText.escape(String.valueOf(value)));
            }
            from = hole + HOLE.length();
        }
        if (pattern.indexOf(HOLE, from) >= 0) {
            throw new IllegalArgumentException(values.length + " values for the holes of " + pattern);
        }
        markup.append(pattern, from, pattern.length());
        return this;
    }

    /** Appends markup built elsewhere. */
    Html add(Html html) {
        markup.append(html.markup);
        return this;
    }

    boolean isEmpty() {
        return markup.isEmpty();
    }

    /** The markup. */
    @Override
    public String toString() {
        return markup.toString();
    }
}

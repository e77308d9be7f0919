package dev.loomscope.report;

/**
 * Escaping for the HTML report. Everything taken from a dump goes through here: frames contain {@code <} and
 * {@code >} ({@code <clinit>}, {@code lambda$main$0}), and thread names and option values are whatever the
 * application chose.
 */
final class HtmlText {
    private HtmlText() {
    }

    /**
     * Text for an HTML element's content or a double- or single-quoted attribute value: {@code & < > " '} become
     * character references. Characters that are not allowed in HTML at all (C0 controls other than tab, line feed
     * and carriage return, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so the page always parses the same way.
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> allowed(text, i) ? null : "\uFFFD";
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean allowed(String text, int i) {
        char c = text.charAt(i);
        if (c < 0x20) {
            return c == '\t' || c == '\n' || c == '\r';
        }
        if (c == 0x7F || c == '\uFFFE' || c == '\uFFFF') {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
        }
        return true;
    }

    /**
     * JSON text made safe to sit inside {@code <script type="application/json">}: {@code <}, {@code >} and
     * {@code &} become {@code \u003c}, {@code \u003e}, {@code \u0026}, so neither {@code </script>} nor
     * {@code <!--} can appear and the HTML parser sees one opaque run of text up to our own closing tag. U+2028 and
     * U+2029 are escaped too (harmless in JSON, but not in older JavaScript parsers). Valid because in JSON these
     * characters can only occur inside strings, where the escapes mean the same characters again.
     */
    static String scriptJson(String json) {
        StringBuilder out = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

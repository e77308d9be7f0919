package dev.loomscope.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A GitHub-flavoured Markdown table: what check and diff print, so their output can be appended as is to a CI job
 * summary ({@code $GITHUB_STEP_SUMMARY}, GitLab and Jenkins Markdown) and still reads as a table in a plain log.
 */
final class MarkdownTable {
    private final List<String> header;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** A header cell starting with {@code >} is right-aligned (numbers); the {@code >} is not shown. */
    MarkdownTable(String... header) {
        this.header = new ArrayList<>();
        this.rightAligned = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            rightAligned[i] = header[i].startsWith(">");
            this.header.add(rightAligned[i] ? header[i].substring(1) : header[i]);
        }
    }

    MarkdownTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    /** The table, columns padded so that it also lines up as plain text. */
    String render() {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = Math.max(3, escape(header.get(c)).length());
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], escape(row.get(c)).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, width);
        out.append('|');
        for (int c = 0; c < width.length; c++) {
            out.append(rightAligned[c] ? "-".repeat(width[c] + 1) + ":" : "-".repeat(width[c] + 2)).append('|');
        }
        out.append('\n');
        for (List<String> row : rows) {
            line(out, row, width);
        }
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] width) {
        out.append('|');
        for (int c = 0; c < width.length; c++) {
            String cell = escape(cells.get(c));
            String pad = " ".repeat(width[c] - cell.length());
            out.append(' ').append(rightAligned[c] ? pad + cell : cell + pad).append(" |");
        }
        out.append('\n');
    }

    /** A {@code |} inside a cell would end it; a line break would end the table. */
    private static String escape(String cell) {
        return cell.replace("|", "\\|").replace('\n', ' ');
    }
}

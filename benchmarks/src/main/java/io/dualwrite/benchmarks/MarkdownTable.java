package io.dualwrite.benchmarks;

import java.util.List;
import java.util.Set;

/** A Markdown table as both generated reports write it: text columns left-aligned, figures right-aligned. */
final class MarkdownTable {

    private MarkdownTable() {
    }

    /** Appends the header, the alignment rule, the rows and an empty line to {@code out}. */
    static void append(StringBuilder out, Set<String> textColumns, List<String> header, List<List<String>> rows) {
        out.append("| ").append(String.join(" | ", header)).append(" |\n");
        out.append('|');
        for (String column : header) {
            out.append(textColumns.contains(column) ? "---|" : "---:|");
        }
        out.append('\n');
        rows.forEach(row -> out.append("| ").append(String.join(" | ", row)).append(" |\n"));
        out.append('\n');
    }
}

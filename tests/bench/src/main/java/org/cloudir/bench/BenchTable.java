package org.cloudir.bench;

import java.util.List;

/** Renders the benchmark rows as one Markdown table followed by numbered notes. */
final class BenchTable {
    private BenchTable() {
    }

    static String render(List<Row> rows, String heading) {
        StringBuilder out = new StringBuilder();
        out.append("Benchmark: ").append(heading).append("\n\n");
        out.append("| # | measure | subject | ratio | measured | baseline | goal | met |\n");
        out.append("|---|---|---|---:|---:|---:|---|---|\n");
        int n = 1;
        for (Row row : rows) {
            out.append("| ").append(n++).append(" | ").append(row.measure())
                    .append(" | ").append(row.subject())
                    .append(" | ").append(Row.format(row.ratio()))
                    .append(" | ").append(row.measured())
                    .append(" | ").append(row.baseline())
                    .append(" | ").append(row.goal())
                    .append(" | ").append(row.met() == null ? "" : row.met() ? "yes" : "NO")
                    .append(" |\n");
        }
        out.append("\nNotes:\n");
        n = 1;
        for (Row row : rows) {
            if (!row.note().isBlank()) {
                out.append(n).append(". ").append(row.note()).append('\n');
            }
            n++;
        }
        return out.toString();
    }
}

package org.cloudir.core.report;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the timeline as an SVG picture: one row per step, top to bottom in time order, each
 * with its time, its offset from the first step, a coloured marker and its label.
 */
public final class TimelineSvg {
    private static final int WIDTH = 960;
    private static final int ROW = 54;
    private static final int TOP = 70;
    private static final int AXIS_X = 250;
    private static final Map<String, String> COLOURS = Map.of(
            "activity", "#b03a2e", "detection", "#d68910", "triage", "#2874a6",
            "evidence", "#7d3c98", "action", "#117a65", "failure", "#922b21",
            "containment", "#1e8449", "report", "#566573");

    private TimelineSvg() {
    }

    public static String render(IncidentReport report) {
        List<TimelineEntry> entries = report.timeline();
        int height = TOP + entries.size() * ROW + 20;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(height).append("\" font-family=\"sans-serif\">\n")
                .append("  <title>Timeline of incident ").append(xml(report.incidentId()))
                .append("</title>\n")
                .append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
                .append("  <text x=\"20\" y=\"32\" font-size=\"18\" font-weight=\"bold\">")
                .append(xml("Incident " + report.incidentId() + " - " + report.status()))
                .append("</text>\n")
                .append("  <line x1=\"").append(AXIS_X).append("\" y1=\"").append(TOP - 10)
                .append("\" x2=\"").append(AXIS_X).append("\" y2=\"")
                .append(TOP + (entries.size() - 1) * ROW + 10)
                .append("\" stroke=\"#aab7b8\" stroke-width=\"3\"/>\n");
        Instant first = entries.isEmpty() ? null : entries.get(0).at();
        for (int i = 0; i < entries.size(); i++) {
            appendRow(svg, i + 1, entries.get(i), first, TOP + i * ROW);
        }
        return svg.append("</svg>\n").toString();
    }

    private static void appendRow(StringBuilder svg, int step, TimelineEntry entry,
            Instant first, int y) {
        String colour = COLOURS.getOrDefault(entry.kind(), "#566573");
        svg.append("  <g class=\"step\" data-step=\"").append(step).append("\" data-kind=\"")
                .append(xml(entry.kind())).append("\">\n")
                .append("    <text x=\"20\" y=\"").append(y + 5).append("\" font-size=\"12\">")
                .append(xml(entry.at().truncatedTo(ChronoUnit.MILLIS).toString()))
                .append("</text>\n")
                .append("    <text x=\"20\" y=\"").append(y + 21)
                .append("\" font-size=\"11\" fill=\"#566573\">")
                .append(xml(offset(first, entry.at()))).append("</text>\n")
                .append("    <circle cx=\"").append(AXIS_X).append("\" cy=\"").append(y)
                .append("\" r=\"9\" fill=\"").append(colour).append("\"/>\n")
                .append("    <text x=\"").append(AXIS_X + 22).append("\" y=\"").append(y + 5)
                .append("\" font-size=\"14\" font-weight=\"bold\">")
                .append(xml(step + ". " + entry.label())).append("</text>\n")
                .append("    <text x=\"").append(AXIS_X + 22).append("\" y=\"").append(y + 22)
                .append("\" font-size=\"11\" fill=\"#34495e\">")
                .append(xml(shorten(entry.detail(), 105))).append("</text>\n")
                .append("  </g>\n");
    }

    private static String offset(Instant first, Instant at) {
        double seconds = Duration.between(first, at).toMillis() / 1000.0;
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "+%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "+%.1f s", seconds);
    }

    private static String shorten(String text, int max) {
        String value = text == null ? "" : text;
        return value.length() <= max ? value : value.substring(0, max - 3) + "...";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}

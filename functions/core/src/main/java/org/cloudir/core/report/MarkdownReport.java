package org.cloudir.core.report;

import java.util.List;
import java.util.Locale;
import org.cloudir.core.evidence.EvidenceItem;

/** Renders a report as Markdown for people: summary first, details and evidence after. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    /**
     * Renders the report.
     *
     * @param timelinePicture the timeline SVG's file name, linked from the document
     */
    public static String render(IncidentReport report, String timelinePicture) {
        StringBuilder md = new StringBuilder();
        md.append("# Incident ").append(report.incidentId()).append(": ")
                .append(report.status()).append("\n\n")
                .append(report.summary()).append("\n\n");
        appendFacts(md, report);
        md.append("\n## Timeline\n\n![timeline](").append(timelinePicture).append(")\n\n")
                .append("| time (UTC) | step | detail |\n|---|---|---|\n");
        for (TimelineEntry entry : report.timeline()) {
            md.append("| ").append(entry.at()).append(" | ").append(cell(entry.label()))
                    .append(" | ").append(cell(entry.detail())).append(" |\n");
        }
        appendPhases(md, report);
        appendActions(md, report);
        md.append("\n## Evidence\n\nBucket `").append(report.evidenceBucket())
                .append("`; every object is listed with the SHA-256 it had when stored.\n\n")
                .append("| object | kind | SHA-256 | bytes |\n|---|---|---|---|\n");
        for (EvidenceItem item : report.evidence()) {
            md.append("| `").append(item.key()).append("` | ").append(item.kind())
                    .append(" | `").append(item.sha256()).append("` | ").append(item.size())
                    .append(" |\n");
        }
        md.append("\nAPI activity (").append(report.activity().source()).append("): ")
                .append(report.activity().available()
                        ? report.activity().eventCount() + " events"
                        : "not searched, " + report.activity().note())
                .append('\n');
        appendList(md, "Root-cause hints", report.rootCauseHints());
        appendList(md, "Lessons", report.lessons());
        appendList(md, "Follow-ups", report.followUps());
        return md.toString();
    }

    private static void appendPhases(StringBuilder md, IncidentReport report) {
        if (report.phases().isEmpty()) {
            return;
        }
        md.append("\n## Phases\n\n| phase | run | started (UTC) | finished (UTC) | outcome |\n"
                + "|---|---|---|---|---|\n");
        for (ReportPhase phase : report.phases()) {
            md.append("| ").append(phase.phase()).append(" | ").append(cell(phase.run()))
                    .append(" | ").append(phase.startedAt()).append(" | ")
                    .append(phase.finishedAt() == null ? "running" : phase.finishedAt())
                    .append(" | ").append(phase.outcome() == null ? "" : phase.outcome())
                    .append(" |\n");
        }
    }

    private static void appendFacts(StringBuilder md, IncidentReport report) {
        ReportTimes times = report.times();
        md.append("| | |\n|---|---|\n")
                .append("| Finding | ").append(cell(report.finding().type())).append(" (")
                .append(report.finding().id()).append(") |\n")
                .append("| Severity | ").append(report.severityBand()).append(' ')
                .append(report.finding().severity()).append(" |\n")
                .append("| Principal | ").append(cell(report.principal())).append(" |\n")
                .append("| Resources | ").append(cell(report.resources().stream()
                        .map(resource -> resource.type().wireName() + " " + resource.key())
                        .toList().toString())).append(" |\n")
                .append("| Playbook | ").append(report.playbook())
                .append(report.dryRun() ? " (dry run)" : "")
                .append(report.drill() ? " (drill)" : "").append(" |\n")
                .append("| Findings joined | ").append(report.findingIds().size()).append(" |\n")
                .append("| Time to triage | ").append(duration(times.timeToTriageSeconds()))
                .append(" |\n")
                .append("| Time to contain | ").append(duration(times.timeToContainSeconds()))
                .append(" |\n")
                .append("| Time to recover | not automated: recovery is a person's decision |\n");
    }

    private static void appendActions(StringBuilder md, IncidentReport report) {
        md.append("\n## Actions and their verification\n\n");
        if (report.actions().isEmpty()) {
            md.append("No action was taken.\n");
        }
        for (ReportAction action : report.actions()) {
            md.append("- **").append(action.action()).append("** on `")
                    .append(action.resourceId()).append("` by ").append(action.actor())
                    .append(": ").append(action.outcome()).append(", ")
                    .append(action.summary()).append(" (").append(action.startedAt())
                    .append(" to ").append(action.finishedAt()).append(")\n");
            for (String check : action.verified()) {
                md.append("  - verified: ").append(check).append('\n');
            }
        }
        for (ReportFailure failure : report.failures()) {
            md.append("- **failure** ").append(failure.error()).append(": ")
                    .append(failure.cause()).append('\n');
        }
    }

    private static void appendList(StringBuilder md, String title, List<String> items) {
        md.append("\n## ").append(title).append("\n\n");
        items.forEach(item -> md.append("- ").append(item).append('\n'));
    }

    private static String duration(Double seconds) {
        return seconds == null ? "n/a" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}

package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/** Collects the drill's results and renders them as a scorecard, Markdown and JSON. */
final class DrillReport {
    private final String emulator;
    private final String endpoint;
    private final Map<String, String> parameters;
    private final List<Map<String, Object>> incidents = new ArrayList<>();
    private List<Check> repeat = List.of();
    private Instant started;
    private Instant finished;

    DrillReport(String emulator, String endpoint, Map<String, String> parameters) {
        this.emulator = emulator;
        this.endpoint = endpoint;
        this.parameters = parameters;
    }

    void addIncident(Incident incident, DescribeExecutionResponse run, Instant sent,
            List<Check> checks) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("incidentId", incident.incidentId());
        entry.put("findingType", incident.finding().type());
        entry.put("severity", incident.finding().severity());
        entry.put("severityBand", incident.severityBand().wireName());
        entry.put("playbook", incident.playbook().wireName());
        entry.put("resource", incident.resource().key());
        entry.put("execution", Map.of("arn", run.executionArn(),
                "status", run.statusAsString(),
                "startedAt", run.startDate().toString(),
                "stoppedAt", String.valueOf(run.stopDate())));
        boolean thisRun = !run.startDate().isBefore(sent.minusSeconds(1));
        entry.put("handledByThisRun", thisRun);
        if (thisRun && run.stopDate() != null) {
            entry.put("eventToContainedSeconds",
                    Duration.between(sent, run.stopDate()).toMillis() / 1000.0);
        }
        entry.put("actions", actions(Drill.output(run)));
        entry.put("checks", checks);
        incidents.add(entry);
    }

    void setRepeat(List<Check> repeat) {
        this.repeat = repeat;
    }

    void finish(Instant started, Instant finished) {
        this.started = started;
        this.finished = finished;
    }

    @SuppressWarnings("unchecked")
    boolean passed() {
        return incidents.stream()
                .flatMap(incident -> ((List<Check>) incident.get("checks")).stream())
                .allMatch(Check::passed)
                && repeat.stream().allMatch(Check::passed);
    }

    @SuppressWarnings("unchecked")
    String scorecard() {
        StringBuilder out = new StringBuilder();
        out.append("\n== Incident response drill: ").append(emulator).append(" at ")
                .append(endpoint).append(" (MinSeverity=").append(parameters.get("MinSeverity"))
                .append(", DryRun=").append(parameters.get("DryRun")).append(")\n");
        for (Map<String, Object> incident : incidents) {
            out.append(String.format(Locale.ROOT, "%n%s  %s on %s (%s %.1f, playbook %s)%n",
                    incident.get("incidentId"), incident.get("findingType"),
                    incident.get("resource"), incident.get("severityBand"),
                    (Double) incident.get("severity"), incident.get("playbook")));
            Map<String, Object> execution = (Map<String, Object>) incident.get("execution");
            out.append("  execution ").append(execution.get("status"));
            if (incident.containsKey("eventToContainedSeconds")) {
                out.append(String.format(Locale.ROOT, ", event to contained %.2f s",
                        (Double) incident.get("eventToContainedSeconds")));
            } else {
                out.append(", handled by an earlier drill at ").append(execution.get("startedAt"))
                        .append(": nothing was done again");
            }
            out.append('\n');
            for (Map<String, Object> action : (List<Map<String, Object>>) incident.get("actions")) {
                out.append(String.format(Locale.ROOT, "  action %-19s %-12s %s%n",
                        action.get("action"), action.get("outcome"), action.get("summary")));
            }
            appendChecks(out, (List<Check>) incident.get("checks"));
        }
        out.append("\nRepeat delivery of the instance finding (count 2, later updatedAt)\n");
        appendChecks(out, repeat);
        long total = incidents.stream()
                .mapToLong(incident -> ((List<Check>) incident.get("checks")).size())
                .sum() + repeat.size();
        long passedCount = incidents.stream()
                .flatMap(incident -> ((List<Check>) incident.get("checks")).stream())
                .filter(Check::passed).count() + repeat.stream().filter(Check::passed).count();
        out.append(String.format(Locale.ROOT, "%nChecks passed: %d/%d, verified from the"
                + " emulator's own state. Drill took %.1f s. %s%n", passedCount, total,
                Duration.between(started, finished).toMillis() / 1000.0,
                passed() ? "RESULT: CONTAINED" : "RESULT: FAILED"));
        return out.toString();
    }

    void write(Path folder) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("emulator", emulator);
        json.put("endpoint", endpoint);
        json.put("parameters", parameters);
        json.put("startedAt", started.toString());
        json.put("finishedAt", finished.toString());
        json.put("passed", passed());
        json.put("incidents", incidents);
        json.put("repeatDelivery", repeat);
        Files.writeString(folder.resolve("drill-report.json"),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        Files.writeString(folder.resolve("drill-report.md"), markdown());
    }

    @SuppressWarnings("unchecked")
    private String markdown() {
        StringBuilder md = new StringBuilder("# Incident response drill\n\n");
        md.append("- Emulator: ").append(emulator).append(" at ").append(endpoint).append('\n')
                .append("- Parameters: ").append(parameters).append('\n')
                .append("- Started ").append(started).append(", finished ").append(finished)
                .append('\n')
                .append("- Result: ").append(passed() ? "contained, all checks passed"
                        : "FAILED: see the checks below").append("\n");
        for (Map<String, Object> incident : incidents) {
            Map<String, Object> execution = (Map<String, Object>) incident.get("execution");
            md.append("\n## ").append(incident.get("incidentId")).append("\n\n")
                    .append("| | |\n|---|---|\n")
                    .append("| Finding | ").append(incident.get("findingType")).append(" |\n")
                    .append("| Resource | ").append(incident.get("resource")).append(" |\n")
                    .append("| Severity | ").append(incident.get("severityBand")).append(' ')
                    .append(incident.get("severity")).append(" |\n")
                    .append("| Playbook | ").append(incident.get("playbook")).append(" |\n")
                    .append("| Execution | ").append(execution.get("status")).append(", ")
                    .append(execution.get("startedAt")).append(" to ")
                    .append(execution.get("stoppedAt")).append(" |\n")
                    .append("| Event to contained | ")
                    .append(incident.getOrDefault("eventToContainedSeconds", "earlier drill"))
                    .append(" s |\n\n### Actions\n\n")
                    .append("| action | outcome | summary |\n|---|---|---|\n");
            for (Map<String, Object> action : (List<Map<String, Object>>) incident.get("actions")) {
                md.append("| ").append(action.get("action")).append(" | ")
                        .append(action.get("outcome")).append(" | ")
                        .append(action.get("summary")).append(" |\n");
            }
            md.append("\n### Checks (re-read from the emulator)\n\n");
            appendMarkdownChecks(md, (List<Check>) incident.get("checks"));
        }
        md.append("\n## Repeat delivery\n\n");
        appendMarkdownChecks(md, repeat);
        return md.toString();
    }

    private static List<Map<String, Object>> actions(JsonNode output) {
        List<Map<String, Object>> actions = new ArrayList<>();
        output.properties().forEach(entry -> {
            JsonNode result = entry.getValue().path("result");
            if (result.has("action") && result.has("outcome")) {
                Map<String, Object> action = new LinkedHashMap<>();
                action.put("action", result.path("action").asText());
                action.put("outcome", result.path("outcome").asText());
                action.put("summary", result.path("summary").asText());
                action.put("verified", Json.convert(result.path("verified"), List.class));
                action.put("details", Json.convert(result.path("details"), Map.class));
                actions.add(action);
            }
        });
        return actions;
    }

    private static void appendChecks(StringBuilder out, List<Check> checks) {
        for (Check check : checks) {
            out.append(check.passed() ? "  [ok]   " : "  [FAIL] ").append(check.name())
                    .append(": ").append(check.observed()).append('\n');
        }
    }

    private static void appendMarkdownChecks(StringBuilder md, List<Check> checks) {
        for (Check check : checks) {
            md.append("- ").append(check.passed() ? "[x] " : "[ ] ").append(check.name())
                    .append(": ").append(check.observed()).append('\n');
        }
    }
}

package org.cloudir.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.report.ReportAction;
import org.cloudir.core.report.ReportFailure;
import org.cloudir.core.report.ReportPhase;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads an incident's audit record back from the incident table (summary, findings, actions,
 * failures, phase runs), strongly consistent, so the report shows exactly what was recorded.
 */
record IncidentRecord(String status, List<String> findingIds, List<ReportAction> actions,
        List<ReportFailure> failures, Optional<String> manifestSha256,
        List<ReportPhase> phases) {

    static IncidentRecord read(DynamoDbClient dynamoDb, String table, String incidentId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        AwsErrors.call("Query " + table, () -> dynamoDb.queryPaginator(request -> request
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("incidentId = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(incidentId))))
                .items()).forEach(items::add);
        String status = "UNKNOWN";
        List<String> findingIds = new ArrayList<>();
        Optional<String> manifestSha256 = Optional.empty();
        List<ReportAction> actions = new ArrayList<>();
        List<ReportFailure> failures = new ArrayList<>();
        List<ReportPhase> phases = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            String entry = item.get("entry").s();
            if (entry.equals("incident")) {
                status = text(item, "status").orElse(status);
                if (item.containsKey("findingIds")) {
                    findingIds.addAll(item.get("findingIds").ss());
                }
                manifestSha256 = text(item, "evidenceManifestSha256");
            } else if (entry.startsWith("action#")) {
                ActionResult result = Json.convert(Json.parse(item.get("result").s(),
                        "action entry " + entry), ActionResult.class);
                actions.add(new ReportAction(result.action(),
                        text(item, "actor").orElse("automation"), result.resourceId(),
                        result.outcome().name(), result.summary(), result.startedAt(),
                        result.finishedAt(), result.verified(), result.details()));
            } else if (entry.startsWith("phase#") && item.containsKey("startedAt")) {
                phases.add(new ReportPhase(text(item, "phase").orElse("unknown"),
                        text(item, "run").orElse(""),
                        Instant.parse(text(item, "startedAt").orElseThrow()),
                        text(item, "finishedAt").map(Instant::parse).orElse(null),
                        text(item, "outcome").orElse(null)));
            } else if (entry.startsWith("failure#")) {
                failures.add(new ReportFailure(text(item, "error").orElse("unknown"),
                        text(item, "cause").orElse(""),
                        Instant.parse(text(item, "recordedAt").orElseThrow())));
            }
        }
        findingIds.sort(String::compareTo);
        phases.sort(java.util.Comparator.comparing(ReportPhase::startedAt));
        return new IncidentRecord(status, findingIds, actions, failures, manifestSha256,
                phases);
    }

    private static Optional<String> text(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
    }
}

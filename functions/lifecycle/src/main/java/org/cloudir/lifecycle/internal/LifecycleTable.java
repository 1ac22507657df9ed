package org.cloudir.lifecycle.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.blast.BlastRadius;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Reads and writes the incident table's lifecycle entries: {@code phase#PHASE#RUN} (when a
 * phase run began and ended), {@code approval#RUN#GATE} (a gate waiting for a person, with its
 * task token) and, under the partition {@value #ACTED_PARTITION}, one {@code acted#...} entry per
 * resource containment acted on, for the blast-radius limit.
 */
public final class LifecycleTable {
    public static final String ACTED_PARTITION = "ir#blast-radius";
    private static final Duration ACTED_KEPT = Duration.ofDays(2);

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;

    public LifecycleTable(DynamoDbClient dynamoDb, String tableName, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
    }

    public String tableName() {
        return tableName;
    }

    /** Returns the incident's summary entry, or empty when nothing recorded it yet. */
    public Optional<Map<String, AttributeValue>> summary(String incidentId) {
        Map<String, AttributeValue> item = AwsErrors.call("GetItem " + tableName,
                () -> dynamoDb.getItem(request -> request.tableName(tableName)
                        .consistentRead(true).key(key(incidentId, "incident")))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** Notes that a phase run began; a retried first state keeps the first start time. */
    public void phaseStarted(String incidentId, String phase, String run) {
        String now = clock.instant().toString();
        AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                .tableName(tableName)
                .key(key(incidentId, "phase#" + phase + "#" + run))
                .updateExpression("SET startedAt = if_not_exists(startedAt, :now),"
                        + " phase = :phase, #run = :run")
                .expressionAttributeNames(Map.of("#run", "run"))
                .expressionAttributeValues(Map.of(":now", s(now), ":phase", s(phase),
                        ":run", s(run)))));
    }

    /**
     * Stores a pending approval with its task token. A retried gate replaces the token of a
     * still pending entry; a decided one is left alone and false is returned.
     */
    public boolean requestApproval(PendingApproval approval) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("incidentId", s(approval.incidentId()));
        item.put("entry", s(approvalEntry(approval.run(), approval.gate())));
        item.put("gate", s(approval.gate()));
        item.put("phase", s(approval.phase()));
        item.put("run", s(approval.run()));
        item.put("status", s(ApprovalStatus.PENDING.name()));
        item.put("taskToken", s(approval.taskToken()));
        item.put("proposal", s(approval.proposal()));
        item.put("requestedAt", s(approval.requestedAt().toString()));
        item.put("expiresAt", s(approval.expiresAt().toString()));
        try {
            AwsErrors.run("PutItem " + tableName, () -> dynamoDb.putItem(request -> request
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#entry) OR #status = :pending")
                    .expressionAttributeNames(Map.of("#entry", "entry", "#status", "status"))
                    .expressionAttributeValues(Map.of(":pending",
                            s(ApprovalStatus.PENDING.name())))));
            return true;
        } catch (ConditionalCheckFailedException decided) {
            return false;
        }
    }

    /** Returns the incident's approvals, pending and decided, oldest request first. */
    public List<PendingApproval> approvals(String incidentId) {
        List<PendingApproval> approvals = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(incidentId, "approval#")) {
            approvals.add(new PendingApproval(incidentId, text(item, "phase"),
                    text(item, "gate"), text(item, "run"), text(item, "taskToken"),
                    text(item, "proposal"), Instant.parse(text(item, "requestedAt")),
                    Instant.parse(text(item, "expiresAt")),
                    ApprovalStatus.valueOf(text(item, "status")),
                    Optional.ofNullable(item.get("decidedBy")).map(AttributeValue::s)));
        }
        approvals.sort((a, b) -> a.requestedAt().compareTo(b.requestedAt()));
        return approvals;
    }

    /**
     * Records a decision on a pending approval; returns false when it was decided already, so
     * two responders answering at once cannot both win.
     */
    public boolean decide(PendingApproval approval, ApprovalStatus status, String by,
            String reason) {
        try {
            AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                    .tableName(tableName)
                    .key(key(approval.incidentId(), approvalEntry(approval.run(),
                            approval.gate())))
                    .conditionExpression("#status = :pending")
                    .updateExpression("SET #status = :status, decidedAt = :now,"
                            + " decidedBy = :by, reason = :reason REMOVE taskToken")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":pending", s(ApprovalStatus.PENDING.name()),
                            ":status", s(status.name()),
                            ":now", s(clock.instant().toString()),
                            ":by", s(by),
                            ":reason", s(reason)))));
            return true;
        } catch (ConditionalCheckFailedException alreadyDecided) {
            return false;
        }
    }

    /** Returns what containment acted on across all incidents in the blast-radius window. */
    public List<BlastRadius.Acted> actedRecently() {
        List<BlastRadius.Acted> acted = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(ACTED_PARTITION, "acted#")) {
            acted.add(new BlastRadius.Acted(text(item, "actedIncidentId"),
                    text(item, "resourceId"), Instant.parse(text(item, "at"))));
        }
        return acted;
    }

    /** Counts a resource containment acts on; a repeat for the same incident counts once. */
    public void recordActed(String incidentId, String resourceId) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = Map.of(
                "incidentId", s(ACTED_PARTITION),
                "entry", s("acted#" + incidentId + "#" + resourceId),
                "actedIncidentId", s(incidentId),
                "resourceId", s(resourceId),
                "at", s(now.toString()),
                "expiresAtEpoch", AttributeValue.fromN(
                        Long.toString(now.plus(ACTED_KEPT).getEpochSecond())));
        try {
            AwsErrors.run("PutItem " + tableName, () -> dynamoDb.putItem(request -> request
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#entry)")
                    .expressionAttributeNames(Map.of("#entry", "entry"))));
        } catch (ConditionalCheckFailedException countedAlready) {
            // The same incident acting again on the same resource is one resource.
        }
    }

    private List<Map<String, AttributeValue>> query(String partition, String prefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        AwsErrors.call("Query " + tableName, () -> dynamoDb.queryPaginator(request -> request
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("incidentId = :id AND begins_with(#entry, :prefix)")
                .expressionAttributeNames(Map.of("#entry", "entry"))
                .expressionAttributeValues(Map.of(":id", s(partition), ":prefix", s(prefix))))
                .items()).forEach(items::add);
        return items;
    }

    private static String approvalEntry(String run, String gate) {
        return "approval#" + run + "#" + gate;
    }

    private static Map<String, AttributeValue> key(String incidentId, String entry) {
        return Map.of("incidentId", s(incidentId), "entry", s(entry));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? "" : value.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}

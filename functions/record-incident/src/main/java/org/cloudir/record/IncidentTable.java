package org.cloudir.record;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Writes the incident table: partition key {@code incidentId}, sort key {@code entry}. The
 * entry "incident" holds the summary; "action#START#NAME", "finding#ID#COUNT" and
 * "failure#HASH" entries form the audit trail and are only ever added, never overwritten.
 */
public final class IncidentTable {
    static final String SUMMARY_ENTRY = "incident";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;

    public IncidentTable(DynamoDbClient dynamoDb, String tableName, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
    }

    /**
     * Returns false when this action entry had been written already.
     *
     * @param actor "automation", or "person:NAME" when a person approved the action
     * @param inputs what the action was asked to do, as JSON
     */
    boolean appendAction(ActionResult action, String actor, String inputs) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("incidentId", s(action.incidentId()));
        item.put("entry", s("action#" + action.startedAt() + "#" + action.action()));
        item.put("action", s(action.action()));
        item.put("actor", s(actor));
        item.put("inputs", s(inputs));
        item.put("resourceId", s(String.valueOf(action.resourceId())));
        item.put("outcome", s(action.outcome().name()));
        item.put("summary", s(action.summary()));
        item.put("startedAt", s(action.startedAt().toString()));
        item.put("finishedAt", s(action.finishedAt().toString()));
        item.put("result", s(Json.write(action)));
        return putIfAbsent(item);
    }

    /**
     * Adds the finding to the incident's timeline; returns false when this finding at this
     * occurrence count had been recorded already. Each finding that joins an incident gets its
     * own entry, so concurrent deliveries never overwrite each other.
     */
    boolean appendFinding(Incident incident) {
        Finding finding = incident.finding();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("incidentId", s(incident.incidentId()));
        item.put("entry", s("finding#" + finding.id() + "#" + finding.count()));
        item.put("findingId", s(finding.id()));
        item.put("findingType", s(finding.type()));
        item.put("severity", AttributeValue.fromN(Double.toString(finding.severity())));
        item.put("count", AttributeValue.fromN(Integer.toString(finding.count())));
        item.put("lastSeen", s(String.valueOf(finding.lastSeen())));
        item.put("recordedAt", s(clock.instant().toString()));
        item.put("finding", s(Json.write(finding)));
        return putIfAbsent(item);
    }

    /**
     * Joins a repeated or updated finding to an incident whose response already runs or ran:
     * its own timeline entry, and its id added to the summary's set. Returns false when this
     * occurrence had been recorded already.
     */
    public boolean joinFinding(Incident incident) {
        boolean added = appendFinding(incident);
        AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                .tableName(tableName)
                .key(Map.of("incidentId", s(incident.incidentId()), "entry", s(SUMMARY_ENTRY)))
                .updateExpression("SET updatedAt = :now ADD findingIds :findingIds")
                .expressionAttributeValues(Map.of(
                        ":now", s(clock.instant().toString()),
                        ":findingIds", AttributeValue.fromSs(
                                List.of(incident.finding().id()))))));
        return added;
    }

    /** Returns false when the same failure had been written already. */
    boolean appendFailure(String incidentId, String error, String cause) {
        return putIfAbsent(Map.of(
                "incidentId", s(incidentId),
                "entry", s("failure#" + Hashes.sha256Hex(error + "\n" + cause).substring(0, 16)),
                "error", s(error),
                "cause", s(cause),
                "recordedAt", s(clock.instant().toString())));
    }

    /**
     * Writes the summary entry; with no new status a new entry starts as NOTIFIED and an
     * existing one keeps its status. Returns the status the entry holds afterwards.
     */
    IncidentStatus upsertIncident(Incident incident, Optional<IncidentStatus> next) {
        if (next.isPresent()) {
            upsertIncident(incident, next.get());
            return next.get();
        }
        String now = clock.instant().toString();
        Map<String, AttributeValue> attributes = AwsErrors.call("UpdateItem " + tableName,
                () -> dynamoDb.updateItem(request -> request
                        .tableName(tableName)
                        .key(Map.of("incidentId", s(incident.incidentId()),
                                "entry", s(SUMMARY_ENTRY)))
                        .updateExpression("SET openedAt = if_not_exists(openedAt, :now),"
                                + " updatedAt = :now, #status = if_not_exists(#status, :status)"
                                + " ADD findingIds :findingIds")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(
                                ":now", s(now),
                                ":status", s(IncidentStatus.NOTIFIED.name()),
                                ":findingIds", AttributeValue.fromSs(
                                        List.of(incident.finding().id()))))
                        .returnValues(ReturnValue.ALL_NEW))).attributes();
        return IncidentStatus.valueOf(attributes.get("status").s());
    }

    /** Notes when and how a phase run ended, beside the start its first state noted. */
    void phaseFinished(String incidentId, String phase, String run, String outcome) {
        String now = clock.instant().toString();
        AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                .tableName(tableName)
                .key(Map.of("incidentId", s(incidentId), "entry",
                        s("phase#" + phase + "#" + run)))
                .updateExpression("SET startedAt = if_not_exists(startedAt, :now),"
                        + " finishedAt = :now, outcome = :outcome, phase = :phase, #run = :run")
                .expressionAttributeNames(Map.of("#run", "run"))
                .expressionAttributeValues(Map.of(":now", s(now), ":outcome", s(outcome),
                        ":phase", s(phase), ":run", s(run)))));
    }

    /** Marks a gate that ran out of time as such, unless a person decided it meanwhile. */
    void approvalTimedOut(String incidentId, String run, String gate) {
        try {
            AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                    .tableName(tableName)
                    .key(Map.of("incidentId", s(incidentId), "entry",
                            s("approval#" + run + "#" + gate)))
                    .conditionExpression("#status = :pending")
                    .updateExpression("SET #status = :timedOut, decidedAt = :now,"
                            + " decidedBy = :by REMOVE taskToken")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":pending", s("PENDING"),
                            ":timedOut", s("TIMED_OUT"), ":now", s(clock.instant().toString()),
                            ":by", s("timeout")))));
        } catch (ConditionalCheckFailedException decidedOrAbsent) {
            // A person answered first, or the gate was never opened: nothing to mark.
        }
    }

    /**
     * Writes the summary entry with a new status. A CLOSED incident stays CLOSED: a late
     * answer to a gate or a run started by hand afterwards is recorded in its own entries but
     * does not re-open it (a new finding opens a new incident instead).
     */
    void upsertIncident(Incident incident, IncidentStatus status) {
        try {
            writeSummary(incident, status);
        } catch (ConditionalCheckFailedException closed) {
            joinFinding(incident);
        }
    }

    private void writeSummary(Incident incident, IncidentStatus status) {
        String now = clock.instant().toString();
        AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                .tableName(tableName)
                .key(Map.of("incidentId", s(incident.incidentId()), "entry", s(SUMMARY_ENTRY)))
                .conditionExpression("attribute_not_exists(#status) OR #status <> :closed"
                        + " OR :status = :closed")
                .updateExpression("SET openedAt = if_not_exists(openedAt, :now), updatedAt = :now,"
                        + " #status = :status, playbook = :playbook, resourceType = :type,"
                        + " resourceId = :resource, findingType = :findingType,"
                        + " severity = :severity, drill = :drill, dryRun = :dryRun"
                        + " ADD findingIds :findingIds")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.ofEntries(
                        Map.entry(":now", s(now)),
                        Map.entry(":status", s(status.name())),
                        Map.entry(":closed", s(IncidentStatus.CLOSED.name())),
                        Map.entry(":playbook", s(incident.playbook().wireName())),
                        Map.entry(":type", s(incident.resource().type().wireName())),
                        Map.entry(":resource", s(String.valueOf(incident.resource().key()))),
                        Map.entry(":findingType", s(incident.finding().type())),
                        Map.entry(":severity", AttributeValue.fromN(
                                Double.toString(incident.finding().severity()))),
                        Map.entry(":drill", AttributeValue.fromBool(incident.drill())),
                        Map.entry(":dryRun", AttributeValue.fromBool(incident.dryRun())),
                        Map.entry(":findingIds", AttributeValue.fromSs(
                                List.of(incident.finding().id())))))));
    }

    private boolean putIfAbsent(Map<String, AttributeValue> item) {
        try {
            AwsErrors.run("PutItem " + tableName, () -> dynamoDb.putItem(request -> request
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#entry)")
                    .expressionAttributeNames(Map.of("#entry", "entry"))));
            return true;
        } catch (ConditionalCheckFailedException alreadyThere) {
            return false;
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}

package org.cloudir.triage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.TransientAwsException;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.triage.Catalogue;
import org.cloudir.core.triage.IncidentIds;
import org.cloudir.core.triage.TriageDecision;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Keeps triage's state in the incident table, every write conditional so that concurrent or
 * repeated deliveries agree. Three kinds of items, each under its own key prefix:
 * <ul>
 *   <li>{@code window#<resource hash>} / {@code window}: the incident open for a resource and
 *   until when; a finding on that resource before then joins it, and each one extends it;</li>
 *   <li>{@code <incident id>} / {@code finding#<source>#<id>}: one entry per finding, with its
 *   highest count and latest activity, its catalogue entry and how often it was delivered;</li>
 *   <li>{@code suppressed#<UTC day>} / {@code <source>#<id>}: the audit of suppressed
 *   findings.</li>
 * </ul>
 */
final class IncidentLedger {
    static final String WINDOW_ENTRY = "window";
    private static final int PLACEMENT_ATTEMPTS = 5;
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;
    private final Duration window;

    IncidentLedger(DynamoDbClient dynamoDb, String tableName, Clock clock, Duration window) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
        this.window = window;
    }

    /**
     * Says which incident a finding belongs to; the window closes {@code window} after the
     * incident's latest finding (to the hour).
     *
     * @param opened true when this finding opened the incident
     * @param openingPlaybook the playbook the incident was opened with
     */
    record Placement(String incidentId, boolean opened, Playbook openingPlaybook) {
    }

    /**
     * Finds the incident open for the finding's resource, extending its window, or opens one.
     * The triage id names a first incident; a resource hit again after its window closed gets
     * the same id with a generation suffix, so its response is not mistaken for the old one.
     */
    Placement place(Incident incident) {
        String windowKey = windowKey(incident);
        for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
            long now = clock.instant().getEpochSecond();
            Map<String, AttributeValue> current = AwsErrors.call("GetItem " + tableName,
                    () -> dynamoDb.getItem(request -> request.tableName(tableName)
                            .key(key(windowKey, WINDOW_ENTRY)).consistentRead(true))).item();
            boolean exists = current != null && !current.isEmpty();
            if (exists && number(current, "windowEndsAt") >= now) {
                // Extending costs a write; an hour's precision spares one per repeat in a storm.
                if (number(current, "windowEndsAt") < now + window.toSeconds() - 3600) {
                    extend(windowKey, now + window.toSeconds());
                }
                return new Placement(current.get("incident").s(), false,
                        Playbook.fromWireName(current.get("playbook").s()));
            }
            long generation = exists ? number(current, "generation") + 1 : 1;
            String id = generation == 1 ? incident.incidentId()
                    : incident.incidentId() + "-" + generation;
            if (open(windowKey, incident, id, generation, now, exists)) {
                return new Placement(id, true, incident.playbook());
            }
        }
        throw new TransientAwsException("the incident window of " + incident.resource().key()
                + " kept changing under " + PLACEMENT_ATTEMPTS + " attempts; retry the message");
    }

    /**
     * Records one delivery of a finding under its incident and says what it was: the first of
     * its finding (OPENED or JOINED), a later version (higher count or later activity:
     * UPDATED), or a repeat (DUPLICATE). A repeat costs one write, so a storm stays cheap.
     */
    FindingOutcome recordFinding(String incidentId, TriageDecision decision, boolean opened,
            String executionName, int deliveries) {
        Finding finding = decision.incident().finding();
        Map<String, AttributeValue> key = key(incidentId,
                "finding#" + finding.source() + "#" + finding.id());
        AttributeValue count = AttributeValue.fromN(Integer.toString(finding.count()));
        AttributeValue lastSeen = AttributeValue.fromN(
                Long.toString(finding.lastSeen().toEpochMilli()));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":count", count);
        values.put(":lastSeen", lastSeen);
        values.put(":type", s(finding.type()));
        values.put(":entry", s(decision.entry()));
        values.put(":mode", s(decision.mode().wireName()));
        values.put(":playbook", s(decision.incident().playbook().wireName()));
        values.put(":proposed", s(decision.proposedPlaybook().wireName()));
        values.put(":placement", s((opened ? FindingOutcome.OPENED : FindingOutcome.JOINED)
                .name()));
        values.put(":execution", s(executionName == null ? "none" : executionName));
        values.put(":now", s(clock.instant().toString()));
        values.put(":deliveries", AttributeValue.fromN(Integer.toString(deliveries)));
        Map<String, AttributeValue> old = AwsErrors.call("UpdateItem " + tableName,
                () -> dynamoDb.updateItem(request -> request.tableName(tableName).key(key)
                        .updateExpression("SET findingType = :type, catalogueEntry = :entry,"
                                + " triageMode = :mode, playbook = :playbook,"
                                + " proposedPlaybook = :proposed,"
                                + " findingCount = if_not_exists(findingCount, :count),"
                                + " lastSeenAt = if_not_exists(lastSeenAt, :lastSeen),"
                                + " placement = if_not_exists(placement, :placement),"
                                + " execution = if_not_exists(execution, :execution),"
                                + " firstDeliveredAt = if_not_exists(firstDeliveredAt, :now),"
                                + " lastDeliveredAt = :now ADD deliveries :deliveries")
                        .expressionAttributeValues(values)
                        .returnValues(ReturnValue.ALL_OLD))).attributes();
        if (old == null || !old.containsKey("findingCount")) {
            return opened ? FindingOutcome.OPENED : FindingOutcome.JOINED;
        }
        boolean newer = number(old, "findingCount") < finding.count()
                || number(old, "lastSeenAt") < finding.lastSeen().toEpochMilli();
        return newer && recordVersion(key, count, lastSeen)
                ? FindingOutcome.UPDATED : FindingOutcome.DUPLICATE;
    }

    /** Stores a later version's count and activity, unless a concurrent one got there first. */
    private boolean recordVersion(Map<String, AttributeValue> key, AttributeValue count,
            AttributeValue lastSeen) {
        try {
            AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                    .tableName(tableName).key(key)
                    .conditionExpression("findingCount < :count OR lastSeenAt < :lastSeen")
                    .updateExpression("SET findingCount = :count, lastSeenAt = :lastSeen"
                            + " ADD versions :one")
                    .expressionAttributeValues(Map.of(":count", count, ":lastSeen", lastSeen,
                            ":one", AttributeValue.fromN("1")))));
            return true;
        } catch (ConditionalCheckFailedException sameOrOlder) {
            return false;
        }
    }

    /** Records that a suppression silenced a finding, counting its deliveries. */
    void recordSuppressed(TriageDecision decision, int deliveries) {
        Catalogue.Suppression rule = decision.suppression().orElseThrow();
        Finding finding = decision.incident().finding();
        Instant now = clock.instant();
        AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                .tableName(tableName)
                .key(key("suppressed#" + DAY.format(now),
                        finding.source() + "#" + finding.id()))
                .updateExpression("SET suppression = :rule, reason = :reason,"
                        + " findingType = :type, resourceKey = :resource, accountId = :account,"
                        + " sampleFinding = :sample, proposedPlaybook = :proposed,"
                        + " firstSuppressedAt = if_not_exists(firstSuppressedAt, :now),"
                        + " lastSuppressedAt = :now ADD deliveries :deliveries")
                .expressionAttributeValues(Map.of(
                        ":rule", s(rule.name()),
                        ":reason", s(rule.reason()),
                        ":type", s(finding.type()),
                        ":resource", s(String.valueOf(finding.resource().key())),
                        ":account", s(finding.accountId()),
                        ":sample", AttributeValue.fromBool(finding.sample()),
                        ":proposed", s(decision.proposedPlaybook().wireName()),
                        ":now", s(now.toString()),
                        ":deliveries", AttributeValue.fromN(Integer.toString(deliveries))))));
    }

    /** Returns the window key of the incident's resource: account, region, kind and name. */
    static String windowKey(Incident incident) {
        return IncidentIds.windowKey(incident);
    }

    private boolean open(String windowKey, Incident incident, String id, long generation,
            long now, boolean replacing) {
        Map<String, AttributeValue> item = new HashMap<>(key(windowKey, WINDOW_ENTRY));
        item.put("incident", s(id));
        item.put("generation", AttributeValue.fromN(Long.toString(generation)));
        item.put("playbook", s(incident.playbook().wireName()));
        item.put("resourceKey", s(String.valueOf(incident.resource().key())));
        item.put("openedAt", s(Instant.ofEpochSecond(now).toString()));
        item.put("windowEndsAt", AttributeValue.fromN(Long.toString(now + window.toSeconds())));
        try {
            AwsErrors.run("PutItem " + tableName, () -> dynamoDb.putItem(request -> {
                request.tableName(tableName).item(item);
                if (replacing) {
                    request.conditionExpression("generation = :previous AND windowEndsAt < :now")
                            .expressionAttributeValues(Map.of(
                                    ":previous", AttributeValue.fromN(
                                            Long.toString(generation - 1)),
                                    ":now", AttributeValue.fromN(Long.toString(now))));
                } else {
                    request.conditionExpression("attribute_not_exists(incidentId)");
                }
            }));
            return true;
        } catch (ConditionalCheckFailedException raced) {
            return false;
        }
    }

    private void extend(String windowKey, long endsAt) {
        try {
            AwsErrors.run("UpdateItem " + tableName, () -> dynamoDb.updateItem(request -> request
                    .tableName(tableName).key(key(windowKey, WINDOW_ENTRY))
                    .conditionExpression("windowEndsAt < :ends")
                    .updateExpression("SET windowEndsAt = :ends")
                    .expressionAttributeValues(Map.of(":ends",
                            AttributeValue.fromN(Long.toString(endsAt))))));
        } catch (ConditionalCheckFailedException alreadyLater) {
            // Another delivery in the same second extended it as far already.
        }
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static Map<String, AttributeValue> key(String partition, String entry) {
        return Map.of("incidentId", s(partition), "entry", s(entry));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}

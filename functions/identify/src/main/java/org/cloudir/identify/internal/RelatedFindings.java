package org.cloudir.identify.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.IncidentIds;
import org.cloudir.identify.model.RelatedFinding;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the other findings of an incident from the incident table, and those of the resource's
 * earlier incidents. Two writers leave {@code finding#} entries under an incident: the
 * recording step ({@code finding#<id>#<count>}, with the finding as JSON) and triage's ledger
 * ({@code finding#<source>#<id>}, with the catalogue entry, mode and deliveries); both are
 * merged per finding id. Triage's window entry for the resource names its other incidents
 * where it can (see {@link #earlierIncidents}); each costs one more query.
 */
public final class RelatedFindings {
    /** Earlier incidents of the same resource read, newest first. */
    static final int EARLIER_INCIDENTS = 3;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public RelatedFindings(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Returns every finding but the incident's own: this incident's first, then earlier ones. */
    public List<RelatedFinding> of(Incident incident) {
        String own = incident.finding().id();
        List<RelatedFinding> related = new ArrayList<>(findings(incident.incidentId(), true));
        for (String earlier : earlierIncidents(incident)) {
            related.addAll(findings(earlier, false));
        }
        return related.stream()
                .filter(finding -> !(finding.sameIncident() && own.equals(finding.id())))
                .toList();
    }

    private List<RelatedFinding> findings(String incidentId, boolean sameIncident) {
        Map<String, Merged> byId = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : query(incidentId)) {
            String entry = item.get("entry").s();
            if (item.containsKey("findingId")) {
                recorded(item, byId.computeIfAbsent(item.get("findingId").s(), Merged::new));
            } else if (item.containsKey("catalogueEntry")) {
                // finding#<source>#<id>: the id may itself hold '#', the source never does.
                String rest = entry.substring("finding#".length());
                int split = rest.indexOf('#');
                if (split > 0) {
                    Merged merged = byId.computeIfAbsent(rest.substring(split + 1), Merged::new);
                    merged.source = rest.substring(0, split);
                    ledger(item, merged);
                }
            }
        }
        return byId.values().stream()
                .map(merged -> merged.finding(incidentId, sameIncident))
                .sorted(Comparator.comparing((RelatedFinding finding) ->
                        String.valueOf(finding.lastSeen())).thenComparing(RelatedFinding::id))
                .toList();
    }

    private List<Map<String, AttributeValue>> query(String incidentId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        AwsErrors.call("Query " + table, () -> dynamoDb.queryPaginator(request -> request
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("incidentId = :id AND begins_with(#entry, :prefix)")
                .expressionAttributeNames(Map.of("#entry", "entry"))
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(incidentId),
                        ":prefix", AttributeValue.fromS("finding#"))))
                .items()).forEach(items::add);
        return items;
    }

    /**
     * Returns the ids of the resource's other incidents that triage's window entry reveals: the
     * incident open for the resource now, and the earlier generations that share its id (a
     * resource hit again after its window closed, by a finding first seen the same day, gets
     * the same id with a {@code -2}, {@code -3} suffix). Earlier incidents opened on another day
     * have ids of their own that the window does not keep, so they are not found.
     */
    private List<String> earlierIncidents(Incident incident) {
        Map<String, AttributeValue> window = AwsErrors.call("GetItem " + table, () -> dynamoDb
                .getItem(request -> request.tableName(table).consistentRead(true)
                        .key(Map.of("incidentId", AttributeValue.fromS(
                                        IncidentIds.windowKey(incident)),
                                "entry", AttributeValue.fromS("window")))))
                .item();
        if (window == null || !window.containsKey("generation")) {
            return List.of();
        }
        long generation = Long.parseLong(window.get("generation").n());
        String latest = window.get("incident").s();
        String suffix = "-" + generation;
        String base = generation > 1 && latest.endsWith(suffix)
                ? latest.substring(0, latest.length() - suffix.length()) : null;
        List<String> ids = new ArrayList<>();
        if (!latest.equals(incident.incidentId())) {
            ids.add(latest);
        }
        for (long g = generation - 1; base != null && g >= 1 && ids.size() < EARLIER_INCIDENTS;
                g--) {
            String id = g == 1 ? base : base + "-" + g;
            if (!id.equals(incident.incidentId())) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static void recorded(Map<String, AttributeValue> item, Merged merged) {
        text(item, "findingType").ifPresent(type -> merged.type = type);
        number(item, "severity").ifPresent(severity -> merged.severity = severity);
        number(item, "count").ifPresent(count -> merged.count(count.intValue()));
        text(item, "lastSeen").filter(seen -> !"null".equals(seen))
                .ifPresent(merged::lastSeen);
        text(item, "finding").ifPresent(json -> {
            JsonNode finding = Json.parse(json, "finding entry");
            merged.source = finding.path("source").asText(merged.source);
        });
    }

    private static void ledger(Map<String, AttributeValue> item, Merged merged) {
        text(item, "findingType").ifPresent(type -> merged.type = type);
        text(item, "catalogueEntry").ifPresent(entry -> merged.catalogueEntry = entry);
        text(item, "triageMode").ifPresent(mode -> merged.triageMode = mode);
        text(item, "playbook").ifPresent(playbook -> merged.playbook = playbook);
        text(item, "proposedPlaybook").ifPresent(proposed -> merged.proposedPlaybook = proposed);
        number(item, "findingCount").ifPresent(count -> merged.count(count.intValue()));
        number(item, "deliveries").ifPresent(deliveries ->
                merged.deliveries = deliveries.intValue());
        number(item, "lastSeenAt").ifPresent(millis ->
                merged.lastSeen(Instant.ofEpochMilli(millis.longValue()).toString()));
    }

    private static Optional<String> text(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
    }

    private static Optional<Double> number(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::n).map(Double::valueOf);
    }

    /** Collects one finding's facts from the entries that mention it. */
    private static final class Merged {
        private final String id;
        private String source;
        private String type;
        private Double severity;
        private Integer count;
        private String lastSeen;
        private String catalogueEntry;
        private String triageMode;
        private String playbook;
        private String proposedPlaybook;
        private Integer deliveries;

        Merged(String id) {
            this.id = id;
        }

        void count(int value) {
            count = count == null ? value : Math.max(count, value);
        }

        void lastSeen(String value) {
            String normal;
            try {
                // ISO-8601 UTC instants order as text once normalised.
                normal = Instant.parse(value).toString();
            } catch (DateTimeParseException unreadable) {
                return;
            }
            lastSeen = lastSeen == null || normal.compareTo(lastSeen) > 0 ? normal : lastSeen;
        }

        RelatedFinding finding(String incidentId, boolean sameIncident) {
            return new RelatedFinding(incidentId, sameIncident, source, id, type, severity,
                    count, lastSeen, catalogueEntry, triageMode, playbook, proposedPlaybook,
                    deliveries);
        }
    }
}

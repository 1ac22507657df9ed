package org.cloudir.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Json;
import org.cloudir.core.Log;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.IncidentInput;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads back what earlier phases recorded for an incident, so that a later phase (recovery)
 * works from the audit trail rather than from a state it may not have: for each action the
 * latest result that changed something (outcome DONE), or its latest result when none did.
 * It changes nothing. Reads are strongly consistent, so an entry written by the step before
 * is always seen.
 */
public final class ReadIncidentHandler extends JsonFunction<RecordedIncident> {
    static final String UNKNOWN_STATUS = "UNKNOWN";

    private final Log log = Log.forClass(ReadIncidentHandler.class);
    private final DynamoDbClient dynamoDb;
    private final String tableName;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public ReadIncidentHandler() {
        this(Env.system());
    }

    public ReadIncidentHandler(Env env) {
        this(AwsClients.configure(DynamoDbClient.builder(), env).build(), env,
                Clock.systemUTC());
    }

    /** Takes a clock like the other handlers; reading needs no time of its own. */
    public ReadIncidentHandler(DynamoDbClient dynamoDb, Env env, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = env.require("INCIDENT_TABLE");
    }


    /** Reads the record of the incident in the request; the local worker calls this. */
    @Override
    public RecordedIncident handle(JsonNode request) {
        Incident incident = IncidentInput.read(request);
        String incidentId = incident.incidentId();
        List<Map<String, AttributeValue>> items = query(incidentId);
        if (items.isEmpty()) {
            throw new ResourceNotFoundException("incident " + incidentId + " has no entries in"
                    + " table " + tableName + "; check the incident id, or run containment"
                    + " (which records it) first");
        }

        String status = UNKNOWN_STATUS;
        List<Entry> actions = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            String entry = item.get("entry").s();
            if (IncidentTable.SUMMARY_ENTRY.equals(entry) && item.containsKey("status")) {
                status = item.get("status").s();
            } else if (entry.startsWith("action#")) {
                actions.add(Entry.of(entry, item));
            }
        }
        actions.sort(Comparator.comparing(Entry::startedAt).thenComparing(Entry::key));
        RecordedIncident recorded = new RecordedIncident(incidentId, status, latest(actions),
                names(actions));
        log.info("incident read", "incidentId", incidentId, "status", status,
                "actions", recorded.actions());
        return recorded;
    }

    /** One action entry: its sort key, action name, start, outcome and full result. */
    private record Entry(String key, String action, Instant startedAt, String outcome,
            JsonNode result) {

        static Entry of(String key, Map<String, AttributeValue> item) {
            JsonNode result = Json.parse(text(item, "result", key), "result of entry " + key);
            String action = result.path("action").asText(text(item, "action", key));
            // Instant text does not sort as text ("...00Z" after "...00.5Z"): parse it.
            String started = result.path("startedAt").asText(text(item, "startedAt", key));
            try {
                return new Entry(key, action, Instant.parse(started),
                        result.path("outcome").asText(text(item, "outcome", key)), result);
            } catch (DateTimeParseException e) {
                throw new MalformedEventException("entry " + key + " has startedAt '" + started
                        + "', not an ISO-8601 time", e);
            }
        }

        private static String text(Map<String, AttributeValue> item, String name, String key) {
            AttributeValue value = item.get(name);
            if (value == null || value.s() == null) {
                throw new MalformedEventException("entry " + key + " has no '" + name + "'");
            }
            return value.s();
        }

        boolean done() {
            return "DONE".equals(outcome);
        }
    }

    /** Entries must be in time order: a later entry replaces an earlier one of its kind. */
    private static Map<String, JsonNode> latest(List<Entry> actions) {
        Map<String, Entry> chosen = new LinkedHashMap<>();
        for (Entry entry : actions) {
            String name = camelCase(entry.action());
            Entry current = chosen.get(name);
            if (current == null || entry.done() || !current.done()) {
                chosen.put(name, entry);
            }
        }
        Map<String, JsonNode> results = new LinkedHashMap<>();
        chosen.forEach((name, entry) -> results.put(name, entry.result()));
        return results;
    }

    private static List<String> names(List<Entry> actions) {
        Set<String> names = new LinkedHashSet<>();
        actions.forEach(entry -> names.add(entry.action()));
        return List.copyOf(names);
    }

    /** Turns an action name into the key the state machine uses: "isolate-instance" ->
     * "isolateInstance". */
    static String camelCase(String action) {
        StringBuilder name = new StringBuilder(action.length());
        boolean upper = false;
        for (char c : action.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = name.length() > 0;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    private List<Map<String, AttributeValue>> query(String incidentId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        AwsErrors.run("Query " + tableName, () -> dynamoDb.queryPaginator(request -> request
                        .tableName(tableName)
                        .consistentRead(true)
                        .keyConditionExpression("incidentId = :id")
                        .expressionAttributeValues(Map.of(":id",
                                AttributeValue.fromS(incidentId))))
                .items().forEach(items::add));
        return items;
    }
}

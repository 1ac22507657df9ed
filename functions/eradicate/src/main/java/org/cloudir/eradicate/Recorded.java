package org.cloudir.eradicate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.ResourceType;

/**
 * Reads the results earlier phases recorded, passed as
 * {@code {"incident": ..., "recorded": {"isolateInstance": <ActionResult>, ...}}} and keyed by
 * the camelCase action name. A missing entry means that action never ran.
 */
final class Recorded {
    static final String FIELD = "recorded";
    static final String ISOLATE_INSTANCE = "isolateInstance";
    static final String DISABLE_ACCESS_KEY = "disableAccessKey";

    private Recorded() {
    }

    /**
     * Returns the details of the recorded result of {@code action} (e.g. "isolate-instance"),
     * or empty when it was not recorded; fails fast when the entry is there but is not that
     * action's result for this incident.
     */
    static Optional<JsonNode> details(JsonNode request, String action, Incident incident) {
        JsonNode recorded = request.path(FIELD);
        if (recorded.isMissingNode() || recorded.isNull()) {
            return Optional.empty();
        }
        if (!recorded.isObject()) {
            throw new MalformedEventException("field '" + FIELD + "' must be an object keyed by"
                    + " action name for incident " + incident.incidentId());
        }
        String key = camelCase(action);
        JsonNode entry = recorded.path(key);
        if (entry.isMissingNode() || entry.isNull()) {
            return Optional.empty();
        }
        String field = FIELD + "." + key;
        if (!action.equals(entry.path("action").asText(""))) {
            throw new MalformedEventException("field '" + field + ".action' is '"
                    + entry.path("action").asText("") + "'; expected " + action);
        }
        if (!incident.incidentId().equals(entry.path("incidentId").asText(""))) {
            throw new MalformedEventException("field '" + field + ".incidentId' is '"
                    + entry.path("incidentId").asText("") + "' but the incident is "
                    + incident.incidentId());
        }
        if (!entry.path("details").isObject()) {
            throw new MalformedEventException("field '" + field + ".details' is missing");
        }
        return Optional.of(entry.path("details"));
    }

    /** Turns "isolate-instance" into "isolateInstance". */
    static String camelCase(String action) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : action.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** Fails fast when the incident is not about the kind of resource the action acts on. */
    static void requireType(Incident incident, ResourceType type, String action) {
        if (incident.resource().type() != type) {
            throw new MalformedEventException("field 'incident.resource.type' is "
                    + incident.resource().type().wireName() + " but " + action + " acts on "
                    + type.wireName() + " incidents only (incident " + incident.incidentId()
                    + ")");
        }
    }
}

package org.cloudir.recover.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.cloudir.core.MalformedEventException;

/**
 * Reads the results earlier phases recorded, as the recovery tasks receive them:
 * {@code {"incident": ..., "recorded": {"isolateInstance": <ActionResult>, ...}}}, keyed by the
 * camelCase action name. Each result is checked to be the named action's, of this incident.
 */
public final class Recorded {
    public static final String FIELD = "recorded";

    private final JsonNode results;
    private final String incidentId;

    private Recorded(JsonNode results, String incidentId) {
        this.results = results;
        this.incidentId = incidentId;
    }

    /** Reads field {@code recorded}; it must be an object, though it may be empty. */
    public static Recorded read(JsonNode request, String incidentId) {
        JsonNode results = request.path(FIELD);
        if (!results.isObject()) {
            throw new MalformedEventException("field '" + FIELD + "' is missing or not an"
                    + " object; pass what read-incident returned for incident " + incidentId
                    + " (an empty object when nothing was recorded)");
        }
        return new Recorded(results, incidentId);
    }

    /** Returns the details of the action's result when its outcome was DONE. */
    public Optional<JsonNode> done(String key, String action) {
        return result(key, action)
                .filter(result -> "DONE".equals(result.path("outcome").asText()))
                .map(result -> result.path("details"));
    }

    /**
     * Returns the details of the action's result when it acted for real (DONE, or
     * ALREADY_DONE when it found its work done); a dry run's result changed nothing.
     */
    public Optional<JsonNode> acted(String key, String action) {
        return result(key, action)
                .filter(result -> !"DRY_RUN".equals(result.path("outcome").asText()))
                .map(result -> result.path("details"));
    }

    /** Returns the whole recorded result, checked, or empty when none was recorded. */
    public Optional<JsonNode> result(String key, String action) {
        JsonNode result = results.path(key);
        if (result.isMissingNode() || result.isNull()) {
            return Optional.empty();
        }
        String path = FIELD + "." + key;
        if (!result.isObject()) {
            throw new MalformedEventException("field '" + path + "' is not an object; expected"
                    + " the " + action + " result");
        }
        String recordedAction = result.path("action").asText("");
        if (!action.equals(recordedAction)) {
            throw new MalformedEventException("field '" + path + ".action' is '"
                    + recordedAction + "'; expected " + action);
        }
        String recordedIncident = result.path("incidentId").asText("");
        if (!incidentId.equals(recordedIncident)) {
            throw new MalformedEventException("field '" + path + ".incidentId' is '"
                    + recordedIncident + "' but the incident is " + incidentId);
        }
        if (!result.path("details").isObject()) {
            throw new MalformedEventException("field '" + path + ".details' is missing");
        }
        if (result.path("outcome").asText("").isEmpty()) {
            throw new MalformedEventException("field '" + path + ".outcome' is missing");
        }
        return Optional.of(result);
    }
}

package org.cloudir.aws;

import com.fasterxml.jackson.databind.JsonNode;
import org.cloudir.core.MalformedEventException;

/**
 * Reads the result an undo action reverses from its request:
 * {@code {"incident": ..., "undo": <the ActionResult the action returned>}}.
 */
public final class UndoRequest {
    public static final String FIELD = "undo";

    private UndoRequest() {
    }

    /** Returns the recorded result's details, checking it was written by the expected action. */
    public static JsonNode details(JsonNode request, String expectedAction, String incidentId) {
        JsonNode recorded = request.path(FIELD);
        if (!recorded.isObject()) {
            throw new MalformedEventException("field '" + FIELD + "' is missing: pass the "
                    + expectedAction + " result to undo for incident " + incidentId);
        }
        String action = recorded.path("action").asText("");
        if (!expectedAction.equals(action)) {
            throw new MalformedEventException("field '" + FIELD + ".action' is '" + action
                    + "'; this undo reverses " + expectedAction + " only");
        }
        String recordedIncident = recorded.path("incidentId").asText("");
        if (!incidentId.equals(recordedIncident)) {
            throw new MalformedEventException("field '" + FIELD + ".incidentId' is '"
                    + recordedIncident + "' but the incident is " + incidentId);
        }
        JsonNode details = recorded.path("details");
        if (!details.isObject()) {
            throw new MalformedEventException("field '" + FIELD + ".details' is missing");
        }
        return details;
    }
}

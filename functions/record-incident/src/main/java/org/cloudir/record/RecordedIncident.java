package org.cloudir.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds what earlier phases recorded for an incident, in the shape the recovery tasks read.
 *
 * @param status the summary entry's status, or "UNKNOWN" when only other entries exist
 * @param recorded each action's result by camelCase action name ("isolateInstance"): the
 *     latest with outcome DONE, or the latest of any outcome when none was DONE
 * @param actions the distinct action names, ordered by their first start
 */
public record RecordedIncident(String incidentId, String status, Map<String, JsonNode> recorded,
        List<String> actions) {

    public RecordedIncident {
        recorded = Collections.unmodifiableMap(new LinkedHashMap<>(recorded));
        actions = List.copyOf(actions);
    }
}

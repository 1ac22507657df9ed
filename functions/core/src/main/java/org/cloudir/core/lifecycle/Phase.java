package org.cloudir.core.lifecycle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import org.cloudir.core.MalformedEventException;

/** Names the incident-response phases, each run by a state machine of its own. */
public enum Phase {
    PREPARATION("preparation"),
    IDENTIFICATION("identification"),
    CONTAINMENT("containment"),
    ERADICATION("eradication"),
    RECOVERY("recovery"),
    POST_INCIDENT("post-incident"),
    /** The orchestrator's own run, which starts the five incident phases in order. */
    INCIDENT_RESPONSE("incident-response");

    private final String wireName;

    Phase(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Returns the phase of a wire name, or throws MalformedEventException listing the known. */
    @JsonCreator
    public static Phase fromWireName(String wireName) {
        return Arrays.stream(values())
                .filter(phase -> phase.wireName.equals(wireName))
                .findFirst()
                .orElseThrow(() -> new MalformedEventException("field 'phase' is '" + wireName
                        + "'; known phases: "
                        + Arrays.stream(values()).map(Phase::wireName).toList()));
    }
}

package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Incident;
import org.junit.jupiter.api.Test;

class IncidentInputTest {
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2025-03-14T10:00:00Z"), ZoneOffset.UTC);

    private static ObjectNode input() {
        Incident incident = new Triage(CLOCK, false).triage(Fixtures.text(Fixtures.BACKDOOR));
        ObjectNode input = Json.mapper().createObjectNode();
        input.set("incident", Json.mapper().valueToTree(incident));
        return input;
    }

    private static ObjectNode incident(ObjectNode input) {
        return (ObjectNode) input.get("incident");
    }

    @Test
    void readsTheIncidentTriageBuilds() {
        ObjectNode input = input();

        Incident incident = IncidentInput.read(input);

        assertThat(incident.resource().id()).isEqualTo("i-0123456789abcdef0");
        assertThat(incident.dryRun()).isFalse();
    }

    @Test
    void refusesAMissingDryRunFlagInsteadOfActingForReal() {
        ObjectNode input = input();
        incident(input).remove("dryRun");

        assertThatThrownBy(() -> IncidentInput.read(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("incident.dryRun");
    }

    @Test
    void refusesANullDryRunFlag() {
        ObjectNode input = input();
        incident(input).putNull("dryRun");

        assertThatThrownBy(() -> IncidentInput.read(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("incident.dryRun");
    }

    @Test
    void refusesADryRunFlagGivenAsText() {
        ObjectNode input = input();
        incident(input).put("dryRun", "yes");

        assertThatThrownBy(() -> IncidentInput.read(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("incident.dryRun")
                .hasMessageContaining("boolean");
    }

    @Test
    void refusesASeverityOutsideTheGuardDutyRange() {
        ObjectNode input = input();
        ((ObjectNode) incident(input).get("finding")).put("severity", "NaN");

        assertThatThrownBy(() -> IncidentInput.read(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("incident.finding.severity");
    }

    @Test
    void refusesAnUnknownResourceType() {
        ObjectNode input = input();
        ((ObjectNode) incident(input).get("resource")).put("type", "Bucket");

        assertThatThrownBy(() -> IncidentInput.read(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("incident.resource.type");
    }
}

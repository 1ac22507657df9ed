package org.cloudir.recover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.junit.jupiter.api.Test;

/** Checks how recovery reads the results earlier phases recorded. */
class RecordedTest {
    private static final String INCIDENT = "ir-20260101-0123456789abcdef0123";

    private static Recorded recorded(String json) {
        return Recorded.read(Json.parse("{\"recorded\": " + json + "}", "request"), INCIDENT);
    }

    private static String result(String action, String outcome, String details) {
        return "{\"action\": \"" + action + "\", \"incidentId\": \"" + INCIDENT
                + "\", \"outcome\": \"" + outcome + "\", \"details\": " + details + "}";
    }

    @Test
    void aDryRunResultCountsAsNothingDone() {
        Recorded recorded = recorded("{\"stopInstance\": " + result("stop-instance", "DRY_RUN",
                "{\"previousState\": \"running\"}") + "}");

        assertThat(recorded.done("stopInstance", "stop-instance")).isEmpty();
        assertThat(recorded.acted("stopInstance", "stop-instance")).isEmpty();
        assertThat(recorded.result("stopInstance", "stop-instance")).isPresent();
    }

    @Test
    void aResultOfAnotherIncidentIsRefusedNamingTheField() {
        String other = result("stop-instance", "DONE", "{}").replace(INCIDENT, "ir-other");

        assertThatThrownBy(() -> recorded("{\"stopInstance\": " + other + "}")
                .done("stopInstance", "stop-instance"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'recorded.stopInstance.incidentId'");
    }

    @Test
    void onlyTheIncidentsOwnDenyPolicyNamesAreAccepted() {
        Recorded recorded = recorded("{\"quarantinePrincipal\": " + result(
                "quarantine-principal", "DONE", "{\"quarantinePolicy\": \"ir-quarantine-" + INCIDENT
                        + "\", \"sessionDenyPolicy\": \"AdministratorAccess\"}") + "}");

        assertThatThrownBy(() -> ResponderPolicies.recorded(recorded, INCIDENT))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'recorded.quarantinePrincipal.details.sessionDenyPolicy'");
    }

    @Test
    void keysTheAttackerMadeAreNeverTheUsersWhereverTheRecordNamesThem() {
        JsonNode attacker = Json.parse("{\"users\": [{\"keys\": [\"AKIAATTACKER00000001\"]}],"
                + " \"AKIAATTACKER00000002\": \"deleted\"}", "details");
        Recorded recorded = recorded("{\"disableAccessKey\": " + result("disable-access-key",
                "DONE", "{\"previousStatus\": {\"AKIAUSER000000000001\": \"Active\","
                        + " \"AKIAATTACKER00000001\": \"Active\","
                        + " \"AKIAATTACKER00000002\": \"Active\"}}")
                + ", \"removeAttackerCredentials\": " + result("remove-attacker-credentials",
                "DONE", attacker.toString()) + "}");

        RecordedKeys keys = RecordedKeys.of(recorded);

        assertThat(keys.userKeys()).containsExactly("AKIAUSER000000000001");
        assertThat(keys.activeBefore("AKIAUSER000000000001")).isTrue();
    }
}

package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.accesskey.RootCredentialsException;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.eradicate.QuarantinePrincipalHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Quarantines compromised IAM users and reads their inline policies back. */
class QuarantinePrincipalTest {
    private static LocalHarness harness;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        env = harness.aws.envFor(Map.of());
    }

    static QuarantinePrincipalHandler handler() {
        return new QuarantinePrincipalHandler(env);
    }

    static Incident incident(Victim victim, boolean dryRun) {
        return LocalHarness.triage(harness.event(LocalHarness.MALICIOUS_IP, victim), dryRun);
    }

    static List<String> policies(String userName) {
        return harness.aws.iam.listUserPolicies(request -> request.userName(userName))
                .policyNames();
    }

    static JsonNode statement(String userName, String policyName) {
        String document = harness.aws.iam.getUserPolicy(request -> request.userName(userName)
                .policyName(policyName)).policyDocument();
        return Json.parse(URLDecoder.decode(document, StandardCharsets.UTF_8), policyName)
                .path("Statement").path(0);
    }

    /** A user whose key containment disabled, quarantined twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AfterContainment {
        private Victim victim;
        private Incident incident;
        private ActionResult first;
        private ActionResult second;

        @BeforeAll
        void containThenQuarantineTwice() {
            victim = harness.newVictim();
            incident = incident(victim, false);
            new DisableAccessKeyHandler(env).handle(LocalHarness.input(incident));
            first = handler().handle(LocalHarness.input(incident));
            second = handler().handle(LocalHarness.input(incident));
        }

        @Test
        void attachesAnUnconditionalDenyAllNamedForTheIncident() {
            String policyName = "ir-quarantine-" + incident.incidentId();

            JsonNode statement = statement(victim.userName(), policyName);

            assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
            assertThat(statement.path("Action").asText()).isEqualTo("*");
            assertThat(statement.path("Resource").asText()).isEqualTo("*");
            assertThat(statement.has("Condition")).isFalse();
        }

        @Test
        void keepsContainmentsSessionDenyAndRepeatsNothing() {
            assertThat(policies(victim.userName())).containsExactlyInAnyOrder(
                    "ir-quarantine-" + incident.incidentId(),
                    "ir-deny-sessions-" + incident.incidentId());
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(first.details()).containsEntry("sessionDenyAdded", false);
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        }
    }

    @Test
    void putsTheSessionDenyTooWhenContainmentDidNot() {
        Victim victim = harness.newVictim();
        Incident incident = incident(victim, false);

        ActionResult result = handler().handle(LocalHarness.input(incident));

        assertThat(result.details()).containsEntry("sessionDenyAdded", true);
        assertThat(statement(victim.userName(), "ir-deny-sessions-" + incident.incidentId())
                .path("Condition").path("DateLessThan").path("aws:TokenIssueTime").asText())
                .isNotBlank();
    }

    @Test
    void refusesAProtectedUserAndPutsNoPolicy() {
        Victim victim = harness.newVictim();
        harness.aws.iam.tagUser(request -> request.userName(victim.userName())
                .tags(tag -> tag.key("ir:protected").value("true")));

        assertThatThrownBy(() -> handler().handle(LocalHarness.input(incident(victim, false))))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining("ir:protected");

        assertThat(policies(victim.userName())).isEmpty();
    }

    @Test
    void dryRunPutsNoPolicy() {
        Victim victim = harness.newVictim();

        ActionResult result = handler().handle(LocalHarness.input(incident(victim, true)));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(policies(victim.userName())).isEmpty();
    }

    @Test
    void rootIsEscalatedAndNothingIsChanged() {
        Victim victim = harness.newVictim();
        ObjectNode input = LocalHarness.input(incident(victim, false));
        ((ObjectNode) input.path("incident").path("resource")).put("userName", "root");

        assertThatThrownBy(() -> handler().handle(input))
                .isInstanceOf(RootCredentialsException.class)
                .hasMessageContaining("ESCALATE NOW");

        assertThat(policies(victim.userName())).isEmpty();
    }
}

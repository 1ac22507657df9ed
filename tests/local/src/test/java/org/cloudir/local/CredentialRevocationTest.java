package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.accesskey.RevokeRoleSessionsHandler;
import org.cloudir.accesskey.RootCredentialsException;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Checks that a contained IAM user key also loses the sessions issued from it. */
class CredentialRevocationTest {
    private static LocalHarness harness;
    private static EmulatorState state;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
    }

    static DisableAccessKeyHandler handler() {
        return new DisableAccessKeyHandler(harness.aws.envFor(Map.of()));
    }

    static Incident keyIncident(Victim victim) {
        return LocalHarness.triage(harness.event(LocalHarness.MALICIOUS_IP, victim), false);
    }

    static JsonNode userPolicy(String userName, String policyName) {
        String document = harness.aws.iam.getUserPolicy(request -> request.userName(userName)
                .policyName(policyName)).policyDocument();
        return Json.parse(URLDecoder.decode(document, StandardCharsets.UTF_8), policyName);
    }

    /** A user with two keys; the finding names one; containment runs twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class UserWithTwoKeys {
        private Victim victim;
        private String otherKey;
        private ActionResult first;
        private ActionResult second;

        @BeforeAll
        void contain() {
            victim = harness.newVictim();
            otherKey = harness.aws.iam.createAccessKey(request -> request
                    .userName(victim.userName())).accessKey().accessKeyId();
            first = handler().handle(LocalHarness.input(keyIncident(victim)));
            second = handler().handle(LocalHarness.input(keyIncident(victim)));
        }

        @Test
        void attachesADenyAllPolicyForSessionsIssuedBeforeContainment() {
            String policyName = (String) first.details().get("sessionDenyPolicy");

            JsonNode statement = userPolicy(victim.userName(), policyName)
                    .path("Statement").path(0);

            assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
            assertThat(statement.path("Action").asText()).isEqualTo("*");
            assertThat(statement.path("Resource").asText()).isEqualTo("*");
            assertThat(statement.path("Condition").path("DateLessThan")
                    .path("aws:TokenIssueTime").asText()).isNotBlank();
        }

        @Test
        void deactivatesTheNamedKeyAndLeavesTheOtherActive() {
            assertThat(state.keyStatuses(victim.userName()))
                    .containsEntry(victim.accessKeyId(), "Inactive")
                    .containsEntry(otherKey, "Active");
        }

        @Test
        void repeatIsAlreadyDoneAndKeepsTheFirstCutoff() {
            String policyName = (String) first.details().get("sessionDenyPolicy");

            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(harness.aws.iam.listUserPolicies(request -> request
                    .userName(victim.userName())).policyNames()).containsExactly(policyName);
            assertThat(first.verified()).anyMatch(line -> line.contains(policyName));
        }
    }

    @Test
    void rootCredentialsAreEscalatedLoudlyAndNothingIsChanged() {
        Victim victim = harness.newVictim();
        ObjectNode input = LocalHarness.input(keyIncident(victim));
        ((ObjectNode) input.path("incident").path("resource")).put("userName", "root");

        assertThatThrownBy(() -> handler().handle(input))
                .isInstanceOf(RootCredentialsException.class)
                .hasMessageContaining("ESCALATE NOW")
                .hasMessageContaining("never acts on root automatically");

        assertThat(state.keyStatuses(victim.userName()))
                .containsEntry(victim.accessKeyId(), "Active");
    }

    @Test
    void dryRunAttachesNoPolicy() {
        Victim victim = harness.newVictim();
        Incident incident = LocalHarness.triage(
                harness.event(LocalHarness.MALICIOUS_IP, victim), true);

        handler().handle(LocalHarness.input(incident));

        assertThat(harness.aws.iam.listUserPolicies(request -> request
                .userName(victim.userName())).policyNames()).isEmpty();
    }

    /** A role whose sessions an AssumedRole finding names; revoked twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RoleSessions {
        private String roleName;
        private ActionResult first;
        private ActionResult second;

        @BeforeAll
        void revoke() {
            roleName = "it-role-" + LocalHarness.shortRandom();
            harness.aws.iam.createRole(request -> request.roleName(roleName)
                    .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                            + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                            + "\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
            ObjectNode input = LocalHarness.input(keyIncident(harness.newVictim()));
            input.put("roleName", roleName);
            first = new RevokeRoleSessionsHandler(harness.aws.envFor(Map.of())).handle(input);
            second = new RevokeRoleSessionsHandler(harness.aws.envFor(Map.of())).handle(input);
        }

        @Test
        void attachesADenyAllPolicyForOlderSessionsToTheRole() {
            String policyName = (String) first.details().get("sessionDenyPolicy");
            String document = harness.aws.iam.getRolePolicy(request -> request
                    .roleName(roleName).policyName(policyName)).policyDocument();

            JsonNode statement = Json.parse(URLDecoder.decode(document,
                    StandardCharsets.UTF_8), policyName).path("Statement").path(0);

            assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
            assertThat(statement.path("Action").asText()).isEqualTo("*");
            assertThat(statement.path("Condition").path("DateLessThan")
                    .path("aws:TokenIssueTime").asText()).isNotBlank();
        }

        @Test
        void repeatIsAlreadyDoneWithOnePolicy() {
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(harness.aws.iam.listRolePolicies(request -> request.roleName(roleName))
                    .policyNames()).hasSize(1);
        }
    }

    @Test
    void roleRevocationWithoutARoleNameFailsNamingTheField() {
        ObjectNode input = LocalHarness.input(keyIncident(harness.newVictim()));

        assertThatThrownBy(() -> new RevokeRoleSessionsHandler(harness.aws.envFor(Map.of()))
                .handle(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'roleName'");
    }

    @Test
    void roleRevocationRefusesAProtectedRoleAndAttachesNothing() {
        String roleName = "it-protected-role-" + LocalHarness.shortRandom();
        harness.aws.iam.createRole(request -> request.roleName(roleName)
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                .tags(tag -> tag.key("ir:protected").value("true")));
        ObjectNode input = LocalHarness.input(keyIncident(harness.newVictim()));
        input.put("roleName", roleName);

        assertThatThrownBy(() -> new RevokeRoleSessionsHandler(harness.aws.envFor(Map.of()))
                .handle(input))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining("ir:protected");

        assertThat(harness.aws.iam.listRolePolicies(request -> request.roleName(roleName))
                .policyNames()).isEmpty();
    }
}

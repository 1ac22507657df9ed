package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.eradicate.RevokeInstanceRoleSessionsHandler;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Revokes the role sessions of contained instances and reads the roles' policies back. */
class InstanceRoleSessionsTest {
    private static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{"
            + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
            + "\"Action\":\"sts:AssumeRole\"}]}";

    private static LocalHarness harness;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        env = harness.aws.envFor(Map.of());
    }

    static RevokeInstanceRoleSessionsHandler handler() {
        return new RevokeInstanceRoleSessionsHandler(env);
    }

    static Incident incident(Victim victim, boolean dryRun) {
        return LocalHarness.triage(harness.event(LocalHarness.BACKDOOR, victim), dryRun);
    }

    /** Gives the victim an instance profile holding a new role; returns the role's name. */
    static String attachRole(Victim victim, boolean protectedRole) {
        String name = "it-web-role-" + LocalHarness.shortRandom();
        harness.aws.iam.createRole(request -> {
            request.roleName(name).assumeRolePolicyDocument(TRUST);
            if (protectedRole) {
                request.tags(tag -> tag.key("ir:protected").value("true"));
            }
        });
        String arn = harness.aws.iam.createInstanceProfile(request -> request
                .instanceProfileName(name + "-profile")).instanceProfile().arn();
        harness.aws.iam.addRoleToInstanceProfile(request -> request
                .instanceProfileName(name + "-profile").roleName(name));
        harness.aws.ec2.associateIamInstanceProfile(request -> request
                .instanceId(victim.instanceId()).iamInstanceProfile(profile -> profile.arn(arn)));
        return name;
    }

    static ObjectNode withRecorded(Incident incident, ActionResult isolated) {
        ObjectNode input = LocalHarness.input(incident);
        input.putObject("recorded").set("isolateInstance", Json.mapper().valueToTree(isolated));
        return input;
    }

    static java.util.List<String> policies(String roleName) {
        return harness.aws.iam.listRolePolicies(request -> request.roleName(roleName))
                .policyNames();
    }

    /** A contained instance whose profile containment removed; revoked twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ProfileRemovedByContainment {
        private String roleName;
        private ActionResult first;
        private ActionResult second;

        @BeforeAll
        void containThenRevokeTwice() {
            Victim victim = harness.newVictim();
            roleName = attachRole(victim, false);
            Incident incident = incident(victim, false);
            ActionResult isolated = new IsolateInstanceHandler(env)
                    .handle(LocalHarness.input(incident));
            first = handler().handle(withRecorded(incident, isolated));
            // The repeat has no recorded result: it finds the profile by the instance's tag.
            second = handler().handle(LocalHarness.input(incident));
        }

        @Test
        void deniesTheRoleEverySessionIssuedBeforeNow() {
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
        void repeatFindsTheProfileByTagAndAddsNothing() {
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(second.details().get("roles").toString()).contains(roleName);
            assertThat(policies(roleName)).hasSize(1);
        }
    }

    @Test
    void anInstanceWithoutAProfileHasNoInstanceRole() {
        Victim victim = harness.newVictim();

        ActionResult result = handler().handle(LocalHarness.input(incident(victim, false)));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        assertThat(result.summary()).startsWith("no instance role");
    }

    @Test
    void refusesAProtectedRoleAndPutsNoPolicy() {
        Victim victim = harness.newVictim();
        String roleName = attachRole(victim, true);

        assertThatThrownBy(() -> handler().handle(LocalHarness.input(incident(victim, false))))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining(roleName);

        assertThat(policies(roleName)).isEmpty();
    }

    @Test
    void dryRunPutsNoPolicy() {
        Victim victim = harness.newVictim();
        String roleName = attachRole(victim, false);

        ActionResult result = handler().handle(LocalHarness.input(incident(victim, true)));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(policies(roleName)).isEmpty();
    }
}

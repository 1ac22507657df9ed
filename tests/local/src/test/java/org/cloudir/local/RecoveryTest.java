package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.evidence.collect.CollectEvidenceHandler;
import org.cloudir.isolate.RestoreInstanceHandler;
import org.cloudir.recover.RecoverAccessKeyHandler;
import org.cloudir.recover.RecoveryBlockedException;
import org.cloudir.recover.StartInstanceHandler;
import org.cloudir.recover.VerifyRecoveryHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Recovers instances and access keys that the real containment handlers contained (and that
 * the test then stopped, quarantined or deleted as eradication does, recording the results
 * eradication returns), and checks the emulator shows the pre-incident state again.
 */
class RecoveryTest {
    private static final String SECRET_FIELD = "secretAccessKey";

    private static LocalHarness harness;
    private static EmulatorState state;
    private static Env env;
    private static SecretsManagerClient secrets;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
        env = harness.aws.envFor(Map.of(
                "EVIDENCE_BUCKET", harness.stack.bucketName("EvidenceBucket"),
                "NOTIFICATION_TOPIC_ARN", harness.stack.topicArn("IncidentNotificationTopic")));
        secrets = AwsClients.configure(SecretsManagerClient.builder(), env).build();
        CompleteIsolationTest.connect();
    }

    @AfterAll
    static void close() {
        secrets.close();
    }

    /** Returns {@code {"incident": ..., "recorded": {<key>: <result>, ...}}}. */
    static ObjectNode request(Incident incident, Map<String, ActionResult> recorded) {
        ObjectNode input = LocalHarness.input(incident);
        input.set("recorded", Json.mapper().valueToTree(recorded));
        return input;
    }

    static ObjectNode dryRun(ObjectNode request) {
        ObjectNode copy = request.deepCopy();
        ((ObjectNode) copy.path("incident")).put("dryRun", true);
        return copy;
    }

    /** Stores the pre-incident record as the first containment step does. */
    static void collectEvidence(Incident incident) {
        new CollectEvidenceHandler(env).handle(LocalHarness.input(incident));
    }

    /** Lifts stop protection and stops the instance, as eradication's stop-instance does. */
    static ActionResult stopAsEradicationDoes(Incident incident) {
        String id = incident.resource().id();
        String before = instanceState(id);
        harness.aws.ec2.modifyInstanceAttribute(request -> request.instanceId(id)
                .disableApiStop(value -> value.value(false)));
        harness.aws.ec2.stopInstances(request -> request.instanceIds(id));
        Polling.until("instance " + id + " stopped", java.time.Duration.ofSeconds(20),
                () -> "stopped".equals(instanceState(id)));
        return recordedResult("stop-instance", incident, id,
                Map.of("instanceId", id, "previousState", before, "stopProtectionLifted", true));
    }

    static ActionResult recordedResult(String action, Incident incident, String resourceId,
            Map<String, Object> details) {
        Instant now = Instant.now();
        return new ActionResult(action, incident.incidentId(), resourceId, Outcome.DONE,
                action + " as eradication records it", details, List.of(), now, now);
    }

    static String instanceState(String instanceId) {
        return harness.aws.ec2.describeInstances(request -> request.instanceIds(instanceId))
                .reservations().get(0).instances().get(0).state().nameAsString();
    }

    static String profileOf(String instanceId) {
        return harness.aws.ec2.describeIamInstanceProfileAssociations(request -> request
                        .filters(filter -> filter.name("instance-id").values(instanceId)))
                .iamInstanceProfileAssociations().stream()
                .filter(association -> "associated".equals(association.stateAsString()))
                .map(association -> association.iamInstanceProfile().arn())
                .findFirst().orElse("");
    }

    static StartInstanceHandler startHandler() {
        return new StartInstanceHandler(env);
    }

    static VerifyRecoveryHandler verifyHandler() {
        return new VerifyRecoveryHandler(env);
    }

    static RecoverAccessKeyHandler keyHandler() {
        return new RecoverAccessKeyHandler(env);
    }

    /**
     * An instance with a second interface and a profile: evidence collected, isolated, then
     * stopped as eradication does; recovery starts it, restores isolation and verifies.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RecoveringAnIsolatedStoppedInstance {
        private Victim victim;
        private Map<String, List<String>> groupsBefore;
        private String profileArn;
        private ActionResult started;
        private ActionResult startedAgain;
        private ActionResult verified;

        @BeforeAll
        void containThenRecover() {
            victim = harness.newVictim();
            CompleteIsolationTest.addInterface(victim, 1);
            profileArn = CompleteIsolationTest.attachProfile(victim);
            groupsBefore = state.interfaceGroups(victim.instanceId());
            Incident incident = CompleteIsolationTest.incident(victim);
            collectEvidence(incident);
            ActionResult isolated = CompleteIsolationTest.handler(new RecordingInterceptor())
                    .handle(LocalHarness.input(incident));
            ActionResult stopped = stopAsEradicationDoes(incident);
            Map<String, ActionResult> recorded = new LinkedHashMap<>(Map.of(
                    "isolateInstance", isolated, "stopInstance", stopped));

            started = startHandler().handle(request(incident, recorded));
            startedAgain = startHandler().handle(request(incident, recorded));
            new RestoreInstanceHandler(env).handle(UndoTest.undoInput(incident, isolated));
            recorded.put("startInstance", started);
            verified = verifyHandler().handle(request(incident, recorded));
        }

        @Test
        void startsTheInstanceTheResponderStopped() {
            assertThat(instanceState(victim.instanceId())).isEqualTo("running");
            assertThat(started.outcome()).isEqualTo(Outcome.DONE);
            assertThat(started.details()).containsEntry("stoppedByResponder", true)
                    .containsEntry("previousState", "stopped");
        }

        @Test
        void aRepeatFindsItRunningAndStartsNothing() {
            assertThat(startedAgain.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(startedAgain.details()).containsEntry("startedInstance", false);
        }

        @Test
        void theInstanceHasItsGroupsAndProfileBack() {
            assertThat(state.interfaceGroups(victim.instanceId())).isEqualTo(groupsBefore);
            assertThat(profileOf(victim.instanceId())).isEqualTo(profileArn);
        }

        @Test
        void verificationPassesListingEveryCheck() {
            assertThat(verified.outcome()).isEqualTo(Outcome.DONE);
            assertThat(verified.details().get("checks")).asList().hasSize(7);
            assertThat(verified.verified()).contains(
                    "termination protection: false", "stop protection: false",
                    "shutdown behaviour: stop", "instance profile: " + profileArn,
                    "state: running");
        }
    }

    @Test
    void verificationOfATamperedInstanceNamesEveryDifference() {
        Victim victim = harness.newVictim();
        Incident incident = CompleteIsolationTest.incident(victim);
        collectEvidence(incident);
        String eni = state.interfaceGroups(victim.instanceId()).keySet().iterator().next();
        String other = harness.aws.ec2.createSecurityGroup(request -> request
                .groupName("it-extra-" + LocalHarness.shortRandom()).description("extra")
                .vpcId(victim.vpcId())).groupId();
        harness.aws.ec2.modifyNetworkInterfaceAttribute(request -> request
                .networkInterfaceId(eni).groups(victim.groupId(), other));
        harness.aws.ec2.modifyInstanceAttribute(request -> request
                .instanceId(victim.instanceId()).disableApiTermination(value -> value.value(true)));

        assertThatThrownBy(() -> verifyHandler().handle(request(incident, Map.of())))
                .isInstanceOf(VerificationFailedException.class)
                .hasMessageContaining("2 of 6 checks")
                .hasMessageContaining("security groups of " + eni)
                .hasMessageContaining(other)
                .hasMessageContaining("termination protection: expected false, found true");
    }

    @Test
    void verificationWithoutAPreIncidentRecordFailsNamingIt() {
        Victim victim = harness.newVictim();
        Incident incident = CompleteIsolationTest.incident(victim);

        assertThatThrownBy(() -> verifyHandler().handle(request(incident, Map.of())))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("no pre-incident record")
                .hasMessageContaining("before/resource.json");
    }

    @Test
    void anInstanceTheResponderDidNotStopIsLeftStopped() {
        Victim victim = harness.newVictim();
        Incident incident = CompleteIsolationTest.incident(victim);
        harness.aws.ec2.stopInstances(request -> request.instanceIds(victim.instanceId()));

        ActionResult result = startHandler().handle(request(incident, Map.of()));

        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(result.summary()).contains("not stopped by the responder");
        assertThat(instanceState(victim.instanceId())).isEqualTo("stopped");
    }

    @Test
    void startingAProtectedInstanceIsRefusedAndItStaysStopped() {
        Victim victim = harness.newVictim();
        Incident incident = CompleteIsolationTest.incident(victim);
        ActionResult stopped = stopAsEradicationDoes(incident);
        harness.aws.ec2.createTags(request -> request.resources(victim.instanceId())
                .tags(tag -> tag.key("ir:protected").value("true")));

        assertThatThrownBy(() -> startHandler().handle(request(incident,
                Map.of("stopInstance", stopped))))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining("ir:protected");

        assertThat(instanceState(victim.instanceId())).isEqualTo("stopped");
    }

    @Test
    void aDryRunStartLeavesTheInstanceStopped() {
        Victim victim = harness.newVictim();
        Incident incident = CompleteIsolationTest.incident(victim);
        ActionResult stopped = stopAsEradicationDoes(incident);

        ActionResult result = startHandler().handle(dryRun(request(incident,
                Map.of("stopInstance", stopped))));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(result.summary()).contains("would start");
        assertThat(instanceState(victim.instanceId())).isEqualTo("stopped");
    }

    @Test
    void startWithoutTheRecordedFieldFailsNamingIt() {
        Victim victim = harness.newVictim();

        assertThatThrownBy(() -> startHandler().handle(LocalHarness.input(
                CompleteIsolationTest.incident(victim))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'recorded'");
    }

    static Incident keyIncident(Victim victim) {
        return LocalHarness.triage(harness.event(LocalHarness.MALICIOUS_IP, victim), false);
    }

    static String quarantineName(Incident incident) {
        return "ir-quarantine-" + incident.incidentId();
    }

    /** Puts the deny-all quarantine policy on the user, as eradication's quarantine does. */
    static ActionResult quarantineAsEradicationDoes(Incident incident) {
        String userName = incident.resource().userName();
        harness.aws.iam.putUserPolicy(request -> request.userName(userName)
                .policyName(quarantineName(incident))
                .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                        + "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        return recordedResult("quarantine-principal", incident, "user/" + userName, Map.of(
                "userName", userName, "quarantinePolicy", quarantineName(incident),
                "sessionDenyPolicy", "ir-deny-sessions-" + incident.incidentId()));
    }

    /** Deletes the user's key, as eradication's delete-access-key does. */
    static ActionResult deleteAsEradicationDoes(Incident incident, String keyId) {
        String userName = incident.resource().userName();
        var key = harness.aws.iam.listAccessKeys(request -> request.userName(userName))
                .accessKeyMetadata().stream().filter(k -> k.accessKeyId().equals(keyId))
                .findFirst().orElseThrow();
        harness.aws.iam.deleteAccessKey(request -> request.userName(userName)
                .accessKeyId(keyId));
        return recordedResult("delete-access-key", incident, keyId, Map.of(
                "userName", userName, "deletedKeys", List.of(Map.of("accessKeyId", keyId,
                        "userName", userName, "createDate", String.valueOf(key.createDate()),
                        "lastStatus", key.statusAsString()))));
    }

    static List<String> userPolicies(String userName) {
        return harness.aws.iam.listUserPolicies(request -> request.userName(userName))
                .policyNames();
    }

    /**
     * A user whose compromised key containment disabled and eradication quarantined and
     * deleted: recovery rotates it into a secret, twice, then verifies.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RotatingADeletedKey {
        private Victim victim;
        private Incident incident;
        private ActionResult first;
        private ActionResult second;
        private ActionResult verified;

        @BeforeAll
        void containEradicateThenRecover() {
            victim = harness.newVictim();
            incident = keyIncident(victim);
            collectEvidence(incident);
            Map<String, ActionResult> recorded = new LinkedHashMap<>();
            recorded.put("disableAccessKey", new DisableAccessKeyHandler(env)
                    .handle(LocalHarness.input(incident)));
            recorded.put("quarantinePrincipal", quarantineAsEradicationDoes(incident));
            recorded.put("deleteAccessKey",
                    deleteAsEradicationDoes(incident, victim.accessKeyId()));

            first = keyHandler().handle(request(incident, recorded));
            second = keyHandler().handle(request(incident, recorded));
            recorded.put("recoverAccessKey", first);
            verified = verifyHandler().handle(request(incident, recorded));
        }

        private String newKey() {
            return (String) first.details().get("newAccessKeyId");
        }

        @Test
        void createsOneNewActiveKeyInPlaceOfTheDeletedOne() {
            assertThat(state.keyStatuses(victim.userName()))
                    .containsExactly(Map.entry(newKey(), "Active"));
            assertThat(first.details()).containsEntry("rotatedKeys",
                    List.of(victim.accessKeyId()));
        }

        @Test
        void storesTheNewKeysSecretInSecretsManagerTaggedWithTheIncident() {
            String name = "incident-responder/" + incident.incidentId() + "/"
                    + victim.userName();

            JsonNode value = Json.parse(secrets.getSecretValue(request -> request
                    .secretId(name)).secretString(), "secret");
            List<Tag> tags = secrets.describeSecret(request -> request.secretId(name)).tags();

            assertThat(value.path("accessKeyId").asText()).isEqualTo(newKey());
            assertThat(value.path(SECRET_FIELD).asText()).isNotBlank();
            assertThat(tags).contains(Tag.builder().key("ir:incident-id")
                    .value(incident.incidentId()).build());
            assertThat(first.details().get("secretArn")).isEqualTo(secrets.describeSecret(
                    request -> request.secretId(name)).arn());
        }

        @Test
        void neverReturnsTheSecretAccessKey() {
            String name = "incident-responder/" + incident.incidentId() + "/"
                    + victim.userName();
            String secret = Json.parse(secrets.getSecretValue(request -> request
                    .secretId(name)).secretString(), "secret").path(SECRET_FIELD).asText();

            assertThat(Json.write(first)).doesNotContain(secret).doesNotContain(SECRET_FIELD);
            assertThat(Json.write(second)).doesNotContain(secret);
        }

        @Test
        void removesTheQuarantineAndSessionDenyPolicies() {
            assertThat(userPolicies(victim.userName())).isEmpty();
            assertThat(first.details().get("removedPolicies")).asList().containsExactlyInAnyOrder(
                    quarantineName(incident), "ir-deny-sessions-" + incident.incidentId());
        }

        @Test
        void aRepeatFindsTheRotationAndCreatesNoSecondKey() {
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(second.details()).containsEntry("newAccessKeyId", newKey());
            assertThat(secrets.listSecrets(request -> request.filters(filter -> filter
                    .key("name").values("incident-responder/" + incident.incidentId())))
                    .secretList()).hasSize(1);
        }

        @Test
        void verificationAcceptsTheRotatedKey() {
            assertThat(verified.outcome()).isEqualTo(Outcome.DONE);
            assertThat(verified.verified()).contains("access key " + victim.accessKeyId()
                    + ": deleted, rotated to " + newKey());
        }
    }

    /**
     * A user whose key containment disabled and eradication quarantined but did not delete:
     * recovery activates the key again, and verification then catches a tampered key.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class ReactivatingAKeptKey {
        private Victim victim;
        private Incident incident;
        private Map<String, ActionResult> recorded;
        private ActionResult recovered;

        @BeforeAll
        void containEradicateThenRecover() {
            victim = harness.newVictim();
            incident = keyIncident(victim);
            collectEvidence(incident);
            recorded = new LinkedHashMap<>();
            recorded.put("disableAccessKey", new DisableAccessKeyHandler(env)
                    .handle(LocalHarness.input(incident)));
            recorded.put("quarantinePrincipal", quarantineAsEradicationDoes(incident));

            recovered = keyHandler().handle(request(incident, recorded));
            recorded.put("recoverAccessKey", recovered);
        }

        @Test
        @Order(1)
        void activatesTheKeyAgainAndRemovesThePolicies() {
            assertThat(state.keyStatuses(victim.userName()))
                    .containsExactly(Map.entry(victim.accessKeyId(), "Active"));
            assertThat(userPolicies(victim.userName())).isEmpty();
            assertThat(recovered.details()).containsEntry("activatedKeys",
                    List.of(victim.accessKeyId())).doesNotContainKey("secretArn");
        }

        @Test
        @Order(2)
        void storesNoSecretWhenNoKeyWasDeleted() {
            assertThat(secrets.listSecrets(request -> request.filters(filter -> filter
                    .key("name").values("incident-responder/" + incident.incidentId())))
                    .secretList()).isEmpty();
        }

        @Test
        @Order(3)
        void verificationPasses() {
            ActionResult verified = verifyHandler().handle(request(incident, recorded));

            assertThat(verified.outcome()).isEqualTo(Outcome.DONE);
        }

        @Test
        @Order(4)
        void verificationOfATamperedUserNamesEveryDifference() {
            harness.aws.iam.updateAccessKey(request -> request.userName(victim.userName())
                    .accessKeyId(victim.accessKeyId()).status("Inactive"));
            harness.aws.iam.putUserPolicy(request -> request.userName(victim.userName())
                    .policyName("ir-left-behind").policyDocument("{\"Version\":\"2012-10-17\","
                            + "\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
                            + "\"Resource\":\"*\"}]}"));

            assertThatThrownBy(() -> verifyHandler().handle(request(incident, recorded)))
                    .isInstanceOf(VerificationFailedException.class)
                    .hasMessageContaining("access key " + victim.accessKeyId()
                            + ": expected Active, found Inactive")
                    .hasMessageContaining("ir-left-behind");
        }
    }

    /** Disables the victim's key and deletes it, returning what both actions recorded. */
    static Map<String, ActionResult> disableAndDelete(Incident incident, Victim victim) {
        Map<String, ActionResult> recorded = new LinkedHashMap<>();
        recorded.put("disableAccessKey", new DisableAccessKeyHandler(env)
                .handle(LocalHarness.input(incident)));
        recorded.put("deleteAccessKey", deleteAsEradicationDoes(incident, victim.accessKeyId()));
        return recorded;
    }

    @Test
    void aRotatedKeyDeletedSinceIsReplacedAgainInTheSameSecret() {
        Victim victim = harness.newVictim();
        Incident incident = keyIncident(victim);
        Map<String, ActionResult> recorded = disableAndDelete(incident, victim);
        ActionResult first = keyHandler().handle(request(incident, recorded));
        String firstKey = (String) first.details().get("newAccessKeyId");
        harness.aws.iam.deleteAccessKey(request -> request.userName(victim.userName())
                .accessKeyId(firstKey));

        ActionResult again = keyHandler().handle(request(incident, recorded));

        String secondKey = (String) again.details().get("newAccessKeyId");
        assertThat(secondKey).isNotEqualTo(firstKey);
        assertThat(state.keyStatuses(victim.userName()))
                .containsExactly(Map.entry(secondKey, "Active"));
        assertThat(Json.parse(secrets.getSecretValue(request -> request
                .secretId((String) first.details().get("secretArn"))).secretString(), "secret")
                .path("accessKeyId").asText()).isEqualTo(secondKey);
        assertThat(again.details()).containsEntry("secretArn", first.details().get("secretArn"));
    }

    @Test
    void aUserAlreadyHoldingTwoKeysBlocksRotationAndGetsNoSecret() {
        Victim victim = harness.newVictim();
        Incident incident = keyIncident(victim);
        Map<String, ActionResult> recorded = disableAndDelete(incident, victim);
        for (int i = 0; i < 2; i++) {
            harness.aws.iam.createAccessKey(request -> request.userName(victim.userName()));
        }
        Map<String, String> keysBefore = state.keyStatuses(victim.userName());

        assertThatThrownBy(() -> keyHandler().handle(request(incident, recorded)))
                .isInstanceOf(RecoveryBlockedException.class)
                .hasMessageContaining("already has 2 access keys");

        assertThat(state.keyStatuses(victim.userName())).isEqualTo(keysBefore);
        assertThat(secrets.listSecrets(request -> request.filters(filter -> filter
                .key("name").values("incident-responder/" + incident.incidentId())))
                .secretList()).isEmpty();
    }

    @Test
    void recoveringAProtectedUserIsRefusedAndKeepsItsPolicies() {
        Victim victim = harness.newVictim();
        Incident incident = keyIncident(victim);
        ActionResult disabled = new DisableAccessKeyHandler(env)
                .handle(LocalHarness.input(incident));
        harness.aws.iam.tagUser(request -> request.userName(victim.userName())
                .tags(tag -> tag.key("ir:protected").value("true")));

        assertThatThrownBy(() -> keyHandler().handle(request(incident,
                Map.of("disableAccessKey", disabled))))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining("ir:protected");

        assertThat(userPolicies(victim.userName()))
                .containsExactly("ir-deny-sessions-" + incident.incidentId());
        assertThat(state.keyStatuses(victim.userName()))
                .containsEntry(victim.accessKeyId(), "Inactive");
    }

    @Test
    void aDryRunRecoveryChangesNoKeyPolicyOrSecret() {
        Victim victim = harness.newVictim();
        Incident incident = keyIncident(victim);
        Map<String, ActionResult> recorded = disableAndDelete(incident, victim);

        ActionResult result = keyHandler().handle(dryRun(request(incident, recorded)));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(result.summary()).contains("replace deleted [" + victim.accessKeyId());
        assertThat(state.keyStatuses(victim.userName())).isEmpty();
        assertThat(userPolicies(victim.userName()))
                .containsExactly("ir-deny-sessions-" + incident.incidentId());
        assertThat(secrets.listSecrets(request -> request.filters(filter -> filter
                .key("name").values("incident-responder/" + incident.incidentId())))
                .secretList()).isEmpty();
    }

    @Test
    void aRecordedPolicyNameNotOfTheResponderIsRefusedAndNothingIsDeleted() {
        Victim victim = harness.newVictim();
        Incident incident = keyIncident(victim);
        harness.aws.iam.putUserPolicy(request -> request.userName(victim.userName())
                .policyName("team-policy").policyDocument("{\"Version\":\"2012-10-17\","
                        + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\","
                        + "\"Resource\":\"*\"}]}"));
        ActionResult forged = recordedResult("quarantine-principal", incident,
                victim.userName(), Map.of("userName", victim.userName(),
                        "quarantinePolicy", "team-policy"));

        assertThatThrownBy(() -> keyHandler().handle(request(incident,
                Map.of("quarantinePrincipal", forged))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'recorded.quarantinePrincipal.details.quarantinePolicy'");

        assertThat(userPolicies(victim.userName())).containsExactly("team-policy");
    }
}

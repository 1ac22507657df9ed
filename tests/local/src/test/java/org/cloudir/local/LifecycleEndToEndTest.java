package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;

/**
 * Runs the incident-response orchestrator end to end on the emulator: every phase as a nested
 * execution, each gate answered by a person (the test), and the end state read back from EC2,
 * IAM, Secrets Manager, the incident table and the evidence bucket.
 */
class LifecycleEndToEndTest {
    static final List<String> ORCHESTRATED = List.of("Begin incident response", "Identify",
            "Contain", "Route after containment", "Eradicate", "Recover", "Close incident",
            "Route by result", "Response complete");
    private static final Duration FOLLOW = Duration.ofSeconds(90);
    private static LocalHarness harness;
    private static ManualRuns runs;

    @BeforeAll
    static void deploy() {
        TestSupport.emulator().close();
        harness = LocalHarness.get();
        runs = new ManualRuns(harness.aws, harness.stack, Clock.systemUTC());
    }

    /** Follows a run, approving every gate it stops at; returns the gates answered. */
    static List<String> approveEverything(String executionArn, String incidentId) {
        List<String> answered = new ArrayList<>();
        Instant since = Instant.now().minusSeconds(1);
        while (true) {
            ManualRuns.Progress progress = runs.follow(executionArn, incidentId, since, FOLLOW);
            if (!progress.waiting()) {
                assertThat(progress.status()).as(progress.error() + ": " + progress.cause())
                        .isEqualTo("SUCCEEDED");
                return answered;
            }
            since = Instant.now();
            answered.add(runs.approvals().approve(incidentId, Optional.empty(), "alice",
                    "drill approved").gate());
        }
    }

    static String start(ObjectNode input) {
        String incidentId = input.path("incident").path("incidentId").asText();
        return runs.start("incident-response", incidentId, input);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class InstanceApprovedThroughout {
        private Victim victim;
        private String incidentId;
        private String executionArn;
        private List<String> gates;

        @BeforeAll
        void respond() {
            victim = harness.newVictim();
            ObjectNode input = ManualRuns.inputFromFinding(
                    SampleEvents.fresh(harness.event(LocalHarness.BACKDOOR, victim)), false,
                    Clock.systemUTC());
            incidentId = input.path("incident").path("incidentId").asText();
            executionArn = start(input);
            gates = approveEverything(executionArn, incidentId);
        }

        @Test
        void everyPhaseRanInOrderAsItsOwnExecution() {
            assertThat(gates).containsExactly("eradication", "recovery");
            assertThat(new Executions(harness.aws).statesEntered(executionArn))
                    .containsExactlyElementsOf(ORCHESTRATED);
            for (String phase : List.of("identification", "containment", "eradication",
                    "recovery", "post-incident")) {
                String child = Executions.arn(harness.stack.stateMachineArn(
                        ManualRuns.MACHINES.get(phase)), incidentId + "-" + phase);
                assertThat(harness.aws.sfn.describeExecution(r -> r.executionArn(child))
                        .statusAsString()).as(phase).isEqualTo("SUCCEEDED");
            }
        }

        @Test
        void eradicationStoppedTheInstanceAfterItsVolumesWereSnapshotted() {
            String run = Executions.arn(harness.stack.stateMachineArn(
                    "EradicationStateMachine"), incidentId + "-eradication");
            assertThat(new Executions(harness.aws).statesEntered(run)).containsSubsequence(
                    "Ensure volume snapshots", "Ask approval to eradicate", "Stop instance",
                    "Revoke instance role sessions", "Record eradication", "Eradicated");
            assertThat(new EmulatorState(harness.aws).snapshotsOfVolumes(victim.volumeIds()))
                    .as("evidence snapshots are never deleted").hasSize(victim.volumeIds().size());
            assertThat(new EmulatorState(harness.aws).actionOutcomes(harness.incidentTable(),
                    incidentId)).containsEntry("stop-instance", "DONE");
        }

        @Test
        void recoveryRestoredTheOriginalGroupsAndStartedTheInstance() {
            EmulatorState state = new EmulatorState(harness.aws);
            assertThat(state.interfaceGroups(victim.instanceId()))
                    .allSatisfy((eni, groups) -> assertThat(groups)
                            .containsExactly(victim.groupId()));
            assertThat(harness.aws.ec2.describeInstances(r -> r.instanceIds(victim.instanceId()))
                    .reservations().get(0).instances().get(0).state().name())
                    .isEqualTo(InstanceStateName.RUNNING);
            assertThat(state.incidentStatus(harness.incidentTable(), incidentId))
                    .contains("CLOSED");
        }

        @Test
        void reportListsEveryPhaseWithItsTimes() {
            JsonNode report = reportOf(incidentId);
            List<String> phases = new ArrayList<>();
            for (JsonNode phase : report.path("phases")) {
                assertThat(phase.path("startedAt").asText()).isNotBlank();
                assertThat(phase.path("finishedAt").asText()).as(phase.toString())
                        .isNotBlank();
                phases.add(phase.path("phase").asText());
            }
            assertThat(phases).containsExactly("identification", "containment",
                    "eradication", "recovery", "post-incident");
            assertThat(new ReportSchema(harness.root).violations(report)).isEmpty();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AccessKeyApprovedThroughout {
        private Victim victim;
        private String incidentId;

        @BeforeAll
        void respond() {
            victim = harness.newVictim();
            ObjectNode input = ManualRuns.inputFromFinding(
                    SampleEvents.fresh(harness.event(LocalHarness.MALICIOUS_IP, victim)), false,
                    Clock.systemUTC());
            incidentId = input.path("incident").path("incidentId").asText();
            approveEverything(start(input), incidentId);
        }

        @Test
        void compromisedKeyIsDeletedAndReplacedByARotatedOne() {
            List<AccessKeyMetadata> keys = harness.aws.iam.listAccessKeys(r -> r
                    .userName(victim.userName())).accessKeyMetadata();
            assertThat(keys).extracting(AccessKeyMetadata::accessKeyId)
                    .doesNotContain(victim.accessKeyId()).hasSize(1);
            assertThat(keys.get(0).statusAsString()).isEqualTo("Active");
            try (var secrets = org.cloudir.aws.AwsClients.configure(
                    software.amazon.awssdk.services.secretsmanager.SecretsManagerClient
                            .builder(), harness.aws.envFor(Map.of())).build()) {
                assertThat(secrets.describeSecret(r -> r.secretId("incident-responder/"
                        + incidentId + "/" + victim.userName())).name()).isNotBlank();
            }
        }

        @Test
        void denyPolicyWasAttachedByEradicationAndRemovedByRecovery() {
            assertThat(new EmulatorState(harness.aws).actionOutcomes(harness.incidentTable(),
                    incidentId)).containsEntry("quarantine-principal", "DONE")
                    .containsEntry("recover-access-key", "DONE");
            assertThat(harness.aws.iam.listUserPolicies(r -> r.userName(victim.userName()))
                    .policyNames()).noneMatch(name -> name.startsWith("ir-"));
        }
    }

    static JsonNode reportOf(String incidentId) {
        String bucket = harness.stack.bucketName("EvidenceBucket");
        byte[] bytes = harness.aws.s3.getObjectAsBytes(r -> r.bucket(bucket)
                .key("incidents/" + incidentId + "/report/report.json")).asByteArray();
        return Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                "report.json");
    }
}

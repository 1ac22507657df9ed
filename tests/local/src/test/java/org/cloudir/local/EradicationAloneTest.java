package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;

/**
 * Runs the eradication machine alone, started by hand on an incident containment has dealt
 * with (also run by hand), and reads back from EC2, IAM and the incident table what each
 * answer to its gate leaves: approve stops the instance or deletes the key, reject and timeout
 * change nothing, a dry run asks nothing and changes nothing, a protected instance is refused.
 */
class EradicationAloneTest {
    static final List<String> INSTANCE_AT_GATE = List.of("Begin eradication",
            "Read incident record", "Prepare by resource type", "Ensure volume snapshots",
            "Eradication approval needed?", "Ask approval to eradicate");
    static final List<String> KEY_AT_GATE = List.of("Begin eradication",
            "Read incident record", "Prepare by resource type",
            "Eradication approval needed?", "Ask approval to eradicate");
    private static PhaseRuns phases;

    @BeforeAll
    static void deploy() {
        phases = PhaseRuns.get();
    }

    static List<String> then(List<String> first, String... rest) {
        List<String> states = new ArrayList<>(first);
        states.addAll(List.of(rest));
        return states;
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ApprovedOnAContainedInstance {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress waiting;
        private ManualRuns.Progress done;

        @BeforeAll
        void containThenEradicate() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);

            waiting = phases.start("eradication", input);
            done = phases.approve(waiting, "eradication");
        }

        @Test
        void waitsAtTheGateOnceEverySnapshotIsEnsured() {
            assertThat(waiting.states()).containsExactlyElementsOf(INSTANCE_AT_GATE);
            assertThat(new EmulatorState(phases.harness.aws).snapshotsOfVolumes(
                    victim.volumeIds())).hasSize(victim.volumeIds().size());
        }

        @Test
        void approvedRunStopsTheInstanceThroughTheInstanceBranches() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactlyElementsOf(then(INSTANCE_AT_GATE,
                    "Eradicate by resource type", "Stop instance",
                    "Revoke instance role sessions", "Record eradication", "Route by outcome",
                    "Eradicated"));
            PhaseRuns.assertBranch(done.states(), "Prepare by resource type",
                    "Ensure volume snapshots");
            PhaseRuns.assertBranch(done.states(), "Eradication approval needed?",
                    "Ask approval to eradicate");
            PhaseRuns.assertBranch(done.states(), "Eradicate by resource type", "Stop instance");
            PhaseRuns.assertBranch(done.states(), "Route by outcome", "Eradicated");
        }

        @Test
        void instanceIsStoppedAndStaysIsolated() {
            Polling.until("instance " + victim.instanceId() + " stopped", Duration.ofSeconds(20),
                    () -> phases.instanceState(victim.instanceId()).equals("stopped"));
            assertThat(new EmulatorChecks(phases.harness.aws).instanceIsolated(
                    victim.instanceId())).allSatisfy(check -> assertThat(check.passed())
                    .as(check.toString()).isTrue());
        }

        @Test
        void incidentRecordsTheApprovedStop() {
            String run = incidentId + "-eradication";
            assertThat(phases.actionOutcomes(incidentId)).containsEntry("stop-instance", "DONE");
            assertThat(phases.incidentStatus(incidentId)).contains("ERADICATED");
            assertThat(phases.phaseOutcome(incidentId, "eradication", run))
                    .isEqualTo("SUCCEEDED");
            assertThat(phases.approvalStatus(incidentId, run, "eradication"))
                    .isEqualTo("APPROVED");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RejectedOnAContainedInstance {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void containThenReject() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);

            done = phases.reject(phases.start("eradication", input), "eradication");
        }

        @Test
        void rejectedRunEndsNotApproved() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactlyElementsOf(then(INSTANCE_AT_GATE,
                    "Note eradication rejected", "Record eradication", "Route by outcome",
                    "Eradication not approved"));
            PhaseRuns.assertBranch(done.states(), "Route by outcome",
                    "Eradication not approved");
        }

        @Test
        void instanceStillRunsIsolated() {
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
            assertThat(new EmulatorChecks(phases.harness.aws).instanceIsolated(
                    victim.instanceId())).allSatisfy(check -> assertThat(check.passed())
                    .as(check.toString()).isTrue());
            assertThat(phases.actionOutcomes(incidentId)).doesNotContainKey("stop-instance");
        }

        @Test
        void phaseEntrySaysRejectedAndTheIncidentStaysContained() {
            assertThat(phases.phaseOutcome(incidentId, "eradication",
                    incidentId + "-eradication")).isEqualTo("REJECTED");
            assertThat(phases.incidentStatus(incidentId)).contains("CONTAINED");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class UnansweredOnAContainedInstance {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void containThenLetTheGateTimeOut() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);

            ObjectNode shortGate = input.deepCopy();
            shortGate.putObject("options").put("approvalTimeoutSeconds", 2);
            done = phases.startUnanswered("eradication", shortGate);
        }

        @Test
        void gateTimesOutAndTheRunEndsNotApproved() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactlyElementsOf(then(INSTANCE_AT_GATE,
                    "Note eradication timed out", "Record eradication", "Route by outcome",
                    "Eradication not approved"));
        }

        @Test
        void phaseAndApprovalEntriesSayTimedOutAndTheInstanceRuns() {
            String run = incidentId + "-eradication";
            assertThat(phases.phaseOutcome(incidentId, "eradication", run))
                    .isEqualTo("TIMED_OUT");
            assertThat(phases.approvalStatus(incidentId, run, "eradication"))
                    .isEqualTo("TIMED_OUT");
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
            assertThat(phases.actionOutcomes(incidentId)).doesNotContainKey("stop-instance");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ApprovedOnADisabledKey {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress contained;
        private ManualRuns.Progress waiting;
        private ManualRuns.Progress done;

        @BeforeAll
        void containThenEradicate() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.keyIncident(victim);
            incidentId = PhaseRuns.incidentId(input);
            contained = phases.contain(input);

            waiting = phases.start("eradication", input);
            done = phases.approve(waiting, "eradication");
        }

        @Test
        void containmentDisabledTheKeyFirst() {
            PhaseRuns.assertBranch(contained.states(), "Route by resource type",
                    "Disable access key");
            assertThat(phases.actionOutcomes(incidentId))
                    .containsEntry("disable-access-key", "DONE");
        }

        @Test
        void quarantinesAndDeletesOnlyAfterTheGate() {
            assertThat(waiting.states()).containsExactlyElementsOf(KEY_AT_GATE);
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactlyElementsOf(then(KEY_AT_GATE,
                    "Eradicate by resource type", "Quarantine principal", "Delete access key",
                    "Remove attacker credentials", "Record eradication", "Route by outcome",
                    "Eradicated"));
            PhaseRuns.assertBranch(done.states(), "Prepare by resource type",
                    "Eradication approval needed?");
            PhaseRuns.assertBranch(done.states(), "Eradicate by resource type",
                    "Quarantine principal");
        }

        @Test
        void keyIsDeletedAndTheUserQuarantined() {
            List<String> keys = phases.harness.aws.iam.listAccessKeys(request -> request
                    .userName(victim.userName())).accessKeyMetadata().stream()
                    .map(AccessKeyMetadata::accessKeyId).toList();
            assertThat(keys).doesNotContain(victim.accessKeyId());
            assertThat(phases.harness.aws.iam.listUserPolicies(request -> request
                    .userName(victim.userName())).policyNames())
                    .contains("ir-quarantine-" + incidentId);
            assertThat(phases.actionOutcomes(incidentId))
                    .containsEntry("quarantine-principal", "DONE")
                    .containsEntry("delete-access-key", "DONE");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class DryRunIncident {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void containThenEradicateInDryRun() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, true);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);

            done = phases.start("eradication", input);
        }

        @Test
        void noGateIsAskedAndEveryStepOnlyPlans() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactly("Begin eradication",
                    "Read incident record", "Prepare by resource type",
                    "Ensure volume snapshots", "Eradication approval needed?",
                    "Eradicate by resource type", "Stop instance",
                    "Revoke instance role sessions", "Record eradication", "Route by outcome",
                    "Eradicated");
            PhaseRuns.assertBranch(done.states(), "Eradication approval needed?",
                    "Eradicate by resource type");
            assertThat(phases.actionOutcomes(incidentId)).containsEntry("stop-instance",
                    "DRY_RUN");
            assertThat(phases.phaseOutcome(incidentId, "eradication",
                    incidentId + "-eradication")).isEqualTo("DRY_RUN");
        }

        @Test
        void instanceIsUntouched() {
            VictimAssertions.assertInstanceUntouched(new EmulatorState(phases.harness.aws),
                    victim);
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
        }
    }

    /**
     * An instance tagged ir:protected=true after containment: the first eradication is refused.
     * The tag is then lifted and a second run rejected at its gate: it ends "not approved",
     * although the incident's status is still FAILED from the first run.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ProtectedAfterContainment {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress refused;
        private ManualRuns.Progress rejectedLater;

        @BeforeAll
        void containProtectThenEradicateTwice() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);
            phases.tagInstance(victim.instanceId(), "ir:protected", "true");

            refused = phases.start("eradication", input);
            phases.untagInstance(victim.instanceId(), "ir:protected");
            rejectedLater = phases.reject(phases.start("eradication",
                    PhaseRuns.runName(input, "eradication", "-again"), input), "eradication");
        }

        @Test
        void protectedInstanceIsRefusedBeforeAnythingIsAsked() {
            PhaseRuns.assertFinished(refused, "FAILED");
            assertThat(refused.states()).containsExactly("Begin eradication",
                    "Read incident record", "Prepare by resource type",
                    "Ensure volume snapshots", "Record failure", "Eradication failed");
            assertThat(refused.error()).isEqualTo("EradicationFailed");
            List<Map<String, AttributeValue>> failures = phases.entries(incidentId, "failure#");
            assertThat(failures).extracting(item -> item.get("error").s())
                    .contains("org.cloudir.core.ProtectedResourceException");
        }

        @Test
        void protectedInstanceStillRunsIsolated() {
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
            assertThat(new EmulatorChecks(phases.harness.aws).instanceIsolated(
                    victim.instanceId())).allSatisfy(check -> assertThat(check.passed())
                    .as(check.toString()).isTrue());
            assertThat(phases.actionOutcomes(incidentId)).doesNotContainKey("stop-instance");
        }

        @Test
        void laterRejectedRunOfAFailedIncidentEndsNotApproved() {
            PhaseRuns.assertFinished(rejectedLater, "SUCCEEDED");
            assertThat(rejectedLater.states()).containsExactlyElementsOf(then(
                    INSTANCE_AT_GATE, "Note eradication rejected", "Record eradication",
                    "Route by outcome", "Eradication not approved"));
            PhaseRuns.assertBranch(rejectedLater.states(), "Route by outcome",
                    "Eradication not approved");
            assertThat(phases.phaseOutcome(incidentId, "eradication",
                    incidentId + "-eradication-again")).isEqualTo("REJECTED");
            assertThat(phases.incidentStatus(incidentId)).contains("FAILED");
        }
    }
}

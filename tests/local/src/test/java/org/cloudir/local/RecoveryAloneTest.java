package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;

/**
 * Runs the recovery machine alone, started by hand after containment and eradication were run
 * by hand, and reads back from EC2, IAM and the incident table what recovery undid: approve
 * restores the groups and starts the instance (or replaces the deleted key), reject leaves it
 * isolated, a dry run asks nothing, an instance never isolated is only checked.
 */
class RecoveryAloneTest {
    static final List<String> AT_GATE = List.of("Begin recovery", "Read incident record",
            "Recovery approval needed?", "Ask approval to recover");
    private static PhaseRuns phases;

    @BeforeAll
    static void deploy() {
        phases = PhaseRuns.get();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ApprovedAfterEradication {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress waiting;
        private ManualRuns.Progress done;

        @BeforeAll
        void containEradicateThenRecover() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);
            phases.approved("eradication", input);
            Polling.until("instance stopped", Duration.ofSeconds(20),
                    () -> phases.instanceState(victim.instanceId()).equals("stopped"));

            waiting = phases.start("recovery", input);
            done = phases.approve(waiting, "recovery");
        }

        @Test
        void approvedRunRestoresStartsAndVerifiesTheIsolatedInstance() {
            assertThat(waiting.states()).containsExactlyElementsOf(AT_GATE);
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactly("Begin recovery", "Read incident record",
                    "Recovery approval needed?", "Ask approval to recover",
                    "Recover by resource type", "Was the instance isolated?",
                    "Restore instance", "Was the subnet quarantined?", "Start instance",
                    "Verify recovered instance",
                    "Record recovery", "Route by outcome", "Recovered");
            PhaseRuns.assertBranch(done.states(), "Recovery approval needed?",
                    "Ask approval to recover");
            PhaseRuns.assertBranch(done.states(), "Recover by resource type",
                    "Was the instance isolated?");
            PhaseRuns.assertBranch(done.states(), "Was the instance isolated?",
                    "Restore instance");
            PhaseRuns.assertBranch(done.states(), "Route by outcome", "Recovered");
        }

        @Test
        void originalGroupsAreBackAndTheInstanceRuns() {
            EmulatorState state = new EmulatorState(phases.harness.aws);
            assertThat(state.interfaceGroups(victim.instanceId())).isNotEmpty()
                    .allSatisfy((eni, groups) -> assertThat(groups)
                            .containsExactly(victim.groupId()));
            assertThat(phases.instanceState(victim.instanceId())).isIn("pending", "running");
            assertThat(phases.incidentStatus(incidentId)).contains("RECOVERED");
            assertThat(phases.phaseOutcome(incidentId, "recovery", incidentId + "-recovery"))
                    .isEqualTo("SUCCEEDED");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RejectedAfterEradication {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void containEradicateThenReject() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);
            phases.approved("eradication", input);

            done = phases.reject(phases.start("recovery", input), "recovery");
        }

        @Test
        void rejectedRunEndsNotApproved() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactly("Begin recovery", "Read incident record",
                    "Recovery approval needed?", "Ask approval to recover",
                    "Note recovery rejected", "Record recovery", "Route by outcome",
                    "Recovery not approved");
            PhaseRuns.assertBranch(done.states(), "Route by outcome", "Recovery not approved");
        }

        @Test
        void instanceStaysIsolatedAndStopped() {
            assertThat(new EmulatorChecks(phases.harness.aws).instanceIsolated(
                    victim.instanceId())).allSatisfy(check -> assertThat(check.passed())
                    .as(check.toString()).isTrue());
            assertThat(phases.instanceState(victim.instanceId())).isIn("stopping", "stopped");
            assertThat(phases.incidentStatus(incidentId)).contains("ERADICATED");
            assertThat(phases.phaseOutcome(incidentId, "recovery", incidentId + "-recovery"))
                    .isEqualTo("REJECTED");
        }
    }

    /** Containment was rejected: recovery finds no isolation to undo and only checks. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class InstanceNeverIsolated {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void rejectContainmentThenRecover() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            ManualRuns.Progress notified = phases.reject(phases.start("containment", input),
                    "containment");
            PhaseRuns.assertFinished(notified, "SUCCEEDED");

            done = phases.approve(phases.start("recovery", input), "recovery");
        }

        @Test
        void recoveryStartsNothingAndVerifiesTheUntouchedInstance() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactly("Begin recovery", "Read incident record",
                    "Recovery approval needed?", "Ask approval to recover",
                    "Recover by resource type", "Was the instance isolated?",
                    "Start instance", "Verify recovered instance", "Record recovery",
                    "Route by outcome", "Recovered");
            PhaseRuns.assertBranch(done.states(), "Was the instance isolated?",
                    "Start instance");
            assertThat(phases.actionOutcomes(incidentId))
                    .containsEntry("start-instance", "DONE")
                    .containsEntry("verify-recovery", "DONE")
                    .doesNotContainKey("restore-instance");
        }

        @Test
        void instanceIsUntouched() {
            VictimAssertions.assertInstanceUntouched(new EmulatorState(phases.harness.aws),
                    victim);
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class DryRunIncident {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void runEveryPhaseInDryRun() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, true);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);
            phases.approved("eradication", input);

            done = phases.start("recovery", input);
        }

        @Test
        void noGateIsAskedAndEveryStepOnlyPlans() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            PhaseRuns.assertBranch(done.states(), "Recovery approval needed?",
                    "Recover by resource type");
            assertThat(done.states()).doesNotContain("Ask approval to recover")
                    .endsWith("Record recovery", "Route by outcome", "Recovered");
            assertThat(phases.entries(incidentId, "approval#")).isEmpty();
            assertThat(phases.phaseOutcome(incidentId, "recovery", incidentId + "-recovery"))
                    .isEqualTo("DRY_RUN");
        }

        @Test
        void instanceIsUntouched() {
            VictimAssertions.assertInstanceUntouched(new EmulatorState(phases.harness.aws),
                    victim);
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ApprovedAfterTheKeyWasDeleted {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void containEradicateThenRecover() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.keyIncident(victim);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);
            phases.approved("eradication", input);

            done = phases.approve(phases.start("recovery", input), "recovery");
        }

        @Test
        void approvedRunRecoversAndVerifiesTheKey() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactly("Begin recovery", "Read incident record",
                    "Recovery approval needed?", "Ask approval to recover",
                    "Recover by resource type", "Recover access key", "Add the recovered key",
                    "Merge with the record", "Verify recovered key", "Record recovery",
                    "Route by outcome", "Recovered");
            PhaseRuns.assertBranch(done.states(), "Recover by resource type",
                    "Recover access key");
        }

        @Test
        void userHasOneActiveReplacementKeyAndNoResponderPolicy() {
            List<AccessKeyMetadata> keys = phases.harness.aws.iam.listAccessKeys(request ->
                    request.userName(victim.userName())).accessKeyMetadata();
            assertThat(keys).extracting(AccessKeyMetadata::accessKeyId)
                    .doesNotContain(victim.accessKeyId()).hasSize(1);
            assertThat(keys.get(0).statusAsString()).isEqualTo("Active");
            assertThat(phases.harness.aws.iam.listUserPolicies(request -> request
                    .userName(victim.userName())).policyNames())
                    .noneMatch(name -> name.startsWith("ir-"));
            assertThat(phases.incidentStatus(incidentId)).contains("RECOVERED");
        }
    }

    /**
     * Eradication failed on a protected instance (status FAILED); once the tag is lifted a
     * recovery run is rejected at its gate and ends "not approved": the route follows this
     * run, not the FAILED status an earlier run left on the incident.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RejectedAfterAFailedEradication {
        private Victim victim;
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void failEradicationThenRejectRecovery() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);
            phases.contain(input);
            phases.tagInstance(victim.instanceId(), "ir:protected", "true");
            PhaseRuns.assertFinished(phases.start("eradication", input), "FAILED");
            phases.untagInstance(victim.instanceId(), "ir:protected");

            done = phases.reject(phases.start("recovery", input), "recovery");
        }

        @Test
        void rejectedRunOfAFailedIncidentEndsNotApproved() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactly("Begin recovery", "Read incident record",
                    "Recovery approval needed?", "Ask approval to recover",
                    "Note recovery rejected", "Record recovery", "Route by outcome",
                    "Recovery not approved");
            PhaseRuns.assertBranch(done.states(), "Route by outcome", "Recovery not approved");
            assertThat(phases.phaseOutcome(incidentId, "recovery", incidentId + "-recovery"))
                    .isEqualTo("REJECTED");
        }

        @Test
        void instanceStaysIsolated() {
            assertThat(new EmulatorChecks(phases.harness.aws).instanceIsolated(
                    victim.instanceId())).allSatisfy(check -> assertThat(check.passed())
                    .as(check.toString()).isTrue());
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
        }
    }
}

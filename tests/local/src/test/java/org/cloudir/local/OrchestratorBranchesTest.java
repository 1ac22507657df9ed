package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cloudir.core.model.ResourceRef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the incident-response orchestrator, started by hand, down the branches the approved
 * lifecycle of {@link LifecycleEndToEndTest} does not take: a notify-only incident goes from
 * containment straight to closing; a failed containment (protected instance) closes the
 * incident and fails the response; a contained instance whose eradication and recovery are
 * rejected completes with the instance still isolated.
 */
class OrchestratorBranchesTest {
    private static PhaseRuns phases;

    @BeforeAll
    static void deploy() {
        phases = PhaseRuns.get();
    }

    /** Follows the orchestrator's run, answering each gate as told; returns the gates met. */
    static List<String> answerGates(ManualRuns.Progress first, Map<String, Boolean> answers) {
        List<String> gates = new ArrayList<>();
        ManualRuns.Progress progress = first;
        while (progress.waiting()) {
            String gate = progress.gate().orElseThrow().gate();
            gates.add(gate);
            assertThat(answers).as("answer for the " + gate + " gate").containsKey(gate);
            progress = answers.get(gate) ? phases.approve(progress, gate)
                    : phases.reject(progress, gate);
        }
        return gates;
    }

    static String child(String incidentId, String phase) {
        return Executions.arn(phases.harness.stack.stateMachineArn(
                ManualRuns.MACHINES.get(phase)), incidentId + "-" + phase);
    }

    static ManualRuns.Progress finished(String executionArn) {
        return phases.runs.follow(executionArn, null, Instant.now(), PhaseRuns.FOLLOW);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NotifyOnlyIncident {
        private String incidentId;
        private ManualRuns.Progress done;

        @BeforeAll
        void respond() {
            ObjectNode input = ManualRuns.inputForResource(ResourceRef.other("note-"
                    + LocalHarness.shortRandom()), false, 5.0, Clock.systemUTC());
            incidentId = PhaseRuns.incidentId(input);

            done = phases.start("incident-response", incidentId, input);
        }

        @Test
        void notifiedContainmentGoesStraightToClosing() {
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactly("Begin incident response", "Identify",
                    "Contain", "Route after containment", "Close incident", "Route by result",
                    "Response complete");
            PhaseRuns.assertBranch(done.states(), "Route after containment", "Close incident");
            PhaseRuns.assertBranch(done.states(), "Route by result", "Response complete");
        }

        @Test
        void containmentWasNotifiedAndTheIncidentIsClosed() {
            ManualRuns.Progress containment = finished(child(incidentId, "containment"));
            assertThat(containment.states()).endsWith("Route by resource type",
                    "Record notify-only incident", "Write report", "Route by outcome",
                    "Notified");
            PhaseRuns.assertBranch(containment.states(), "Containment approval needed?",
                    "Adopt playbook");
            PhaseRuns.assertBranch(containment.states(), "Route by resource type",
                    "Record notify-only incident");
            PhaseRuns.assertBranch(containment.states(), "Route by outcome", "Notified");
            assertThat(phases.entries(incidentId, "phase#eradication#")).isEmpty();
            assertThat(phases.incidentStatus(incidentId)).contains("CLOSED");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ProtectedInstance {
        private Victim victim;
        private String incidentId;
        private List<String> gates;
        private ManualRuns.Progress done;

        @BeforeAll
        void respond() {
            victim = phases.harness.newVictim();
            phases.tagInstance(victim.instanceId(), "ir:protected", "true");
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);

            ManualRuns.Progress first = phases.start("incident-response", incidentId, input);
            gates = answerGates(first, Map.of("containment", true));
            done = finished(first.executionArn());
        }

        @Test
        void failedContainmentClosesTheIncidentAndFailsTheResponse() {
            assertThat(gates).containsExactly("containment");
            PhaseRuns.assertFinished(done, "FAILED");
            assertThat(done.states()).containsExactly("Begin incident response", "Identify",
                    "Contain", "Close incident", "Route by result", "Response failed");
            PhaseRuns.assertBranch(done.states(), "Route by result", "Response failed");
            assertThat(done.error()).isEqualTo("ResponseFailed");
        }

        @Test
        void containmentFailedThroughItsRecordAndLeftTheInstanceAlone() {
            ManualRuns.Progress containment = finished(child(incidentId, "containment"));
            assertThat(containment.status()).isEqualTo("FAILED");
            assertThat(containment.states()).endsWith("Snapshot volumes", "Record failure",
                    "Write report", "Route by outcome", "Containment failed");
            PhaseRuns.assertBranch(containment.states(), "Route by resource type",
                    "Snapshot volumes");
            PhaseRuns.assertBranch(containment.states(), "Route by outcome",
                    "Containment failed");
            assertThat(phases.harness.aws.ec2.describeSnapshots(request -> request
                    .ownerIds("self").filters(filter -> filter.name("volume-id")
                            .values(victim.volumeIds()))).snapshots()).isEmpty();
            assertThat(new EmulatorState(phases.harness.aws).isolationGroup(victim.vpcId()))
                    .isEmpty();
            assertThat(phases.incidentStatus(incidentId)).contains("CLOSED");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ContainedThenLaterGatesRejected {
        private Victim victim;
        private String incidentId;
        private List<String> gates;
        private ManualRuns.Progress done;

        @BeforeAll
        void respond() {
            victim = phases.harness.newVictim();
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            incidentId = PhaseRuns.incidentId(input);

            ManualRuns.Progress first = phases.start("incident-response", incidentId, input);
            gates = answerGates(first, Map.of("containment", true, "eradication", false,
                    "recovery", false));
            done = finished(first.executionArn());
        }

        @Test
        void containedIncidentGoesOnToEradicationAndRecoveryAndCompletes() {
            assertThat(gates).containsExactly("containment", "eradication", "recovery");
            PhaseRuns.assertFinished(done, "SUCCEEDED");
            assertThat(done.states()).containsExactlyElementsOf(
                    LifecycleEndToEndTest.ORCHESTRATED);
            PhaseRuns.assertBranch(done.states(), "Route after containment", "Eradicate");
            PhaseRuns.assertBranch(done.states(), "Route by result", "Response complete");
        }

        @Test
        void rejectedPhasesEndedNotApproved() {
            assertThat(finished(child(incidentId, "eradication")).states())
                    .endsWith("Note eradication rejected", "Record eradication",
                            "Route by outcome", "Eradication not approved");
            assertThat(finished(child(incidentId, "recovery")).states())
                    .endsWith("Note recovery rejected", "Record recovery", "Route by outcome",
                            "Recovery not approved");
        }

        @Test
        void instanceStillRunsIsolatedAndTheIncidentIsClosed() {
            assertThat(new EmulatorChecks(phases.harness.aws).instanceIsolated(
                    victim.instanceId())).allSatisfy(check -> assertThat(check.passed())
                    .as(check.toString()).isTrue());
            assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
            assertThat(phases.incidentStatus(incidentId)).contains("CLOSED");
        }
    }
}

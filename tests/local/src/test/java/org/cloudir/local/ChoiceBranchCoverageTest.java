package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.cloudir.core.Json;
import org.junit.jupiter.api.Test;

/**
 * Maps every branch of every Choice state in {@code statemachines/} to the emulator test that
 * takes it and asserts it (with {@link PhaseRuns#assertBranch} or the exact list of states
 * entered), and checks the map against the ASL files themselves, so a branch added to a
 * machine fails here until a test covers it. Needs no emulator. A branch no input can reach
 * is listed as such, with the reason.
 */
class ChoiceBranchCoverageTest {
    private static final String UNREACHABLE = "unreachable: ";

    /** "machine: Choice -> next" to "TestClass$Nested#method", or UNREACHABLE and why. */
    static final Map<String, String> COVERED_BY = table(
            "containment: Containment approval needed? -> Ask approval to contain",
            "PostureContainmentTest$PublicBucket#gatedEntryWaitsThenBlocksPublicAccess",
            "containment: Containment approval needed? -> Adopt playbook",
            "OrchestratorBranchesTest$NotifyOnlyIncident"
                    + "#containmentWasNotifiedAndTheIncidentIsClosed",
            "containment: Route by resource type -> Snapshot volumes",
            "OrchestratorBranchesTest$ProtectedInstance"
                    + "#containmentFailedThroughItsRecordAndLeftTheInstanceAlone",
            "containment: Route by resource type -> Disable access key",
            "EradicationAloneTest$ApprovedOnADisabledKey#containmentDisabledTheKeyFirst",
            "containment: Route by resource type -> Block bucket public access",
            "PostureContainmentTest$PublicBucket#gatedEntryWaitsThenBlocksPublicAccess",
            "containment: Route by resource type -> Restore logging",
            "PostureContainmentTest$StoppedTrail#approvedGateRestoresLogging",
            "containment: Route by resource type -> Revoke open ingress",
            "PostureContainmentTest$SshOpenToEveryone#approvedGateRevokesTheOpenIngress",
            "containment: Subnet quarantine asked? -> Subnet quarantine approval needed?",
            "SubnetQuarantineRunsTest$ApprovedThenRecovered#approvedGateQuarantinesTheSubnet",
            "containment: Subnet quarantine asked? -> Record containment",
            "SubnetQuarantineRunsTest#runThatDoesNotAskLeavesTheSubnetAlone",
            "containment: Subnet quarantine approval needed? -> Ask approval to quarantine subnet",
            "SubnetQuarantineRunsTest$ApprovedThenRecovered#approvedGateQuarantinesTheSubnet",
            "containment: Subnet quarantine approval needed? -> Quarantine subnet",
            "SubnetQuarantineRunsTest#dryRunPlansTheQuarantineWithoutAGate",
            "containment: Route by resource type -> Revoke role sessions",
            "ApprovalGateTest#approvedRoleSessionRevocationDeniesTheRolesEarlierSessions",
            "containment: Route by resource type -> Record notify-only incident",
            "OrchestratorBranchesTest$NotifyOnlyIncident"
                    + "#containmentWasNotifiedAndTheIncidentIsClosed",
            "containment: Route by outcome -> Containment failed",
            "OrchestratorBranchesTest$ProtectedInstance"
                    + "#containmentFailedThroughItsRecordAndLeftTheInstanceAlone",
            "containment: Route by outcome -> Notified",
            "OrchestratorBranchesTest$NotifyOnlyIncident"
                    + "#containmentWasNotifiedAndTheIncidentIsClosed",
            "containment: Route by outcome -> Contained",
            "PostureContainmentTest$PublicBucket#gatedEntryWaitsThenBlocksPublicAccess",

            "eradication: Prepare by resource type -> Ensure volume snapshots",
            "EradicationAloneTest$ApprovedOnAContainedInstance"
                    + "#approvedRunStopsTheInstanceThroughTheInstanceBranches",
            "eradication: Prepare by resource type -> Eradication approval needed?",
            "EradicationAloneTest$ApprovedOnADisabledKey"
                    + "#quarantinesAndDeletesOnlyAfterTheGate",
            "eradication: Prepare by resource type -> Record eradication",
            "PostureContainmentTest$PublicBucket#eradicationHasNothingToDoForAnotherResource",
            "eradication: Eradication approval needed? -> Ask approval to eradicate",
            "EradicationAloneTest$ApprovedOnAContainedInstance"
                    + "#approvedRunStopsTheInstanceThroughTheInstanceBranches",
            "eradication: Eradication approval needed? -> Eradicate by resource type",
            "EradicationAloneTest$DryRunIncident#noGateIsAskedAndEveryStepOnlyPlans",
            "eradication: Eradicate by resource type -> Stop instance",
            "EradicationAloneTest$ApprovedOnAContainedInstance"
                    + "#approvedRunStopsTheInstanceThroughTheInstanceBranches",
            "eradication: Eradicate by resource type -> Quarantine principal",
            "EradicationAloneTest$ApprovedOnADisabledKey"
                    + "#quarantinesAndDeletesOnlyAfterTheGate",
            "eradication: Eradicate by resource type -> Record eradication",
            UNREACHABLE + "\"Prepare by resource type\" already sends every resource that is"
                    + " neither Instance nor AccessKey to \"Record eradication\", and nothing"
                    + " between the two Choices changes $.incident.resource.type",
            "eradication: Route by outcome -> Eradication not approved",
            "EradicationAloneTest$RejectedOnAContainedInstance#rejectedRunEndsNotApproved",
            "eradication: Route by outcome -> Eradicated",
            "EradicationAloneTest$ApprovedOnAContainedInstance"
                    + "#approvedRunStopsTheInstanceThroughTheInstanceBranches",

            "recovery: Recovery approval needed? -> Ask approval to recover",
            "RecoveryAloneTest$ApprovedAfterEradication"
                    + "#approvedRunRestoresStartsAndVerifiesTheIsolatedInstance",
            "recovery: Recovery approval needed? -> Recover by resource type",
            "RecoveryAloneTest$DryRunIncident#noGateIsAskedAndEveryStepOnlyPlans",
            "recovery: Recover by resource type -> Was the instance isolated?",
            "RecoveryAloneTest$ApprovedAfterEradication"
                    + "#approvedRunRestoresStartsAndVerifiesTheIsolatedInstance",
            "recovery: Recover by resource type -> Recover access key",
            "RecoveryAloneTest$ApprovedAfterTheKeyWasDeleted"
                    + "#approvedRunRecoversAndVerifiesTheKey",
            "recovery: Recover by resource type -> Record recovery",
            "PostureContainmentTest$PublicBucket"
                    + "#approvedRecoveryHasNothingToUndoAndTheBucketStaysBlocked",
            "recovery: Was the instance isolated? -> Restore instance",
            "RecoveryAloneTest$ApprovedAfterEradication"
                    + "#approvedRunRestoresStartsAndVerifiesTheIsolatedInstance",
            "recovery: Was the subnet quarantined? -> Restore subnet network ACL",
            "SubnetQuarantineRunsTest$ApprovedThenRecovered"
                    + "#recoveryPutsTheSubnetBackOnItsOriginalAcl",
            "recovery: Was the subnet quarantined? -> Start instance",
            "RecoveryAloneTest$ApprovedAfterEradication"
                    + "#approvedRunRestoresStartsAndVerifiesTheIsolatedInstance",
            "recovery: Was the instance isolated? -> Start instance",
            "RecoveryAloneTest$InstanceNeverIsolated"
                    + "#recoveryStartsNothingAndVerifiesTheUntouchedInstance",
            "recovery: Route by outcome -> Recovery not approved",
            "RecoveryAloneTest$RejectedAfterEradication#rejectedRunEndsNotApproved",
            "recovery: Route by outcome -> Recovered",
            "RecoveryAloneTest$ApprovedAfterEradication"
                    + "#approvedRunRestoresStartsAndVerifiesTheIsolatedInstance",

            "preparation: Route by readiness -> Ready",
            "PreparationAloneTest#accountWithEverythingInPlaceIsReady",
            "preparation: Route by readiness -> Not ready",
            "PreparationAloneTest#incompleteAccountFailsThroughNotReady",

            "incident-response: Route after containment -> Eradicate",
            "OrchestratorBranchesTest$ContainedThenLaterGatesRejected"
                    + "#containedIncidentGoesOnToEradicationAndRecoveryAndCompletes",
            "incident-response: Route after containment -> Close incident",
            "OrchestratorBranchesTest$NotifyOnlyIncident"
                    + "#notifiedContainmentGoesStraightToClosing",
            "incident-response: Route by result -> Response failed",
            "OrchestratorBranchesTest$ProtectedInstance"
                    + "#failedContainmentClosesTheIncidentAndFailsTheResponse",
            "incident-response: Route by result -> Response complete",
            "OrchestratorBranchesTest$NotifyOnlyIncident"
                    + "#notifiedContainmentGoesStraightToClosing");

    @Test
    void tableListsExactlyTheChoiceBranchesOfTheMachines() throws IOException {
        assertThat(new TreeSet<>(COVERED_BY.keySet()))
                .containsExactlyElementsOf(branchesInTheAslFiles());
    }

    @Test
    void everyCoveringTestExists() {
        COVERED_BY.forEach((branch, test) -> {
            if (test.startsWith(UNREACHABLE)) {
                return;
            }
            String[] parts = test.split("#");
            try {
                Class<?> type = Class.forName(getClass().getPackageName() + "." + parts[0]);
                assertThat(Arrays.stream(type.getDeclaredMethods()).map(Method::getName))
                        .as(branch + " is covered by " + test).contains(parts[1]);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(branch + ": no test class " + parts[0], e);
            }
        });
    }

    private static TreeSet<String> branchesInTheAslFiles() throws IOException {
        TreeSet<String> branches = new TreeSet<>();
        Path folder = TestSupport.repositoryRoot().resolve("statemachines");
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".asl.json"))
                    .toList()) {
                String machine = file.getFileName().toString().replace(".asl.json", "");
                JsonNode states = Json.parse(Files.readString(file), file.toString())
                        .path("States");
                states.properties().forEach(state -> {
                    JsonNode definition = state.getValue();
                    if (!"Choice".equals(definition.path("Type").asText())) {
                        return;
                    }
                    String prefix = machine + ": " + state.getKey() + " -> ";
                    definition.path("Choices").forEach(rule -> branches.add(prefix
                            + rule.path("Next").asText()));
                    if (definition.has("Default")) {
                        branches.add(prefix + definition.path("Default").asText());
                    }
                });
            }
        }
        return branches;
    }

    private static Map<String, String> table(String... pairs) {
        Map<String, String> table = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            table.put(pairs[i], pairs[i + 1]);
        }
        return table;
    }
}

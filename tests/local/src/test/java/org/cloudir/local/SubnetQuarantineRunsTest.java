package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;

/**
 * Runs the subnet quarantine a containment run asks for ({@code options.quarantineSubnet}):
 * behind its own gate, then undone by recovery. The subnet's network ACL is read back from EC2.
 */
class SubnetQuarantineRunsTest {
    private static PhaseRuns phases;

    @BeforeAll
    static void deploy() {
        phases = PhaseRuns.get();
    }

    static String aclOf(String subnetId) {
        List<NetworkAcl> acls = phases.harness.aws.ec2.describeNetworkAcls(request -> request
                .filters(filter -> filter.name("association.subnet-id").values(subnetId)))
                .networkAcls();
        assertThat(acls).as("network ACL of " + subnetId).hasSize(1);
        return acls.get(0).networkAclId();
    }

    static boolean quarantineAcl(String aclId) {
        return phases.harness.aws.ec2.describeNetworkAcls(request -> request
                .networkAclIds(aclId)).networkAcls().get(0).tags().stream()
                .anyMatch(tag -> tag.key().equals("Name")
                        && tag.value().startsWith("ir-quarantine-"));
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ApprovedThenRecovered {
        private Victim victim;
        private String originalAcl;
        private ManualRuns.Progress contained;
        private String quarantinedAcl;
        private ManualRuns.Progress recovered;

        @BeforeAll
        void containWithQuarantineThenRecover() {
            victim = phases.harness.newVictim();
            originalAcl = aclOf(victim.subnetId());
            ObjectNode input = PhaseRuns.instanceIncident(victim, false);
            input.putObject("options").put("quarantineSubnet", true);
            ManualRuns.Progress waiting = phases.start("containment", input);
            waiting = phases.approve(waiting, "containment");
            contained = phases.approve(waiting, "subnetQuarantine");
            quarantinedAcl = aclOf(victim.subnetId());
            recovered = phases.approved("recovery", inputOf(input));
        }

        @Test
        void approvedGateQuarantinesTheSubnet() {
            PhaseRuns.assertFinished(contained, "SUCCEEDED");
            PhaseRuns.assertBranch(contained.states(), "Subnet quarantine asked?",
                    "Subnet quarantine approval needed?");
            PhaseRuns.assertBranch(contained.states(), "Subnet quarantine approval needed?",
                    "Ask approval to quarantine subnet");
            assertThat(contained.states()).containsSubsequence("Isolate instance",
                    "Ask approval to quarantine subnet", "Quarantine subnet",
                    "Record containment").endsWith("Contained");
            assertThat(quarantinedAcl).isNotEqualTo(originalAcl);
            assertThat(quarantineAcl(quarantinedAcl)).isTrue();
        }

        @Test
        void recoveryPutsTheSubnetBackOnItsOriginalAcl() {
            PhaseRuns.assertBranch(recovered.states(), "Was the subnet quarantined?",
                    "Restore subnet network ACL");
            assertThat(aclOf(victim.subnetId())).isEqualTo(originalAcl);
        }
    }

    @Test
    void dryRunPlansTheQuarantineWithoutAGate() {
        Victim victim = phases.harness.newVictim();
        String originalAcl = aclOf(victim.subnetId());
        ObjectNode input = PhaseRuns.instanceIncident(victim, true);
        input.putObject("options").put("quarantineSubnet", true);

        ManualRuns.Progress planned = phases.start("containment", input);

        PhaseRuns.assertFinished(planned, "SUCCEEDED");
        PhaseRuns.assertBranch(planned.states(), "Subnet quarantine approval needed?",
                "Quarantine subnet");
        assertThat(aclOf(victim.subnetId())).isEqualTo(originalAcl);
    }

    @Test
    void runThatDoesNotAskLeavesTheSubnetAlone() {
        Victim victim = phases.harness.newVictim();
        String originalAcl = aclOf(victim.subnetId());

        ManualRuns.Progress contained = phases.contain(PhaseRuns.instanceIncident(victim, false));

        PhaseRuns.assertBranch(contained.states(), "Subnet quarantine asked?",
                "Record containment");
        assertThat(aclOf(victim.subnetId())).isEqualTo(originalAcl);
    }

    private static ObjectNode inputOf(ObjectNode containmentInput) {
        ObjectNode input = containmentInput.deepCopy();
        input.remove("options");
        return input;
    }
}

package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.isolate.QuarantineSubnetHandler;
import org.cloudir.isolate.RestoreSubnetAclHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * Quarantines victims' subnets with the responder's deny-all network ACL in the emulator and
 * restores them, reading every association, entry and tag back with the test's own client.
 */
class SubnetQuarantineTest {
    private static final String ORIGINAL_TAG = "ir:original-nacl";

    private static LocalHarness harness;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        env = harness.aws.envFor(Map.of());
    }

    static Incident incident(Victim victim, boolean dryRun) {
        return LocalHarness.triage(harness.event(LocalHarness.BACKDOOR, victim), dryRun);
    }

    static ActionResult quarantine(Incident incident) {
        return new QuarantineSubnetHandler(env).handle(LocalHarness.input(incident));
    }

    static ActionResult restore(Incident incident, ActionResult quarantined) {
        ObjectNode input = LocalHarness.input(incident);
        input.set("undo", Json.mapper().valueToTree(quarantined));
        return new RestoreSubnetAclHandler(env).handle(input);
    }

    /** The network ACL the subnet is associated with, as the emulator reports it. */
    static NetworkAcl aclOf(String subnetId) {
        return harness.aws.ec2.describeNetworkAcls(request -> request.filters(filter -> filter
                .name("association.subnet-id").values(subnetId))).networkAcls().get(0);
    }

    static List<NetworkAcl> quarantineAcls(String vpcId) {
        return harness.aws.ec2.describeNetworkAcls(request -> request.filters(
                filter -> filter.name("vpc-id").values(vpcId),
                filter -> filter.name("tag:Name").values("ir-quarantine-" + vpcId)))
                .networkAcls();
    }

    static Map<String, String> subnetTags(String subnetId) {
        return EmulatorState.tags(harness.aws.ec2.describeSubnets(request -> request
                .subnetIds(subnetId)).subnets().get(0).tags());
    }

    static void tag(String resourceId, String key, String value) {
        harness.aws.ec2.createTags(request -> request.resources(resourceId)
                .tags(tag -> tag.key(key).value(value)));
    }

    /** Runs another instance in the victim's subnet, as a neighbour the quarantine also hits. */
    static String neighbour(Victim victim) {
        String imageId = harness.aws.ec2.describeInstances(request -> request
                .instanceIds(victim.instanceId())).reservations().get(0).instances().get(0)
                .imageId();
        return harness.aws.ec2.runInstances(request -> request.imageId(imageId)
                .instanceType("t3.micro").minCount(1).maxCount(1)
                .subnetId(victim.subnetId()).securityGroupIds(victim.groupId()))
                .instances().get(0).instanceId();
    }

    static String subnetOfInstance(String instanceId) {
        return harness.aws.ec2.describeInstances(request -> request.instanceIds(instanceId))
                .reservations().get(0).instances().get(0).subnetId();
    }

    static JsonNode details(ActionResult result) {
        return Json.mapper().valueToTree(result.details());
    }

    /** A victim and a neighbour in one subnet, quarantined twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class QuarantiningAVictimsSubnet {
        private Victim victim;
        private String neighbourId;
        private String originalAclId;
        private ActionResult first;
        private ActionResult again;

        @BeforeAll
        void quarantineTwice() {
            victim = harness.newVictim();
            neighbourId = neighbour(victim);
            originalAclId = aclOf(victim.subnetId()).networkAclId();

            first = quarantine(incident(victim, false));
            again = quarantine(incident(victim, false));
        }

        @Test
        void associatesTheSubnetWithAManagedAclThatAllowsNothing() {
            NetworkAcl acl = aclOf(victim.subnetId());

            assertThat(acl.networkAclId()).isNotEqualTo(originalAclId);
            assertThat(acl.isDefault()).isFalse();
            assertThat(acl.entries()).extracting(NetworkAclEntry::ruleAction)
                    .doesNotContain(RuleAction.ALLOW);
            assertThat(EmulatorState.tags(acl.tags()))
                    .containsEntry("Name", "ir-quarantine-" + victim.vpcId())
                    .containsEntry("ir:managed", "true");
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
        }

        @Test
        void recordsTheOriginalAclOnTheSubnetAndInTheDetails() {
            assertThat(subnetTags(victim.subnetId()).get(ORIGINAL_TAG))
                    .startsWith("acl=" + originalAclId + ",association=aclassoc-");
            JsonNode subnet = details(first).path("subnets").get(0);
            assertThat(subnet.path("subnetId").asText()).isEqualTo(victim.subnetId());
            assertThat(subnet.path("originalAclId").asText()).isEqualTo(originalAclId);
            assertThat(subnet.path("quarantineAclId").asText())
                    .isEqualTo(aclOf(victim.subnetId()).networkAclId());
            assertThat(subnet.path("originalAssociationId").asText()).startsWith("aclassoc-");
            assertThat(details(first).path("vpcId").asText()).isEqualTo(victim.vpcId());
        }

        /**
         * A network ACL belongs to the subnet, not to an instance: the neighbour's subnet is
         * in quarantine too, and the result names it so the approver sees who else is cut.
         */
        @Test
        void cutsOffTheNeighbourInTheSameSubnetAndNamesIt() {
            String quarantineAclId = details(first).path("quarantineAclId").asText();

            assertThat(aclOf(subnetOfInstance(neighbourId)).networkAclId())
                    .isEqualTo(quarantineAclId);
            assertThat(details(first).path("otherInstances").toString()).contains(neighbourId);
            assertThat(first.summary()).contains("1 other instances");
        }

        @Test
        void aRepeatFindsItsOwnAclAndRecordAndIsAlreadyDone() {
            assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(quarantineAcls(victim.vpcId())).hasSize(1);
            assertThat(details(again).path("subnets").get(0).path("originalAclId").asText())
                    .isEqualTo(originalAclId);
            assertThat(subnetTags(victim.subnetId()).get(ORIGINAL_TAG))
                    .startsWith("acl=" + originalAclId + ",");
        }
    }

    @Test
    void aDryRunReportsThePlanAndChangesNothing() {
        Victim victim = harness.newVictim();
        String originalAclId = aclOf(victim.subnetId()).networkAclId();

        ActionResult result = quarantine(incident(victim, true));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(result.summary()).contains("would associate", victim.subnetId());
        assertThat(aclOf(victim.subnetId()).networkAclId()).isEqualTo(originalAclId);
        assertThat(quarantineAcls(victim.vpcId())).isEmpty();
        assertThat(subnetTags(victim.subnetId())).doesNotContainKey(ORIGINAL_TAG);
    }

    @Test
    void aProtectedSubnetIsRefusedAndLeftAsItWas() {
        Victim victim = harness.newVictim();
        tag(victim.subnetId(), "ir:protected", "true");
        String originalAclId = aclOf(victim.subnetId()).networkAclId();

        assertThatThrownBy(() -> quarantine(incident(victim, false)))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining("subnet " + victim.subnetId());

        assertThat(aclOf(victim.subnetId()).networkAclId()).isEqualTo(originalAclId);
        assertThat(quarantineAcls(victim.vpcId())).isEmpty();
        assertThat(subnetTags(victim.subnetId())).doesNotContainKey(ORIGINAL_TAG);
    }

    @Test
    void aProtectedNeighbourInTheSubnetIsRefusedToo() {
        Victim victim = harness.newVictim();
        String neighbourId = neighbour(victim);
        tag(neighbourId, "ir:protected", "true");
        String originalAclId = aclOf(victim.subnetId()).networkAclId();

        assertThatThrownBy(() -> quarantine(incident(victim, false)))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining("instance " + neighbourId + ", which shares a subnet");

        assertThat(aclOf(victim.subnetId()).networkAclId()).isEqualTo(originalAclId);
    }

    /** A quarantined subnet restored twice, the quarantine ACL kept. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RestoringAQuarantinedSubnet {
        private Victim victim;
        private String originalAclId;
        private String quarantineAclId;
        private ActionResult restored;
        private ActionResult again;

        @BeforeAll
        void quarantineThenRestoreTwice() {
            victim = harness.newVictim();
            originalAclId = aclOf(victim.subnetId()).networkAclId();
            Incident incident = incident(victim, false);
            ActionResult quarantined = quarantine(incident);
            quarantineAclId = aclOf(victim.subnetId()).networkAclId();

            restored = restore(incident, quarantined);
            again = restore(incident, quarantined);
        }

        @Test
        void associatesTheSubnetWithItsOriginalAclAgain() {
            assertThat(quarantineAclId).isNotEqualTo(originalAclId);
            assertThat(aclOf(victim.subnetId()).networkAclId()).isEqualTo(originalAclId);
            assertThat(restored.outcome()).isEqualTo(Outcome.DONE);
        }

        @Test
        void removesTheRecordAndARepeatIsAlreadyDone() {
            assertThat(subnetTags(victim.subnetId())).doesNotContainKey(ORIGINAL_TAG);
            assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        }

        @Test
        void keepsTheQuarantineAclForOtherSubnets() {
            assertThat(quarantineAcls(victim.vpcId())).extracting(NetworkAcl::networkAclId)
                    .containsExactly(quarantineAclId);
            assertThat(restored.summary()).contains(quarantineAclId + " is unused and kept");
        }
    }

    @Test
    void aRestoreDryRunLeavesTheSubnetInQuarantine() {
        Victim victim = harness.newVictim();
        Incident incident = incident(victim, false);
        ActionResult quarantined = quarantine(incident);
        String quarantineAclId = aclOf(victim.subnetId()).networkAclId();

        ActionResult planned = restore(incident(victim, true), quarantined);

        assertThat(planned.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(aclOf(victim.subnetId()).networkAclId()).isEqualTo(quarantineAclId);
        assertThat(subnetTags(victim.subnetId())).containsKey(ORIGINAL_TAG);
    }

    @Test
    void restoringWithoutTheQuarantineResultFailsNamingTheField() {
        Victim victim = harness.newVictim();

        assertThatThrownBy(() -> new RestoreSubnetAclHandler(env)
                .handle(LocalHarness.input(incident(victim, false))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'undo'");
    }
}

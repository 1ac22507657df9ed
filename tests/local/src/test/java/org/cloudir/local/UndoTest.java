package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.accesskey.RestoreAccessKeyHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.isolate.RestoreInstanceHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/** Undoes each containment action and checks the emulator shows the recorded state again. */
class UndoTest {
    private static LocalHarness harness;
    private static EmulatorState state;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
        env = harness.aws.envFor(Map.of());
    }

    static ObjectNode undoInput(Incident incident, ActionResult result) {
        ObjectNode input = LocalHarness.input(incident);
        input.set("undo", Json.mapper().valueToTree(result));
        return input;
    }

    /** An instance with three interfaces, a profile and a target group, isolated then restored. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RestoringAnIsolatedInstance {
        private Victim victim;
        private Map<String, List<String>> groupsBefore;
        private String profileArn;
        private String targetGroupArn;
        private ActionResult restored;
        private ActionResult again;

        @BeforeAll
        void isolateThenRestore() {
            CompleteIsolationTest.connect();
            victim = harness.newVictim();
            CompleteIsolationTest.addInterface(victim, 1);
            CompleteIsolationTest.addInterface(victim, 2);
            profileArn = CompleteIsolationTest.attachProfile(victim);
            targetGroupArn = CompleteIsolationTest.registerInTargetGroup(victim);
            groupsBefore = state.interfaceGroups(victim.instanceId());
            Incident incident = CompleteIsolationTest.incident(victim);
            ActionResult isolated = CompleteIsolationTest.handler(new RecordingInterceptor())
                    .handle(LocalHarness.input(incident));

            restored = new RestoreInstanceHandler(env).handle(undoInput(incident, isolated));
            again = new RestoreInstanceHandler(env).handle(undoInput(incident, isolated));
        }

        @Test
        void putsEveryInterfaceBackInItsOriginalGroups() {
            assertThat(state.interfaceGroups(victim.instanceId())).hasSize(3)
                    .isEqualTo(groupsBefore);
        }

        @Test
        void turnsTerminationAndStopProtectionOffAgainAndRestoresShutdownBehaviour() {
            String id = victim.instanceId();

            assertThat(state.terminationProtected(id)).isFalse();
            assertThat(harness.aws.ec2.describeInstanceAttribute(request -> request
                    .instanceId(id).attribute("disableApiStop")).disableApiStop().value())
                    .isFalse();
            assertThat(harness.aws.ec2.describeInstanceAttribute(request -> request
                    .instanceId(id).attribute("instanceInitiatedShutdownBehavior"))
                    .instanceInitiatedShutdownBehavior().value()).isEqualTo("stop");
        }

        @Test
        void associatesTheRecordedInstanceProfileAgain() {
            assertThat(harness.aws.ec2.describeIamInstanceProfileAssociations(request ->
                    request.filters(filter -> filter.name("instance-id")
                            .values(victim.instanceId()))).iamInstanceProfileAssociations())
                    .anySatisfy(association -> assertThat(association.iamInstanceProfile()
                            .arn()).isEqualTo(profileArn));
        }

        @Test
        void registersTheInstanceInItsTargetGroupAgain() {
            assertThat(CompleteIsolationTest.targetsOf(targetGroupArn))
                    .contains(victim.instanceId());
        }

        @Test
        void removesTheIsolationRecordsAndARepeatIsAlreadyDone() {
            assertThat(state.instanceTags(victim.instanceId()))
                    .doesNotContainKeys("ir:original-attributes", "ir:original-profile");
            assertThat(restored.outcome()).isEqualTo(Outcome.DONE);
            assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        }
    }

    @Test
    void restoringAnInstanceInAnAutoScalingGroupPutsItBackInService() {
        CompleteIsolationTest.connect();
        Victim victim = harness.newVictim();
        String groupName = "it-undo-asg-" + LocalHarness.shortRandom();
        AutoScalingClient autoScaling = AwsClients.configure(AutoScalingClient.builder(), env)
                .build();
        String imageId = harness.aws.ec2.describeInstances(request -> request
                .instanceIds(victim.instanceId())).reservations().get(0).instances().get(0)
                .imageId();
        String template = harness.aws.ec2.createLaunchTemplate(request -> request
                .launchTemplateName(groupName).launchTemplateData(data -> data.imageId(imageId)
                        .instanceType("t3.micro").securityGroupIds(victim.groupId())))
                .launchTemplate().launchTemplateId();
        autoScaling.createAutoScalingGroup(request -> request.autoScalingGroupName(groupName)
                .launchTemplate(spec -> spec.launchTemplateId(template).version("$Latest"))
                .minSize(0).maxSize(2).desiredCapacity(1).vpcZoneIdentifier(victim.subnetId()));
        String instanceId = autoScaling.describeAutoScalingGroups(request -> request
                .autoScalingGroupNames(groupName)).autoScalingGroups().get(0).instances().get(0)
                .instanceId();
        Incident incident = CompleteIsolationTest.incident(new Victim(victim.vpcId(),
                victim.subnetId(), victim.groupId(), instanceId, List.of(), victim.userName(),
                victim.accessKeyId(), Map.of("i-0123456789abcdef0", instanceId)));
        ActionResult isolated = CompleteIsolationTest.handler(new RecordingInterceptor())
                .handle(LocalHarness.input(incident));

        new RestoreInstanceHandler(env).handle(undoInput(incident, isolated));

        assertThat(autoScaling.describeAutoScalingInstances(request -> request
                .instanceIds(instanceId)).autoScalingInstances().get(0).lifecycleState())
                .isEqualTo("InService");
        assertThat(autoScaling.describeAutoScalingGroups(request -> request
                .autoScalingGroupNames(groupName)).autoScalingGroups().get(0)
                .desiredCapacity()).isEqualTo(1);
        autoScaling.close();
    }

    @Test
    void restoringAKeyActivatesItAndRemovesTheSessionDenyPolicy() {
        Victim victim = harness.newVictim();
        Incident incident = LocalHarness.triage(
                harness.event(LocalHarness.MALICIOUS_IP, victim), false);
        ActionResult disabled = new DisableAccessKeyHandler(env)
                .handle(LocalHarness.input(incident));

        ActionResult restored = new RestoreAccessKeyHandler(env)
                .handle(undoInput(incident, disabled));

        assertThat(restored.outcome()).isEqualTo(Outcome.DONE);
        assertThat(state.keyStatuses(victim.userName()))
                .containsEntry(victim.accessKeyId(), "Active");
        assertThat(harness.aws.iam.listUserPolicies(request -> request
                .userName(victim.userName())).policyNames()).isEmpty();
    }

    @Test
    void undoWithoutTheRecordedResultFailsNamingTheField() {
        Victim victim = harness.newVictim();
        Incident incident = CompleteIsolationTest.incident(victim);

        assertThatThrownBy(() -> new RestoreInstanceHandler(env)
                .handle(LocalHarness.input(incident)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'undo'");

        assertThat(state.instanceTags(victim.instanceId()))
                .doesNotContainKey("ir:original-attributes");
    }
}

package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ModifyNetworkInterfaceAttributeRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * Isolates instances shaped like real ones, three network interfaces, an instance profile, a
 * load balancer target group, an Auto Scaling group, and checks every effect in the emulator.
 */
class CompleteIsolationTest {
    private static LocalHarness harness;
    private static EmulatorState state;
    private static Env env;
    private static AutoScalingClient autoScaling;
    private static ElasticLoadBalancingV2Client elb;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
        env = harness.aws.envFor(Map.of());
        autoScaling = AwsClients.configure(AutoScalingClient.builder(), env).build();
        elb = AwsClients.configure(ElasticLoadBalancingV2Client.builder(), env).build();
    }

    static IsolateInstanceHandler handler(RecordingInterceptor recorder) {
        Ec2Client ec2 = AwsClients.configure(Ec2Client.builder(), env, List.of(recorder))
                .build();
        return new IsolateInstanceHandler(ec2, autoScaling, elb, env, Clock.systemUTC());
    }

    static Incident incident(Victim victim) {
        return LocalHarness.triage(harness.event(LocalHarness.BACKDOOR, victim), false);
    }

    static String addInterface(Victim victim, int deviceIndex) {
        String eni = harness.aws.ec2.createNetworkInterface(request -> request
                .subnetId(victim.subnetId()).groups(victim.groupId()))
                .networkInterface().networkInterfaceId();
        harness.aws.ec2.attachNetworkInterface(request -> request.networkInterfaceId(eni)
                .instanceId(victim.instanceId()).deviceIndex(deviceIndex));
        return eni;
    }

    static String attachProfile(Victim victim) {
        String name = "it-profile-" + LocalHarness.shortRandom();
        String arn = harness.aws.iam.createInstanceProfile(request -> request
                .instanceProfileName(name)).instanceProfile().arn();
        harness.aws.ec2.associateIamInstanceProfile(request -> request
                .instanceId(victim.instanceId()).iamInstanceProfile(profile -> profile.arn(arn)));
        return arn;
    }

    static String registerInTargetGroup(Victim victim) {
        String arn = elb.createTargetGroup(request -> request
                        .name("it-tg-" + LocalHarness.shortRandom())
                        .protocol("HTTP").port(80).vpcId(victim.vpcId()).targetType("instance"))
                .targetGroups().get(0).targetGroupArn();
        elb.registerTargets(request -> request.targetGroupArn(arn)
                .targets(target -> target.id(victim.instanceId()).port(80)));
        return arn;
    }

    static List<String> targetsOf(String targetGroupArn) {
        return elb.describeTargetHealth(request -> request.targetGroupArn(targetGroupArn))
                .targetHealthDescriptions().stream()
                .filter(target -> target.targetHealth() == null
                        || !"draining".equals(target.targetHealth().stateAsString()))
                .map(TargetHealthDescription::target)
                .map(target -> target.id())
                .toList();
    }

    static SecurityGroup untrackingGroup(String vpcId) {
        return harness.aws.ec2.describeSecurityGroups(request -> request.filters(
                        filter -> filter.name("vpc-id").values(vpcId),
                        filter -> filter.name("group-name").values("ir-untracking-" + vpcId)))
                .securityGroups().get(0);
    }

    static boolean allowsAll(List<IpPermission> rules) {
        return rules.stream().anyMatch(rule -> "-1".equals(rule.ipProtocol())
                && rule.ipRanges().stream().anyMatch(r -> "0.0.0.0/0".equals(r.cidrIp())))
                && rules.stream().anyMatch(rule -> "-1".equals(rule.ipProtocol())
                && rule.ipv6Ranges().stream().anyMatch(r -> "::/0".equals(r.cidrIpv6())));
    }

    /**
     * One instance with three network interfaces, an instance profile and a target group
     * registration, isolated once; each test checks one effect.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class InstanceWithThreeInterfacesProfileAndTargetGroup {
        private Victim victim;
        private List<String> extraInterfaces;
        private String profileArn;
        private String targetGroupArn;
        private RecordingInterceptor recorder;
        private ActionResult result;

        @BeforeAll
        void isolate() {
            victim = harness.newVictim();
            extraInterfaces = List.of(addInterface(victim, 1), addInterface(victim, 2));
            profileArn = attachProfile(victim);
            targetGroupArn = registerInTargetGroup(victim);
            recorder = new RecordingInterceptor();

            result = handler(recorder).handle(LocalHarness.input(incident(victim)));
        }

        @Test
        void movesAllThreeInterfacesIntoTheIsolationGroupOnly() {
            String isolation = state.isolationGroup(victim.vpcId()).orElseThrow().groupId();

            assertThat(state.interfaceGroups(victim.instanceId())).hasSize(3)
                    .containsKeys(extraInterfaces.toArray(String[]::new))
                    .allSatisfy((eni, groups) -> assertThat(groups).containsExactly(isolation));
        }

        @Test
        void movesEveryInterfaceThroughTheUntrackingGroupBeforeTheIsolationGroup() {
            String untracking = untrackingGroup(victim.vpcId()).groupId();
            String isolation = state.isolationGroup(victim.vpcId()).orElseThrow().groupId();

            List<List<String>> moves = recorder.requestsOf("ModifyNetworkInterfaceAttribute")
                    .stream().map(ModifyNetworkInterfaceAttributeRequest.class::cast)
                    .map(ModifyNetworkInterfaceAttributeRequest::groups).toList();

            assertThat(moves).hasSize(6);
            assertThat(moves.subList(0, 3)).allSatisfy(groups ->
                    assertThat(groups).containsExactly(untracking));
            assertThat(moves.subList(3, 6)).allSatisfy(groups ->
                    assertThat(groups).containsExactly(isolation));
        }

        @Test
        void untrackingGroupAllowsAllTrafficBothWaysForIpv4AndIpv6() {
            SecurityGroup untracking = untrackingGroup(victim.vpcId());

            assertThat(allowsAll(untracking.ipPermissions())).as("inbound").isTrue();
            assertThat(allowsAll(untracking.ipPermissionsEgress())).as("outbound").isTrue();
        }

        @Test
        void turnsOnTerminationAndStopProtectionAndStopOnShutdown() {
            String id = victim.instanceId();

            assertThat(state.terminationProtected(id)).isTrue();
            assertThat(harness.aws.ec2.describeInstanceAttribute(request -> request
                    .instanceId(id).attribute("disableApiStop")).disableApiStop().value())
                    .isTrue();
            assertThat(harness.aws.ec2.describeInstanceAttribute(request -> request
                    .instanceId(id).attribute("instanceInitiatedShutdownBehavior"))
                    .instanceInitiatedShutdownBehavior().value()).isEqualTo("stop");
        }

        @Test
        void disassociatesTheInstanceProfileAndRecordsItsArn() {
            assertThat(harness.aws.ec2.describeIamInstanceProfileAssociations(request ->
                    request.filters(filter -> filter.name("instance-id")
                            .values(victim.instanceId()))).iamInstanceProfileAssociations())
                    .noneMatch(association -> "associated".equals(association.stateAsString()));
            assertThat(state.instanceTags(victim.instanceId()))
                    .containsEntry("ir:original-profile", profileArn);
            assertThat(result.details()).containsEntry("instanceProfileArn", profileArn);
        }

        @Test
        void deregistersTheInstanceFromItsTargetGroupAndRecordsIt() {
            assertThat(targetsOf(targetGroupArn)).doesNotContain(victim.instanceId());
            assertThat(result.details().get("targetRegistrations")).asList()
                    .containsExactly(Map.of("targetGroupArn", targetGroupArn, "port", 80));
        }

        @Test
        void recordsTheOriginalAttributesOnTheInstance() {
            assertThat(state.instanceTags(victim.instanceId())).containsEntry(
                    "ir:original-attributes", "termination=false,stop=false,shutdown=stop");
        }
    }

    /** An instance launched by an Auto Scaling group is held in Standby, not replaced. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class InstanceInAnAutoScalingGroup {
        private String groupName;
        private String instanceId;
        private ActionResult result;

        @BeforeAll
        void isolate() {
            Victim victim = harness.newVictim();
            groupName = "it-asg-" + LocalHarness.shortRandom();
            String imageId = harness.aws.ec2.describeInstances(request -> request
                    .instanceIds(victim.instanceId())).reservations().get(0).instances().get(0)
                    .imageId();
            String template = harness.aws.ec2.createLaunchTemplate(request -> request
                    .launchTemplateName(groupName)
                    .launchTemplateData(data -> data.imageId(imageId).instanceType("t3.micro")
                            .securityGroupIds(victim.groupId())))
                    .launchTemplate().launchTemplateId();
            autoScaling.createAutoScalingGroup(request -> request.autoScalingGroupName(groupName)
                    .launchTemplate(spec -> spec.launchTemplateId(template).version("$Latest"))
                    .minSize(0).maxSize(2).desiredCapacity(1)
                    .vpcZoneIdentifier(victim.subnetId()));
            instanceId = membership().instanceId();
            Victim asgVictim = new Victim(victim.vpcId(), victim.subnetId(), victim.groupId(),
                    instanceId, List.of(), victim.userName(), victim.accessKeyId(),
                    Map.of("i-0123456789abcdef0", instanceId, "AKIAIOSFODNN7EXAMPLE",
                            victim.accessKeyId(), "drill-user", victim.userName()));

            result = handler(new RecordingInterceptor())
                    .handle(LocalHarness.input(incident(asgVictim)));
        }

        private AutoScalingInstanceDetails membership() {
            return autoScaling.describeAutoScalingInstances(request -> { })
                    .autoScalingInstances().stream()
                    .filter(details -> groupName.equals(details.autoScalingGroupName()))
                    .findFirst().orElseThrow();
        }

        @Test
        void putsTheInstanceInStandbyWithTheDesiredCapacityLowered() {
            assertThat(membership().lifecycleState()).isEqualTo("Standby");
            assertThat(autoScaling.describeAutoScalingGroups(request -> request
                    .autoScalingGroupNames(groupName)).autoScalingGroups().get(0)
                    .desiredCapacity()).isZero();
        }

        @Test
        void keepsTheInstanceRunningAndRecordsItsGroup() {
            assertThat(harness.aws.ec2.describeInstances(request -> request
                    .instanceIds(instanceId)).reservations().get(0).instances().get(0)
                    .state().nameAsString()).isEqualTo("running");
            assertThat(result.outcome()).isEqualTo(Outcome.DONE);
            assertThat(result.details()).containsEntry("autoScaling",
                    Map.of("groupName", groupName, "lifecycleState", "InService"));
            assertThat(state.instanceTags(instanceId)).containsEntry("ir:standby-by", groupName);
        }
    }
}

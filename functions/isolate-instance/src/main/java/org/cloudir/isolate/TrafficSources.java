package org.cloudir.isolate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.VerificationFailedException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * Takes an instance out of what would replace it or send it traffic: its Auto Scaling group
 * (Standby, with the desired capacity lowered, so the group neither replaces nor terminates
 * it) and every ELBv2 target group it is registered in.
 */
final class TrafficSources {
    static final String IN_SERVICE = "InService";
    static final String STANDBY = "Standby";

    private final AutoScalingClient autoScaling;
    private final ElasticLoadBalancingV2Client elb;

    TrafficSources(AutoScalingClient autoScaling, ElasticLoadBalancingV2Client elb) {
        this.autoScaling = autoScaling;
        this.elb = elb;
    }

    /** Names an instance's Auto Scaling group and its lifecycle state there. */
    record GroupMembership(String groupName, String lifecycleState) {
        Map<String, Object> details() {
            return Map.of("groupName", groupName, "lifecycleState", lifecycleState);
        }
    }

    /** Names one registration of the instance in a target group. */
    record Registration(String targetGroupArn, Integer port) {
        Map<String, Object> details() {
            return port == null ? Map.of("targetGroupArn", targetGroupArn)
                    : Map.of("targetGroupArn", targetGroupArn, "port", port);
        }
    }

    Optional<GroupMembership> membership(String instanceId) {
        List<AutoScalingInstanceDetails> found = AwsErrors.call("DescribeAutoScalingInstances",
                () -> autoScaling.describeAutoScalingInstances(request -> request
                        .instanceIds(instanceId)).autoScalingInstances());
        return found.stream().findFirst().map(details -> new GroupMembership(
                details.autoScalingGroupName(), details.lifecycleState()));
    }

    /**
     * Puts the instance in Standby unless it already is; returns true when it changed. Standby
     * rather than detaching keeps the group's record of the instance, so undo is ExitStandby.
     */
    boolean enterStandby(String instanceId, GroupMembership membership) {
        if (STANDBY.equals(membership.lifecycleState())) {
            return false;
        }
        if (!IN_SERVICE.equals(membership.lifecycleState())) {
            throw new VerificationFailedException("instance " + instanceId + " is "
                    + membership.lifecycleState() + " in Auto Scaling group "
                    + membership.groupName() + "; only an InService instance can enter Standby,"
                    + " retry once its lifecycle action has finished");
        }
        AwsErrors.run("EnterStandby", () -> autoScaling.enterStandby(request -> request
                .autoScalingGroupName(membership.groupName())
                .instanceIds(instanceId)
                .shouldDecrementDesiredCapacity(true)));
        return true;
    }

    void exitStandby(String instanceId, String groupName) {
        AwsErrors.run("ExitStandby", () -> autoScaling.exitStandby(request -> request
                .autoScalingGroupName(groupName).instanceIds(instanceId)));
    }

    /** Returns every target group registration of the instance (draining ones excluded). */
    List<Registration> registrations(String instanceId) {
        List<Registration> found = new ArrayList<>();
        List<TargetGroup> groups = AwsErrors.call("DescribeTargetGroups", () -> elb
                .describeTargetGroupsPaginator(request -> { }).targetGroups().stream().toList());
        for (TargetGroup group : groups) {
            List<TargetHealthDescription> targets = AwsErrors.call("DescribeTargetHealth",
                    () -> elb.describeTargetHealth(request -> request
                            .targetGroupArn(group.targetGroupArn()))
                            .targetHealthDescriptions());
            targets.stream()
                    .filter(target -> instanceId.equals(target.target().id()))
                    .filter(target -> target.targetHealth() == null
                            || !"draining".equals(target.targetHealth().stateAsString()))
                    .forEach(target -> found.add(new Registration(group.targetGroupArn(),
                            target.target().port())));
        }
        return found;
    }

    void deregister(String instanceId, List<Registration> registrations) {
        for (Registration registration : registrations) {
            AwsErrors.run("DeregisterTargets", () -> elb.deregisterTargets(request -> request
                    .targetGroupArn(registration.targetGroupArn())
                    .targets(target -> target.id(instanceId).port(registration.port()))));
        }
    }
}

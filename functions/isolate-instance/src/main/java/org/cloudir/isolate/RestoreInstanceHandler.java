package org.cloudir.isolate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.aws.UndoRequest;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.ec2.Ec2Instances;
import org.cloudir.isolate.InstanceSafeguards.Attributes;
import org.cloudir.isolate.TrafficSources.GroupMembership;
import org.cloudir.isolate.TrafficSources.Registration;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * Undoes isolate-instance once responders decide the instance may return: the attributes and
 * instance profile recorded on the instance, each interface's groups from its
 * {@code ir:original-groups} tag, Standby back to InService (only when the responder put it
 * there), and the target group registrations the isolation result recorded. A separate
 * function, not a mode of the isolating one, so its permission to re-open can be granted to a
 * recovery workflow alone.
 */
public final class RestoreInstanceHandler extends ActionHandler {
    static final String ACTION = "restore-instance";

    private final Ec2Client ec2;
    private final TrafficSources trafficSources;
    private final InstanceSafeguards safeguards;
    private final ElasticLoadBalancingV2Client elb;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RestoreInstanceHandler() {
        this(Env.system());
    }

    public RestoreInstanceHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(),
                AwsClients.configure(AutoScalingClient.builder(), env).build(),
                AwsClients.configure(ElasticLoadBalancingV2Client.builder(), env).build(),
                env, Clock.systemUTC());
    }

    public RestoreInstanceHandler(Ec2Client ec2, AutoScalingClient autoScaling,
            ElasticLoadBalancingV2Client elb, Env env, Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.elb = elb;
        this.trafficSources = new TrafficSources(autoScaling, elb);
        this.safeguards = new InstanceSafeguards(ec2);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException("restore-instance needs the isolate-instance result"
                + " in field '" + UndoRequest.FIELD + "'");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        JsonNode recorded = UndoRequest.details(request, IsolateInstanceHandler.ACTION,
                incident.incidentId());
        String instanceId = incident.resource().id();
        Instance instance = Ec2Instances.describe(ec2, instanceId);
        Map<String, String> tags = Ec2Instances.tags(instance.tags());
        Protection.refuseIfProtected(tags, ACTION, "instance " + instanceId,
                incident.incidentId());
        Optional<Attributes> attributes = Optional.ofNullable(
                tags.get(IsolateInstanceHandler.ORIGINAL_ATTRIBUTES_TAG)).map(Attributes::parse);
        Optional<String> profile = Optional.ofNullable(
                tags.get(IsolateInstanceHandler.ORIGINAL_PROFILE_TAG));
        Optional<String> standbyGroup = Optional.ofNullable(
                tags.get(IsolateInstanceHandler.STANDBY_BY_TAG));
        List<Registration> registrations = registrations(recorded);
        Map<String, List<String>> groups = recordedGroups(instanceId);
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would restore groups of " + groups.size()
                    + " interfaces, attributes " + attributes.orElse(null) + ", profile "
                    + profile.orElse("none") + ", " + registrations.size()
                    + " target registrations", groups, List.of(), started);
        }

        attributes.ifPresent(wanted -> safeguards.apply(instanceId, wanted,
                safeguards.read(instanceId)));
        if (profile.isPresent() && safeguards.profileAssociation(instanceId).isEmpty()) {
            safeguards.associate(instanceId, profile.get());
        }
        groups.forEach(this::setGroups);
        standbyGroup.ifPresent(group -> exitStandby(instanceId, group));
        registrations.forEach(registration -> elb.registerTargets(r -> r
                .targetGroupArn(registration.targetGroupArn())
                .targets(target -> target.id(instanceId).port(registration.port()))));
        List<String> verified = verify(instanceId, groups, attributes, profile, standbyGroup,
                registrations);
        untag(instanceId, groups.keySet());
        // The isolation records are removed on success, so their absence means already undone.
        boolean nothingRecorded = groups.isEmpty() && attributes.isEmpty() && profile.isEmpty()
                && standbyGroup.isEmpty();
        return result(incident, nothingRecorded ? Outcome.ALREADY_DONE : Outcome.DONE,
                "restored " + instanceId + " to its state before isolation", groups, verified,
                started);
    }

    private static List<Registration> registrations(JsonNode recorded) {
        List<Registration> registrations = new ArrayList<>();
        for (JsonNode entry : recorded.path("targetRegistrations")) {
            registrations.add(new Registration(entry.path("targetGroupArn").asText(),
                    entry.hasNonNull("port") ? entry.path("port").asInt() : null));
        }
        return registrations;
    }

    /** Each attached interface's original groups, from the tag isolation wrote before moving. */
    private Map<String, List<String>> recordedGroups(String instanceId) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (NetworkInterface eni : interfacesOf(instanceId)) {
            String recorded = Ec2Instances.tags(eni.tagSet())
                    .get(IsolateInstanceHandler.ORIGINAL_GROUPS_TAG);
            if (recorded != null && !recorded.isBlank()) {
                groups.put(eni.networkInterfaceId(), List.of(recorded.split(",")));
            }
        }
        return groups;
    }

    private List<NetworkInterface> interfacesOf(String instanceId) {
        return AwsErrors.call("DescribeNetworkInterfaces", () -> ec2
                .describeNetworkInterfacesPaginator(request -> request.filters(filter -> filter
                        .name("attachment.instance-id").values(instanceId)))
                .networkInterfaces().stream().toList());
    }

    private void setGroups(String networkInterfaceId, List<String> groupIds) {
        AwsErrors.run("ModifyNetworkInterfaceAttribute", () -> ec2
                .modifyNetworkInterfaceAttribute(request -> request
                        .networkInterfaceId(networkInterfaceId).groups(groupIds)));
    }

    private void exitStandby(String instanceId, String groupName) {
        Optional<GroupMembership> membership = trafficSources.membership(instanceId);
        if (membership.isPresent()
                && TrafficSources.STANDBY.equals(membership.get().lifecycleState())) {
            trafficSources.exitStandby(instanceId, groupName);
        }
    }

    private List<String> verify(String instanceId, Map<String, List<String>> groups,
            Optional<Attributes> attributes, Optional<String> profile,
            Optional<String> standbyGroup, List<Registration> registrations) {
        List<String> verified = new ArrayList<>();
        Map<String, List<String>> now = new LinkedHashMap<>();
        interfacesOf(instanceId).forEach(eni -> now.put(eni.networkInterfaceId(),
                eni.groups().stream().map(GroupIdentifier::groupId).sorted().toList()));
        groups.forEach((eni, wanted) -> {
            if (!wanted.stream().sorted().toList().equals(now.get(eni))) {
                throw new VerificationFailedException("network interface " + eni + " is in "
                        + now.get(eni) + " after restoring " + wanted);
            }
            verified.add(eni + " is back in " + wanted);
        });
        attributes.ifPresent(wanted -> verified.add("attributes of " + instanceId + " back to "
                + safeguards.verify(instanceId, wanted).format()));
        if (profile.isPresent()) {
            String arn = safeguards.profileAssociation(instanceId)
                    .map(association -> association.iamInstanceProfile().arn()).orElse("");
            if (!profile.get().equals(arn)) {
                throw new VerificationFailedException("instance " + instanceId + " has profile"
                        + " '" + arn + "' after restoring " + profile.get());
            }
            verified.add(instanceId + " has instance profile " + arn + " again");
        }
        if (standbyGroup.isPresent()) {
            String state = trafficSources.membership(instanceId)
                    .map(GroupMembership::lifecycleState).orElse("(not in a group)");
            if (!TrafficSources.IN_SERVICE.equals(state)) {
                throw new VerificationFailedException("instance " + instanceId + " is " + state
                        + " in " + standbyGroup.get() + " after leaving Standby");
            }
            verified.add(instanceId + " is InService in " + standbyGroup.get() + " again");
        }
        List<String> registered = trafficSources.registrations(instanceId).stream()
                .map(Registration::targetGroupArn).toList();
        for (Registration registration : registrations) {
            if (!registered.contains(registration.targetGroupArn())) {
                throw new VerificationFailedException("instance " + instanceId + " is not a"
                        + " target of " + registration.targetGroupArn() + " after registering");
            }
            verified.add(instanceId + " is a target of " + registration.targetGroupArn());
        }
        return verified;
    }

    /** Removes the isolation records, so a later isolation records the then-current state. */
    private void untag(String instanceId, Iterable<String> interfaces) {
        for (String eni : interfaces) {
            AwsErrors.run("DeleteTags", () -> ec2.deleteTags(request -> request.resources(eni)
                    .tags(key(IsolateInstanceHandler.ORIGINAL_GROUPS_TAG),
                            key(IsolateInstanceHandler.ISOLATED_BY_TAG))));
        }
        AwsErrors.run("DeleteTags", () -> ec2.deleteTags(request -> request.resources(instanceId)
                .tags(key(IsolateInstanceHandler.ORIGINAL_ATTRIBUTES_TAG),
                        key(IsolateInstanceHandler.ORIGINAL_PROFILE_TAG),
                        key(IsolateInstanceHandler.STANDBY_BY_TAG))));
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Map<String, List<String>> groups, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary, Map.of("restoredGroups", groups), verified, started,
                clock().instant());
    }

    private static Tag key(String key) {
        return Tag.builder().key(key).build();
    }
}

package org.cloudir.isolate;

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
import org.cloudir.core.Protection;
import org.cloudir.core.ResourceNotFoundException;
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
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * Cuts an instance off the network and keeps it as evidence. In order: it leaves its Auto
 * Scaling group for Standby and its load balancer target groups (so it is neither replaced nor
 * sent traffic), every network interface goes through the untracking group into the rule-free
 * isolation group (so established sessions end too), termination and stop protection go on,
 * shutdown from inside only stops it, and its instance profile is disassociated so stolen
 * role credentials cannot be refreshed. Each step's prior state is recorded (interface tags,
 * instance tags, the result's details) so that recovery can undo it.
 */
public final class IsolateInstanceHandler extends ActionHandler {
    static final String ACTION = "isolate-instance";
    static final String ORIGINAL_GROUPS_TAG = "ir:original-groups";
    static final String ISOLATED_BY_TAG = "ir:isolated-by";
    static final String ORIGINAL_PROFILE_TAG = "ir:original-profile";
    static final String ORIGINAL_ATTRIBUTES_TAG = "ir:original-attributes";
    static final String STANDBY_BY_TAG = "ir:standby-by";

    private final Ec2Client ec2;
    private final IsolationGroups isolationGroups;
    private final TrafficSources trafficSources;
    private final InstanceSafeguards safeguards;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public IsolateInstanceHandler() {
        this(Env.system());
    }

    public IsolateInstanceHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(),
                AwsClients.configure(AutoScalingClient.builder(), env).build(),
                AwsClients.configure(ElasticLoadBalancingV2Client.builder(), env).build(),
                env, Clock.systemUTC());
    }

    public IsolateInstanceHandler(Ec2Client ec2, AutoScalingClient autoScaling,
            ElasticLoadBalancingV2Client elb, Env env, Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.isolationGroups = new IsolationGroups(ec2);
        this.trafficSources = new TrafficSources(autoScaling, elb);
        this.safeguards = new InstanceSafeguards(ec2);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        String instanceId = incident.resource().id();
        Instance instance = Ec2Instances.describe(ec2, instanceId);
        Protection.refuseIfProtected(Ec2Instances.tags(instance.tags()), ACTION,
                "instance " + instanceId, incident.incidentId());
        String vpcId = requireVpc(instance);
        Plan plan = plan(instance, vpcId);
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would move " + plan.interfaces().size()
                    + " network interfaces into the isolation group of " + vpcId
                    + plan.describeSources(),
                    plan, plan.groups().isolationId().orElse("(to be created)"), List.of(),
                    started);
        }

        boolean changed = detachFromTrafficSources(instanceId, plan);
        IsolationGroups.Ensured groups = isolationGroups.ensure(plan.groups(), vpcId,
                incident.incidentId(), !pending(plan, plan.groups().isolationId()).isEmpty());
        String groupId = groups.isolationId();
        changed |= isolateInterfaces(incident, plan, groups);
        changed |= secureAttributes(instanceId, plan);
        changed |= removeInstanceProfile(instanceId, plan);
        List<String> verified = verify(instanceId, plan, groups);
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                changed ? "isolated " + plan.interfaces().size() + " network interfaces in "
                        + groupId + plan.describeSources()
                        : "already isolated in " + groupId,
                plan, groupId, verified, started);
    }

    /**
     * Everything read before acting: what will change and what recovery needs. The acts below
     * start from these reads (taken a moment earlier in the same invocation) instead of asking
     * again; the verification re-reads everything it checks.
     *
     * @param groups the VPC's responder groups as they were
     * @param attributes the attributes before any isolation (recorded by an earlier run, or now)
     * @param current the attributes as they are now
     * @param association the instance profile association now, if any
     * @param profile the profile ARN now, or the one an earlier run recorded before removing it
     */
    private record Plan(String vpcId, List<NetworkInterface> interfaces,
            Map<String, List<String>> original, IsolationGroups.Groups groups,
            Optional<GroupMembership> membership, List<Registration> registrations,
            Attributes attributes, Attributes current,
            Optional<IamInstanceProfileAssociation> association, Optional<String> profile) {
        /** Names what the instance is taken out of first, or "" when it is in nothing. */
        String describeSources() {
            List<String> sources = new ArrayList<>();
            membership.ifPresent(m -> sources.add("Standby in " + m.groupName()));
            if (!registrations.isEmpty()) {
                sources.add("deregistered from " + registrations.size() + " target groups");
            }
            return sources.isEmpty() ? "" : " (" + String.join(", ", sources) + ")";
        }
    }

    private Plan plan(Instance instance, String vpcId) {
        String instanceId = instance.instanceId();
        List<NetworkInterface> interfaces = interfacesOf(instanceId);
        IsolationGroups.Groups groups = isolationGroups.read(vpcId);
        Attributes current = safeguards.read(instanceId);
        Optional<IamInstanceProfileAssociation> association =
                safeguards.profileAssociation(instanceId);
        return new Plan(vpcId, interfaces,
                originalGroups(interfaces, groups.isolationId().orElse("")), groups,
                trafficSources.membership(instanceId),
                trafficSources.registrations(instanceId),
                recordedOr(instance, current), current, association,
                currentOrRecordedProfile(instance, association));
    }

    private static String requireVpc(Instance instance) {
        if (instance.vpcId() == null) {
            throw new ResourceNotFoundException("instance " + instance.instanceId()
                    + " has no VPC (EC2-Classic), so it has no network interfaces to isolate;"
                    + " isolate it by hand");
        }
        return instance.vpcId();
    }

    private List<NetworkInterface> interfacesOf(String instanceId) {
        return AwsErrors.call("DescribeNetworkInterfaces", () -> ec2
                .describeNetworkInterfacesPaginator(request -> request.filters(filter -> filter
                        .name("attachment.instance-id").values(instanceId)))
                .networkInterfaces().stream().toList());
    }

    /**
     * Returns each interface's groups before isolation: the recorded tag when an earlier run
     * already moved it, otherwise its current groups (never the responder's own groups).
     */
    private static Map<String, List<String>> originalGroups(
            List<NetworkInterface> interfaces, String isolationGroupId) {
        Map<String, List<String>> original = new LinkedHashMap<>();
        for (NetworkInterface eni : interfaces) {
            String recorded = Ec2Instances.tags(eni.tagSet()).get(ORIGINAL_GROUPS_TAG);
            List<String> groups = recorded != null && !recorded.isBlank()
                    ? List.of(recorded.split(","))
                    : eni.groups().stream()
                            .filter(group -> !group.groupId().equals(isolationGroupId)
                                    && !group.groupName().startsWith(
                                            IsolationGroups.UNTRACKING_PREFIX))
                            .map(GroupIdentifier::groupId)
                            .toList();
            original.put(eni.networkInterfaceId(), groups);
        }
        return original;
    }

    /** The attributes an earlier run recorded before securing them, or the current ones. */
    private static Attributes recordedOr(Instance instance, Attributes current) {
        return Optional.ofNullable(Ec2Instances.tags(instance.tags())
                        .get(ORIGINAL_ATTRIBUTES_TAG))
                .map(Attributes::parse)
                .orElse(current);
    }

    /** The instance's profile ARN now, or the one an earlier run recorded before removing it. */
    private static Optional<String> currentOrRecordedProfile(Instance instance,
            Optional<IamInstanceProfileAssociation> association) {
        Optional<String> current = association.map(found -> found.iamInstanceProfile().arn());
        return current.or(() -> Optional.ofNullable(
                Ec2Instances.tags(instance.tags()).get(ORIGINAL_PROFILE_TAG)));
    }

    /**
     * Standby first, target groups second, network last: an instance isolated while still
     * InService would fail its health checks and be replaced, destroying the evidence.
     */
    private boolean detachFromTrafficSources(String instanceId, Plan plan) {
        boolean changed = false;
        if (plan.membership().isPresent()
                && !TrafficSources.STANDBY.equals(plan.membership().get().lifecycleState())) {
            // Marks that the responder, not an operator, put it in Standby: undo may resume it.
            tag(instanceId, tag(STANDBY_BY_TAG, plan.membership().get().groupName()));
            changed = trafficSources.enterStandby(instanceId, plan.membership().get());
        }
        if (!plan.registrations().isEmpty()) {
            trafficSources.deregister(instanceId, plan.registrations());
            changed = true;
        }
        return changed;
    }

    /** The interfaces not yet in the isolation group alone (all of them when it is absent). */
    private static List<NetworkInterface> pending(Plan plan, Optional<String> groupId) {
        return plan.interfaces().stream()
                .filter(eni -> groupId.isEmpty() || !groupIds(eni).equals(List.of(groupId.get())))
                .toList();
    }

    private boolean isolateInterfaces(Incident incident, Plan plan,
            IsolationGroups.Ensured groups) {
        String groupId = groups.isolationId();
        List<NetworkInterface> pending = pending(plan, Optional.of(groupId));
        if (pending.isEmpty()) {
            return false;
        }
        String untracking = groups.untrackingId().orElseThrow(() -> new IllegalStateException(
                "interfaces of " + incident.resource().id() + " are to move but no untracking"
                        + " group was made ready"));
        for (NetworkInterface eni : pending) {
            // Record first: if a change below fails midway, recovery still knows the groups.
            tag(eni.networkInterfaceId(),
                    tag(ORIGINAL_GROUPS_TAG,
                            String.join(",", plan.original().get(eni.networkInterfaceId()))),
                    tag(ISOLATED_BY_TAG, incident.incidentId()));
            setGroups(eni.networkInterfaceId(), untracking);
        }
        // Every interface goes to the untracking group before any goes on, so an instance's
        // sessions on one interface are not left tracked while another is being moved.
        for (NetworkInterface eni : pending) {
            setGroups(eni.networkInterfaceId(), groupId);
        }
        return true;
    }

    private void setGroups(String networkInterfaceId, String groupId) {
        AwsErrors.run("ModifyNetworkInterfaceAttribute", () -> ec2
                .modifyNetworkInterfaceAttribute(request -> request
                        .networkInterfaceId(networkInterfaceId)
                        .groups(groupId)));
    }

    private boolean secureAttributes(String instanceId, Plan plan) {
        if (plan.current().safe()) {
            return false;
        }
        tag(instanceId, tag(ORIGINAL_ATTRIBUTES_TAG, plan.attributes().format()));
        safeguards.apply(instanceId, InstanceSafeguards.SAFE, plan.current());
        return true;
    }

    private boolean removeInstanceProfile(String instanceId, Plan plan) {
        if (plan.association().isEmpty()) {
            return false;
        }
        // Record the profile on the instance first, so a repeat or recovery still knows it.
        tag(instanceId, tag(ORIGINAL_PROFILE_TAG, plan.profile().orElseThrow()));
        safeguards.disassociate(plan.association().get());
        return true;
    }

    private List<String> verify(String instanceId, Plan plan, IsolationGroups.Ensured groups) {
        String groupId = groups.isolationId();
        List<String> verified = new ArrayList<>();
        List<NetworkInterface> reread = interfacesOf(instanceId);
        if (reread.size() != plan.interfaces().size()) {
            throw new VerificationFailedException("instance " + instanceId + " had "
                    + plan.interfaces().size() + " network interfaces and now has "
                    + reread.size() + "; isolate it again");
        }
        for (NetworkInterface eni : reread) {
            if (!groupIds(eni).equals(List.of(groupId))) {
                throw new VerificationFailedException("network interface "
                        + eni.networkInterfaceId() + " of " + instanceId + " is in "
                        + groupIds(eni) + " after isolation; expected only " + groupId);
            }
            verified.add(eni.networkInterfaceId() + " is in " + groupId + " only");
        }
        verified.addAll(isolationGroups.verify(groups));
        verified.addAll(verifyTrafficSources(instanceId));
        Attributes attributes = safeguards.verify(instanceId, InstanceSafeguards.SAFE);
        verified.add("termination protection on, stop protection on, shutdown behaviour "
                + attributes.shutdownBehavior() + " for " + instanceId);
        if (safeguards.profileAssociation(instanceId).isPresent()) {
            throw new VerificationFailedException("instance " + instanceId + " still has an"
                    + " instance profile associated after disassociating it");
        }
        verified.add("no instance profile associated with " + instanceId);
        return verified;
    }

    private List<String> verifyTrafficSources(String instanceId) {
        List<String> verified = new ArrayList<>();
        Optional<GroupMembership> membership = trafficSources.membership(instanceId);
        if (membership.isPresent()) {
            if (!TrafficSources.STANDBY.equals(membership.get().lifecycleState())) {
                throw new VerificationFailedException("instance " + instanceId + " is "
                        + membership.get().lifecycleState() + " in Auto Scaling group "
                        + membership.get().groupName() + " after entering Standby");
            }
            verified.add(instanceId + " is in Standby in " + membership.get().groupName());
        }
        List<Registration> left = trafficSources.registrations(instanceId);
        if (!left.isEmpty()) {
            throw new VerificationFailedException("instance " + instanceId + " is still a"
                    + " target of " + left + " after deregistering it");
        }
        verified.add(instanceId + " is registered in no target group");
        return verified;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, Plan plan,
            String groupId, List<String> verified, Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("isolationGroupId", groupId);
        details.put("vpcId", plan.vpcId());
        details.put("originalGroups", plan.original());
        plan.membership().ifPresent(m -> details.put("autoScaling", m.details()));
        details.put("targetRegistrations",
                plan.registrations().stream().map(Registration::details).toList());
        details.put("originalAttributes", Map.of(
                "disableApiTermination", plan.attributes().terminationProtected(),
                "disableApiStop", plan.attributes().stopProtected(),
                "instanceInitiatedShutdownBehavior",
                String.valueOf(plan.attributes().shutdownBehavior())));
        plan.profile().ifPresent(arn -> details.put("instanceProfileArn", arn));
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary, details, verified, started, clock().instant());
    }

    private void tag(String resourceId, Tag... tags) {
        AwsErrors.run("CreateTags", () -> ec2.createTags(request -> request
                .resources(resourceId).tags(tags)));
    }

    private static List<String> groupIds(NetworkInterface eni) {
        return eni.groups().stream().map(GroupIdentifier::groupId).toList();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}

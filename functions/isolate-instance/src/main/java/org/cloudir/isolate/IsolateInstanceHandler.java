package org.cloudir.isolate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Cuts an instance off the network: every network interface is moved into the VPC's isolation
 * security group, which has no rules, and termination protection is turned on so the evidence
 * cannot be destroyed. Each interface's original groups are tagged on it before the change, so
 * recovery can restore them and a repeated run never overwrites them with the isolation group.
 */
public final class IsolateInstanceHandler extends ActionHandler {
    static final String ACTION = "isolate-instance";
    static final String ORIGINAL_GROUPS_TAG = "ir:original-groups";
    static final String ISOLATED_BY_TAG = "ir:isolated-by";

    private final Ec2Client ec2;
    private final IsolationGroups isolationGroups;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public IsolateInstanceHandler() {
        this(Env.system());
    }

    public IsolateInstanceHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(), env, Clock.systemUTC());
    }

    public IsolateInstanceHandler(Ec2Client ec2, Env env, Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.isolationGroups = new IsolationGroups(ec2);
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

        List<NetworkInterface> interfaces = interfacesOf(instanceId);
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would move " + interfaces.size()
                    + " network interfaces into the isolation group of " + vpcId,
                    isolationGroups.find(vpcId).orElse("(to be created)"), vpcId,
                    originalGroups(interfaces, ""), List.of(), started);
        }

        String groupId = isolationGroups.ensure(vpcId, incident.incidentId());
        Map<String, List<String>> original = originalGroups(interfaces, groupId);
        boolean changed = isolate(incident, interfaces, groupId, original);
        changed |= protectFromTermination(instanceId);
        List<String> verified = verify(instanceId, interfaces.size(), groupId);
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                changed ? "isolated " + interfaces.size() + " network interfaces in " + groupId
                        : "already isolated in " + groupId,
                groupId, vpcId, original, verified, started);
    }

    private static String requireVpc(Instance instance) {
        if (instance.vpcId() == null) {
            throw new ResourceNotFoundException("instance " + instance.instanceId()
                    + " has no VPC, so it has no network interfaces to isolate");
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
     * already moved it, otherwise its current groups (never the isolation group itself).
     */
    private static Map<String, List<String>> originalGroups(
            List<NetworkInterface> interfaces, String isolationGroupId) {
        Map<String, List<String>> original = new LinkedHashMap<>();
        for (NetworkInterface eni : interfaces) {
            String recorded = Ec2Instances.tags(eni.tagSet()).get(ORIGINAL_GROUPS_TAG);
            List<String> groups = recorded != null && !recorded.isBlank()
                    ? List.of(recorded.split(","))
                    : eni.groups().stream().map(GroupIdentifier::groupId)
                            .filter(id -> !id.equals(isolationGroupId)).toList();
            original.put(eni.networkInterfaceId(), groups);
        }
        return original;
    }

    private boolean isolate(Incident incident, List<NetworkInterface> interfaces,
            String groupId, Map<String, List<String>> original) {
        boolean changed = false;
        for (NetworkInterface eni : interfaces) {
            List<String> current = eni.groups().stream().map(GroupIdentifier::groupId).toList();
            if (current.equals(List.of(groupId))) {
                continue;
            }
            // Record first: if the change below fails midway, recovery still knows the groups.
            AwsErrors.run("CreateTags", () -> ec2.createTags(request -> request
                    .resources(eni.networkInterfaceId())
                    .tags(tag(ORIGINAL_GROUPS_TAG,
                                    String.join(",", original.get(eni.networkInterfaceId()))),
                            tag(ISOLATED_BY_TAG, incident.incidentId()))));
            AwsErrors.run("ModifyNetworkInterfaceAttribute", () -> ec2
                    .modifyNetworkInterfaceAttribute(request -> request
                            .networkInterfaceId(eni.networkInterfaceId())
                            .groups(groupId)));
            changed = true;
        }
        return changed;
    }

    private boolean protectFromTermination(String instanceId) {
        if (terminationProtected(instanceId)) {
            return false;
        }
        AwsErrors.run("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(request ->
                request.instanceId(instanceId).disableApiTermination(value -> value.value(true))));
        return true;
    }

    private boolean terminationProtected(String instanceId) {
        return Boolean.TRUE.equals(AwsErrors.call("DescribeInstanceAttribute", () -> ec2
                .describeInstanceAttribute(request -> request.instanceId(instanceId)
                        .attribute("disableApiTermination"))
                .disableApiTermination().value()));
    }

    private List<String> verify(String instanceId, int interfaceCount, String groupId) {
        List<String> verified = new ArrayList<>();
        List<NetworkInterface> reread = interfacesOf(instanceId);
        if (reread.size() != interfaceCount) {
            throw new VerificationFailedException("instance " + instanceId + " had "
                    + interfaceCount + " network interfaces and now has " + reread.size()
                    + "; isolate it again");
        }
        for (NetworkInterface eni : reread) {
            List<String> groups = eni.groups().stream().map(GroupIdentifier::groupId).toList();
            if (!groups.equals(List.of(groupId))) {
                throw new VerificationFailedException("network interface "
                        + eni.networkInterfaceId() + " of " + instanceId + " is in " + groups
                        + " after isolation; expected only " + groupId);
            }
            verified.add(eni.networkInterfaceId() + " is in " + groupId + " only");
        }
        verified.add(isolationGroups.verifyEmpty(groupId));
        if (!terminationProtected(instanceId)) {
            throw new VerificationFailedException("termination protection of " + instanceId
                    + " is still off after enabling it");
        }
        verified.add("termination protection of " + instanceId + " is on");
        return verified;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            String groupId, String vpcId, Map<String, List<String>> original,
            List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary,
                Map.of("isolationGroupId", groupId, "vpcId", vpcId, "originalGroups", original),
                verified, started, clock().instant());
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}

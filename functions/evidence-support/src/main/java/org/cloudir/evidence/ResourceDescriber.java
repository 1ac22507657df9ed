package org.cloudir.evidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.core.model.ResourceRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Describes an incident's resource as evidence: for an instance its state, interfaces,
 * security groups with their rules, volumes, termination and stop protection and shutdown
 * behaviour; for an access key the user's keys and their status. A resource that cannot be
 * read is described by the error, so evidence collection never blocks containment.
 */
public final class ResourceDescriber {
    private final Ec2Client ec2;
    private final IamClient iam;

    public ResourceDescriber(Ec2Client ec2, IamClient iam) {
        this.ec2 = ec2;
        this.iam = iam;
    }

    public Map<String, Object> describe(ResourceRef resource) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("type", resource.type().wireName());
        description.put("id", resource.key());
        try {
            switch (resource.type()) {
                case INSTANCE -> describeInstance(resource.id(), description);
                case ACCESS_KEY -> describeKeys(resource.userName(), description);
                default -> description.put("note", "no description for this kind of resource");
            }
        } catch (SdkException e) {
            description.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return description;
    }

    /**
     * Lists inbound rules open to any address in a description made by {@link #describe},
     * e.g. "tcp 22-22 from 0.0.0.0/0 in sg-1".
     */
    @SuppressWarnings("unchecked")
    public static List<String> exposures(Map<String, Object> description) {
        List<String> open = new ArrayList<>();
        for (Object group : (List<Object>) description.getOrDefault("securityGroups",
                List.of())) {
            Map<String, Object> g = (Map<String, Object>) group;
            for (Object rule : (List<Object>) g.getOrDefault("inbound", List.of())) {
                Map<String, Object> r = (Map<String, Object>) rule;
                List<Object> ranges = (List<Object>) r.getOrDefault("cidrs", List.of());
                if (ranges.contains("0.0.0.0/0") || ranges.contains("::/0")) {
                    open.add(r.get("protocol") + " " + r.get("fromPort") + "-" + r.get("toPort")
                            + " from " + (ranges.contains("0.0.0.0/0") ? "0.0.0.0/0" : "::/0")
                            + " in " + g.get("groupId"));
                }
            }
        }
        return open;
    }

    private void describeInstance(String instanceId, Map<String, Object> out) {
        Instance instance = ec2.describeInstances(request -> request.instanceIds(instanceId))
                .reservations().get(0).instances().get(0);
        out.put("state", instance.state().nameAsString());
        out.put("instanceType", instance.instanceTypeAsString());
        out.put("imageId", instance.imageId());
        out.put("vpcId", instance.vpcId());
        out.put("subnetId", instance.subnetId());
        out.put("privateIpAddress", instance.privateIpAddress());
        out.put("publicIpAddress", instance.publicIpAddress());
        out.put("iamInstanceProfile", instance.iamInstanceProfile() == null ? null
                : instance.iamInstanceProfile().arn());
        out.put("tags", tags(instance.tags()));
        out.put("volumes", instance.blockDeviceMappings().stream()
                .map(mapping -> Map.of("device", mapping.deviceName(),
                        "volumeId", mapping.ebs().volumeId()))
                .toList());
        List<NetworkInterface> interfaces = ec2.describeNetworkInterfaces(request -> request
                .filters(filter -> filter.name("attachment.instance-id").values(instanceId)))
                .networkInterfaces();
        out.put("networkInterfaces", interfaces.stream()
                .map(eni -> Map.of("networkInterfaceId", eni.networkInterfaceId(),
                        "groups", eni.groups().stream().map(g -> g.groupId()).sorted().toList(),
                        "tags", tags(eni.tagSet())))
                .toList());
        List<String> groupIds = interfaces.stream()
                .flatMap(eni -> eni.groups().stream().map(g -> g.groupId()))
                .distinct().sorted().toList();
        out.put("securityGroups", groupIds.isEmpty() ? List.of()
                : ec2.describeSecurityGroups(request -> request.groupIds(groupIds))
                        .securityGroups().stream().map(ResourceDescriber::group).toList());
        out.put("disableApiTermination", ec2.describeInstanceAttribute(request -> request
                .instanceId(instanceId).attribute("disableApiTermination"))
                .disableApiTermination().value());
        // Recovery verifies these two against this record as well.
        out.put("disableApiStop", ec2.describeInstanceAttribute(request -> request
                .instanceId(instanceId).attribute("disableApiStop")).disableApiStop().value());
        out.put("instanceInitiatedShutdownBehavior", ec2.describeInstanceAttribute(request ->
                request.instanceId(instanceId).attribute("instanceInitiatedShutdownBehavior"))
                .instanceInitiatedShutdownBehavior().value());
    }

    private static Map<String, Object> group(SecurityGroup group) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("groupId", group.groupId());
        out.put("groupName", group.groupName());
        out.put("inbound", group.ipPermissions().stream().map(ResourceDescriber::rule).toList());
        out.put("outbound", group.ipPermissionsEgress().stream().map(ResourceDescriber::rule)
                .toList());
        return out;
    }

    private static Map<String, Object> rule(IpPermission permission) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol", permission.ipProtocol());
        out.put("fromPort", permission.fromPort());
        out.put("toPort", permission.toPort());
        List<String> cidrs = new ArrayList<>();
        permission.ipRanges().forEach(range -> cidrs.add(range.cidrIp()));
        permission.ipv6Ranges().forEach(range -> cidrs.add(range.cidrIpv6()));
        out.put("cidrs", cidrs);
        out.put("groups", permission.userIdGroupPairs().stream().map(pair -> pair.groupId())
                .toList());
        return out;
    }

    private void describeKeys(String userName, Map<String, Object> out) {
        out.put("userName", userName);
        out.put("userArn", iam.getUser(request -> request.userName(userName)).user().arn());
        out.put("accessKeys", iam.listAccessKeys(request -> request.userName(userName))
                .accessKeyMetadata().stream()
                .map(key -> Map.of("accessKeyId", key.accessKeyId(),
                        "status", key.statusAsString(),
                        "createDate", String.valueOf(key.createDate())))
                .toList());
    }

    private static Map<String, String> tags(
            List<software.amazon.awssdk.services.ec2.model.Tag> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        tags.forEach(tag -> out.put(tag.key(), tag.value()));
        return out;
    }
}

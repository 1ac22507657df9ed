package org.cloudir.isolate;

import java.util.List;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.VerificationFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Finds or creates the two responder groups of a VPC: the isolation group (no inbound and no
 * outbound rules; EC2 gives every new group an allow-all outbound rule, which is revoked here)
 * and the untracking group (all traffic in and out, IPv4 and IPv6), the first step of isolation.
 */
final class IsolationGroups {
    static final String NAME_PREFIX = "ir-isolation-";
    static final String UNTRACKING_PREFIX = "ir-untracking-";
    private static final String ANY_IPV4 = "0.0.0.0/0";
    private static final String ANY_IPV6 = "::/0";

    private final Ec2Client ec2;

    IsolationGroups(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    Optional<String> find(String vpcId) {
        return describe(NAME_PREFIX, vpcId).map(SecurityGroup::groupId);
    }

    /** Returns the VPC's isolation group id, creating it (rule-free) on first use. */
    String ensure(String vpcId, String incidentId) {
        SecurityGroup group = describe(NAME_PREFIX, vpcId).orElseGet(() -> create(NAME_PREFIX,
                vpcId, incidentId, "Incident response isolation: no inbound or outbound traffic"));
        removeRules(group);
        return group.groupId();
    }

    /**
     * Returns the VPC's untracking group id, creating it on first use with rules that allow all
     * traffic from and to 0.0.0.0/0 and ::/0. EC2 does not track connections through a group
     * whose rules allow everything both ways, so an interface moved here first loses its
     * connection-tracking entries; the rule-free isolation group then blocks every flow at once.
     * Moving straight to the isolation group would let already tracked sessions (an attacker's
     * open shell) continue, because security-group changes never end tracked connections.
     */
    String ensureUntracking(String vpcId, String incidentId) {
        SecurityGroup group = describe(UNTRACKING_PREFIX, vpcId).orElseGet(() -> create(
                UNTRACKING_PREFIX, vpcId, incidentId,
                "Incident response first step: all traffic, so connections become untracked"));
        List<IpPermission> wanted = List.of(allTraffic());
        if (!covers(group.ipPermissions())) {
            authorize("AuthorizeSecurityGroupIngress", () -> ec2
                    .authorizeSecurityGroupIngress(request -> request.groupId(group.groupId())
                            .ipPermissions(missing(group.ipPermissions()))));
        }
        if (!covers(group.ipPermissionsEgress())) {
            authorize("AuthorizeSecurityGroupEgress", () -> ec2
                    .authorizeSecurityGroupEgress(request -> request.groupId(group.groupId())
                            .ipPermissions(missing(group.ipPermissionsEgress()))));
        }
        verifyAllTraffic(group.groupId(), wanted);
        return group.groupId();
    }

    private void verifyAllTraffic(String groupId, List<IpPermission> wanted) {
        SecurityGroup group = AwsErrors.call("DescribeSecurityGroups", () -> ec2
                .describeSecurityGroups(request -> request.groupIds(groupId))
                .securityGroups().get(0));
        if (!covers(group.ipPermissions()) || !covers(group.ipPermissionsEgress())) {
            throw new VerificationFailedException("untracking group " + groupId + " does not"
                    + " allow all traffic from and to 0.0.0.0/0 and ::/0; expected " + wanted);
        }
    }

    private static IpPermission allTraffic() {
        return IpPermission.builder().ipProtocol("-1")
                .ipRanges(IpRange.builder().cidrIp(ANY_IPV4).build())
                .ipv6Ranges(Ipv6Range.builder().cidrIpv6(ANY_IPV6).build())
                .build();
    }

    /** Returns the all-traffic permission limited to the ranges the rules do not have yet. */
    private static IpPermission missing(List<IpPermission> rules) {
        IpPermission.Builder permission = IpPermission.builder().ipProtocol("-1");
        if (!hasRange(rules, ANY_IPV4)) {
            permission.ipRanges(IpRange.builder().cidrIp(ANY_IPV4).build());
        }
        if (!hasRange(rules, ANY_IPV6)) {
            permission.ipv6Ranges(Ipv6Range.builder().cidrIpv6(ANY_IPV6).build());
        }
        return permission.build();
    }

    private static boolean covers(List<IpPermission> rules) {
        return hasRange(rules, ANY_IPV4) && hasRange(rules, ANY_IPV6);
    }

    private static boolean hasRange(List<IpPermission> rules, String cidr) {
        return rules.stream().filter(rule -> "-1".equals(rule.ipProtocol())).anyMatch(rule ->
                rule.ipRanges().stream().anyMatch(range -> cidr.equals(range.cidrIp()))
                        || rule.ipv6Ranges().stream()
                                .anyMatch(range -> cidr.equals(range.cidrIpv6())));
    }

    String verifyEmpty(String groupId) {
        SecurityGroup group = AwsErrors.call("DescribeSecurityGroups", () -> ec2
                .describeSecurityGroups(request -> request.groupIds(groupId))
                .securityGroups().get(0));
        if (!group.ipPermissions().isEmpty() || !group.ipPermissionsEgress().isEmpty()) {
            throw new VerificationFailedException("isolation group " + groupId + " has rules ("
                    + group.ipPermissions().size() + " inbound, "
                    + group.ipPermissionsEgress().size() + " outbound); expected none");
        }
        return "isolation group " + groupId + " has no inbound or outbound rules";
    }

    private Optional<SecurityGroup> describe(String prefix, String vpcId) {
        List<SecurityGroup> groups = AwsErrors.call("DescribeSecurityGroups", () -> ec2
                .describeSecurityGroups(request -> request.filters(
                        filter -> filter.name("vpc-id").values(vpcId),
                        filter -> filter.name("group-name").values(prefix + vpcId)))
                .securityGroups());
        return groups.stream().findFirst();
    }

    private SecurityGroup create(String prefix, String vpcId, String incidentId,
            String description) {
        try {
            ec2.createSecurityGroup(request -> request
                    .groupName(prefix + vpcId)
                    .description(description)
                    .vpcId(vpcId)
                    .tagSpecifications(spec -> spec.resourceType(ResourceType.SECURITY_GROUP)
                            .tags(tag -> tag.key("ir:managed").value("true"),
                                    tag -> tag.key("Name").value(prefix + vpcId),
                                    tag -> tag.key("ir:created-for").value(incidentId))));
        } catch (SdkException e) {
            // Another incident in the same VPC may have created it a moment ago: use that one.
            if (!"InvalidGroup.Duplicate".equals(AwsErrors.code(e))) {
                throw AwsErrors.classify(e, "CreateSecurityGroup in " + vpcId);
            }
        }
        return describe(prefix, vpcId).orElseThrow(() -> new VerificationFailedException(
                prefix + vpcId + " group is missing right after creating it"));
    }

    private void removeRules(SecurityGroup group) {
        List<IpPermission> egress = group.ipPermissionsEgress();
        if (!egress.isEmpty()) {
            revoke("RevokeSecurityGroupEgress", () -> ec2.revokeSecurityGroupEgress(
                    request -> request.groupId(group.groupId()).ipPermissions(egress)));
        }
        List<IpPermission> ingress = group.ipPermissions();
        if (!ingress.isEmpty()) {
            revoke("RevokeSecurityGroupIngress", () -> ec2.revokeSecurityGroupIngress(
                    request -> request.groupId(group.groupId()).ipPermissions(ingress)));
        }
    }

    /**
     * Revokes rules read a moment ago. Another incident in the same VPC may have revoked them
     * in between (a storm of findings): a rule already gone is what this wants, and the
     * verification re-reads the group anyway.
     */
    private static void revoke(String operation, Runnable call) {
        try {
            call.run();
        } catch (SdkException e) {
            if (!"InvalidPermission.NotFound".equals(AwsErrors.code(e))) {
                throw AwsErrors.classify(e, operation);
            }
        }
    }

    /**
     * Adds rules read as missing a moment ago. Another incident in the same VPC may have added
     * them in between (a storm of findings): a rule already there is what this wants, and the
     * verification re-reads the group anyway.
     */
    private static void authorize(String operation, Runnable call) {
        try {
            call.run();
        } catch (SdkException e) {
            if (!"InvalidPermission.Duplicate".equals(AwsErrors.code(e))) {
                throw AwsErrors.classify(e, operation);
            }
        }
    }
}

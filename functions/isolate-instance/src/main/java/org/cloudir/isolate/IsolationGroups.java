package org.cloudir.isolate;

import java.util.ArrayList;
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
 * Both are read together, once before acting and once to verify, to keep the calls few.
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

    /**
     * Holds the responder groups of a VPC as one read found them; absent when not created yet.
     */
    record Groups(Optional<SecurityGroup> isolation, Optional<SecurityGroup> untracking) {
        Optional<String> isolationId() {
            return isolation.map(SecurityGroup::groupId);
        }
    }

    /** Names the groups an isolation uses; the untracking one only when interfaces move. */
    record Ensured(String isolationId, Optional<String> untrackingId) {
    }

    /** Reads both responder groups of a VPC in one call. */
    Groups read(String vpcId) {
        List<SecurityGroup> groups = AwsErrors.call("DescribeSecurityGroups", () -> ec2
                .describeSecurityGroups(request -> request.filters(
                        filter -> filter.name("vpc-id").values(vpcId),
                        filter -> filter.name("group-name").values(NAME_PREFIX + vpcId,
                                UNTRACKING_PREFIX + vpcId)))
                .securityGroups());
        return new Groups(named(groups, NAME_PREFIX + vpcId),
                named(groups, UNTRACKING_PREFIX + vpcId));
    }

    private static Optional<SecurityGroup> named(List<SecurityGroup> groups, String name) {
        return groups.stream().filter(group -> name.equals(group.groupName())).findFirst();
    }

    /**
     * Makes the groups ready, starting from what {@link #read} found a moment ago in this
     * invocation: creates the missing ones and reads them back (one call for both), empties
     * the isolation group (EC2 gives every new group an allow-all outbound rule) and, when
     * interfaces are to move, opens the untracking group to all traffic from and to 0.0.0.0/0
     * and ::/0. EC2 does not track connections through a group whose rules allow everything
     * both ways, so an interface moved there first loses its connection-tracking entries; the
     * rule-free isolation group then blocks every flow at once. Moving straight to the
     * isolation group would let already tracked sessions (an attacker's open shell) continue,
     * because security-group changes never end tracked connections. {@link #verify} re-reads
     * both groups once the interfaces have moved.
     */
    Ensured ensure(Groups known, String vpcId, String incidentId, boolean withUntracking) {
        boolean created = false;
        if (known.isolation().isEmpty()) {
            create(NAME_PREFIX, vpcId, incidentId,
                    "Incident response isolation: no inbound or outbound traffic");
            created = true;
        }
        if (withUntracking && known.untracking().isEmpty()) {
            create(UNTRACKING_PREFIX, vpcId, incidentId,
                    "Incident response first step: all traffic, so connections become"
                            + " untracked");
            created = true;
        }
        Groups groups = created ? read(vpcId) : known;
        SecurityGroup isolation = groups.isolation().orElseThrow(() -> missing(NAME_PREFIX,
                vpcId));
        removeRules(isolation);
        if (!withUntracking) {
            return new Ensured(isolation.groupId(), Optional.empty());
        }
        SecurityGroup untracking = groups.untracking().orElseThrow(() -> missing(
                UNTRACKING_PREFIX, vpcId));
        openToAll(untracking);
        return new Ensured(isolation.groupId(), Optional.of(untracking.groupId()));
    }

    private static VerificationFailedException missing(String prefix, String vpcId) {
        return new VerificationFailedException(prefix + vpcId + " group is missing right"
                + " after creating it");
    }

    private void openToAll(SecurityGroup group) {
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
    }

    /**
     * Re-reads the groups in one call and fails unless the isolation group has no rules and
     * the untracking group, when this run used it, allows all traffic both ways.
     */
    List<String> verify(Ensured groups) {
        List<String> ids = new ArrayList<>();
        ids.add(groups.isolationId());
        groups.untrackingId().ifPresent(ids::add);
        List<SecurityGroup> found = AwsErrors.call("DescribeSecurityGroups", () -> ec2
                .describeSecurityGroups(request -> request.groupIds(ids)).securityGroups());
        List<String> verified = new ArrayList<>();
        verified.add(verifyEmpty(byId(found, groups.isolationId())));
        groups.untrackingId().ifPresent(id -> verified.add(verifyAllTraffic(byId(found, id))));
        return verified;
    }

    private static SecurityGroup byId(List<SecurityGroup> groups, String groupId) {
        return groups.stream().filter(group -> groupId.equals(group.groupId())).findFirst()
                .orElseThrow(() -> new VerificationFailedException("security group " + groupId
                        + " is missing when re-read after isolation"));
    }

    private static String verifyAllTraffic(SecurityGroup group) {
        if (!covers(group.ipPermissions()) || !covers(group.ipPermissionsEgress())) {
            throw new VerificationFailedException("untracking group " + group.groupId()
                    + " does not allow all traffic from and to 0.0.0.0/0 and ::/0; expected "
                    + List.of(allTraffic()));
        }
        return "untracking group " + group.groupId() + " allows all traffic both ways";
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

    private static String verifyEmpty(SecurityGroup group) {
        if (!group.ipPermissions().isEmpty() || !group.ipPermissionsEgress().isEmpty()) {
            throw new VerificationFailedException("isolation group " + group.groupId()
                    + " has rules (" + group.ipPermissions().size() + " inbound, "
                    + group.ipPermissionsEgress().size() + " outbound); expected none");
        }
        return "isolation group " + group.groupId() + " has no inbound or outbound rules";
    }

    private void create(String prefix, String vpcId, String incidentId, String description) {
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

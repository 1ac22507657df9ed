package org.cloudir.posture.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.posture.model.IngressRule;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/** Reads and changes one security group's ingress rules and the responder's record tag. */
public final class GroupRules {
    /** Names the incident whose revoke-open-ingress removed rules from the group. */
    public static final String REVOKED_BY_TAG = "ir:open-ingress-revoked-by";

    private final Ec2Client ec2;

    public GroupRules(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** Returns the group's tags; fails with ResourceNotFoundException when it does not exist. */
    public Map<String, String> tags(String groupId) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            ec2.describeSecurityGroups(request -> request.groupIds(groupId)).securityGroups()
                    .forEach(group -> group.tags().forEach(tag -> tags.put(tag.key(),
                            tag.value())));
            return tags;
        } catch (SdkException e) {
            if (AwsErrors.code(e).startsWith("InvalidGroup")) {
                throw new ResourceNotFoundException("security group " + groupId + " does not"
                        + " exist (or is not in this account and region)", e);
            }
            throw AwsErrors.classify(e, "DescribeSecurityGroups " + groupId);
        }
    }

    /**
     * Returns the group's ingress rules that allow an address range; rules naming another
     * group or a prefix list are left out, as no call opening a port to everyone makes them.
     */
    public List<IngressRule> ingress(String groupId) {
        List<SecurityGroupRule> rules = AwsErrors.call("DescribeSecurityGroupRules", () -> ec2
                .describeSecurityGroupRulesPaginator(request -> request.filters(Filter.builder()
                        .name("group-id").values(groupId).build()))
                .securityGroupRules().stream().toList());
        List<IngressRule> ingress = new ArrayList<>();
        for (SecurityGroupRule rule : rules) {
            String cidr = rule.cidrIpv4() != null ? rule.cidrIpv4() : rule.cidrIpv6();
            if (!Boolean.TRUE.equals(rule.isEgress()) && cidr != null
                    && groupId.equals(rule.groupId())) {
                ingress.add(new IngressRule(rule.securityGroupRuleId(), rule.ipProtocol(),
                        port(rule.fromPort()), port(rule.toPort()), cidr, rule.description()));
            }
        }
        return ingress;
    }

    public void revoke(String groupId, List<String> ruleIds) {
        AwsErrors.run("RevokeSecurityGroupIngress", () -> ec2.revokeSecurityGroupIngress(
                request -> request.groupId(groupId).securityGroupRuleIds(ruleIds)));
    }

    /** Authorizes the rules again, one permission per rule, each with its description. */
    public void authorize(String groupId, List<IngressRule> rules) {
        List<IpPermission> permissions = rules.stream().map(GroupRules::permission).toList();
        AwsErrors.run("AuthorizeSecurityGroupIngress", () -> ec2.authorizeSecurityGroupIngress(
                request -> request.groupId(groupId).ipPermissions(permissions)));
    }

    public void tag(String groupId, String key, String value) {
        AwsErrors.run("CreateTags", () -> ec2.createTags(request -> request.resources(groupId)
                .tags(tag -> tag.key(key).value(value))));
    }

    public void untag(String groupId, String key) {
        AwsErrors.run("DeleteTags", () -> ec2.deleteTags(request -> request.resources(groupId)
                .tags(tag -> tag.key(key))));
    }

    private static IpPermission permission(IngressRule rule) {
        IpPermission.Builder permission = IpPermission.builder().ipProtocol(rule.ipProtocol());
        if (!"-1".equals(rule.ipProtocol())) {
            permission.fromPort(rule.fromPort()).toPort(rule.toPort());
        }
        if (rule.isIpv6()) {
            permission.ipv6Ranges(Ipv6Range.builder().cidrIpv6(rule.cidr())
                    .description(rule.description()).build());
        } else {
            permission.ipRanges(IpRange.builder().cidrIp(rule.cidr())
                    .description(rule.description()).build());
        }
        return permission.build();
    }

    private static int port(Integer port) {
        return port == null ? -1 : port;
    }
}

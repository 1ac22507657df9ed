package org.cloudir.isolate;

import java.util.List;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.VerificationFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Finds or creates the one isolation security group of a VPC: no inbound rules and no
 * outbound rules. EC2 gives every new group an allow-all outbound rule, which is revoked here.
 */
final class IsolationGroups {
    static final String NAME_PREFIX = "ir-isolation-";

    private final Ec2Client ec2;

    IsolationGroups(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    Optional<String> find(String vpcId) {
        return describe(vpcId).map(SecurityGroup::groupId);
    }

    /** Returns the VPC's isolation group id, creating it (rule-free) on first use. */
    String ensure(String vpcId, String incidentId) {
        SecurityGroup group = describe(vpcId).orElseGet(() -> create(vpcId, incidentId));
        removeRules(group);
        return group.groupId();
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

    private Optional<SecurityGroup> describe(String vpcId) {
        List<SecurityGroup> groups = AwsErrors.call("DescribeSecurityGroups", () -> ec2
                .describeSecurityGroups(request -> request.filters(
                        filter -> filter.name("vpc-id").values(vpcId),
                        filter -> filter.name("group-name").values(NAME_PREFIX + vpcId)))
                .securityGroups());
        return groups.stream().findFirst();
    }

    private SecurityGroup create(String vpcId, String incidentId) {
        try {
            ec2.createSecurityGroup(request -> request
                    .groupName(NAME_PREFIX + vpcId)
                    .description("Incident response isolation: no inbound or outbound traffic")
                    .vpcId(vpcId)
                    .tagSpecifications(spec -> spec.resourceType(ResourceType.SECURITY_GROUP)
                            .tags(tag -> tag.key("ir:managed").value("true"),
                                    tag -> tag.key("Name").value(NAME_PREFIX + vpcId),
                                    tag -> tag.key("ir:created-for").value(incidentId))));
        } catch (SdkException e) {
            // Another incident in the same VPC may have created it a moment ago: use that one.
            if (!"InvalidGroup.Duplicate".equals(AwsErrors.code(e))) {
                throw AwsErrors.classify(e, "CreateSecurityGroup in " + vpcId);
            }
        }
        return describe(vpcId).orElseThrow(() -> new VerificationFailedException(
                "isolation group for " + vpcId + " is missing right after creating it"));
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
}

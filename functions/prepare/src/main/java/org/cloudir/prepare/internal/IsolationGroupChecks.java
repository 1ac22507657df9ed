package org.cloudir.prepare.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.readiness.ReadinessCheck;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * Checks, per VPC, that the two groups instance isolation moves interfaces into exist:
 * {@code ir-untracking-<vpc>} and {@code ir-isolation-<vpc>} (the names isolate-instance uses).
 * Missing groups are only reported: isolate-instance creates them on first use, but then needs
 * CreateSecurityGroup during the incident and adds a step to the first containment.
 */
public final class IsolationGroupChecks {
    public static final String NAME = "isolation-groups";
    static final String ISOLATION_PREFIX = "ir-isolation-";
    static final String UNTRACKING_PREFIX = "ir-untracking-";

    private final Ec2Client ec2;

    public IsolationGroupChecks(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public List<ReadinessCheck> checks(String region) {
        List<Vpc> vpcs;
        Set<String> groups = new HashSet<>();
        try {
            vpcs = AwsErrors.call("DescribeVpcs", () -> ec2.describeVpcsPaginator(request -> { })
                    .vpcs().stream().toList());
            AwsErrors.call("DescribeSecurityGroups", () -> ec2.describeSecurityGroupsPaginator(
                    request -> request.filters(filter -> filter.name("group-name")
                            .values(ISOLATION_PREFIX + "*", UNTRACKING_PREFIX + "*")))
                    .securityGroups().stream().toList())
                    .forEach(group -> groups.add(key(group)));
        } catch (RuntimeException e) {
            return List.of(Failures.unknown(NAME, "VPCs and security groups in " + region, e));
        }
        if (vpcs.isEmpty()) {
            return List.of(ReadinessCheck.ok(NAME, "no VPC in " + region));
        }
        List<ReadinessCheck> checks = new ArrayList<>();
        for (Vpc vpc : vpcs) {
            String vpcId = vpc.vpcId();
            List<String> missing = new ArrayList<>();
            for (String prefix : List.of(UNTRACKING_PREFIX, ISOLATION_PREFIX)) {
                if (!groups.contains(vpcId + "/" + prefix + vpcId)) {
                    missing.add(prefix + vpcId);
                }
            }
            String name = NAME + ":" + vpcId;
            checks.add(missing.isEmpty()
                    ? ReadinessCheck.ok(name, "both responder groups exist in " + vpcId)
                    : ReadinessCheck.missing(name, "missing " + String.join(" and ", missing)
                            + "; isolate-instance would create them during the first"
                            + " containment in this VPC"));
        }
        return checks;
    }

    private static String key(SecurityGroup group) {
        return group.vpcId() + "/" + group.groupName();
    }
}

package org.cloudir.core.readiness;

import java.util.List;

/**
 * Lists what each automated playbook's function must be allowed to do, so the readiness probe
 * can simulate the deployed roles against it. Only unconditioned grants are listed: a
 * simulation without request context cannot satisfy the template's tag conditions.
 */
public final class ResponderPermissions {

    /**
     * One function role to check.
     *
     * @param variable the environment variable holding the role's ARN
     * @param resource the resource ARN simulated, with {partition}, {region} and {account}
     *     filled in from the role and the function's region
     */
    public record Requirement(String function, String variable, List<String> actions,
            String resource) {

        public Requirement {
            actions = List.copyOf(actions);
        }

        /** Returns the resource ARN for a partition, region and account. */
        public String resourceArn(String partition, String region, String account) {
            return resource.replace("{partition}", partition).replace("{region}", region)
                    .replace("{account}", account);
        }
    }

    /** The roles the containment playbooks run under, and what each must be able to do. */
    public static final List<Requirement> PLAYBOOK_ROLES = List.of(
            new Requirement("snapshot-volumes", "SNAPSHOT_VOLUMES_ROLE_ARN",
                    List.of("ec2:DescribeInstances", "ec2:DescribeSnapshots",
                            "ec2:CreateSnapshots"),
                    "arn:{partition}:ec2:{region}:{account}:instance/*"),
            new Requirement("isolate-instance", "ISOLATE_INSTANCE_ROLE_ARN",
                    List.of("ec2:DescribeInstances", "ec2:ModifyInstanceAttribute",
                            "ec2:ModifyNetworkInterfaceAttribute",
                            "ec2:DisassociateIamInstanceProfile"),
                    "arn:{partition}:ec2:{region}:{account}:instance/*"),
            new Requirement("disable-access-key", "DISABLE_ACCESS_KEY_ROLE_ARN",
                    List.of("iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:PutUserPolicy",
                            "iam:GetUserPolicy"),
                    "arn:{partition}:iam::{account}:user/*"));

    private ResponderPermissions() {
    }
}

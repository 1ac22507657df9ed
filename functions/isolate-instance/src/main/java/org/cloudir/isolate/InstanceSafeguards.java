package org.cloudir.isolate;

import java.util.List;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.VerificationFailedException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceAttributeResponse;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;

/**
 * Reads and sets the instance attributes that keep evidence alive and take away the
 * instance's own AWS credentials: termination and stop protection, the shutdown behaviour
 * (stop, so a shutdown from inside does not terminate), and the instance profile association.
 */
final class InstanceSafeguards {
    static final String SHUTDOWN_STOP = "stop";
    static final Attributes SAFE = new Attributes(true, true, SHUTDOWN_STOP);

    private final Ec2Client ec2;

    InstanceSafeguards(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** Holds the attributes recovery needs to put back. */
    record Attributes(boolean terminationProtected, boolean stopProtected,
            String shutdownBehavior) {
        boolean safe() {
            return terminationProtected && stopProtected && SHUTDOWN_STOP.equals(shutdownBehavior);
        }

        /** Formats the attributes as the short tag value recovery reads back with parse. */
        String format() {
            return "termination=" + terminationProtected + ",stop=" + stopProtected
                    + ",shutdown=" + shutdownBehavior;
        }

        static Attributes parse(String value) {
            java.util.Map<String, String> parts = new java.util.HashMap<>();
            for (String part : value.split(",")) {
                String[] pair = part.split("=", 2);
                parts.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
            return new Attributes(Boolean.parseBoolean(parts.get("termination")),
                    Boolean.parseBoolean(parts.get("stop")), parts.get("shutdown"));
        }
    }

    Attributes read(String instanceId) {
        Boolean termination = attribute(instanceId,
                InstanceAttributeName.DISABLE_API_TERMINATION).disableApiTermination().value();
        Boolean stop = attribute(instanceId, InstanceAttributeName.DISABLE_API_STOP)
                .disableApiStop().value();
        String shutdown = attribute(instanceId,
                InstanceAttributeName.INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR)
                .instanceInitiatedShutdownBehavior().value();
        return new Attributes(Boolean.TRUE.equals(termination), Boolean.TRUE.equals(stop),
                shutdown);
    }

    /** Sets each attribute that differs from the wanted value. */
    void apply(String instanceId, Attributes wanted, Attributes current) {
        if (wanted.terminationProtected() != current.terminationProtected()) {
            AwsErrors.run("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(r -> r
                    .instanceId(instanceId)
                    .disableApiTermination(value -> value.value(wanted.terminationProtected()))));
        }
        if (wanted.stopProtected() != current.stopProtected()) {
            AwsErrors.run("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(r -> r
                    .instanceId(instanceId)
                    .disableApiStop(value -> value.value(wanted.stopProtected()))));
        }
        if (wanted.shutdownBehavior() != null
                && !wanted.shutdownBehavior().equals(current.shutdownBehavior())) {
            // The Attribute/Value form of the call; EC2 accepts it for this attribute.
            AwsErrors.run("ModifyInstanceAttribute", () -> ec2.modifyInstanceAttribute(r -> r
                    .instanceId(instanceId)
                    .attribute(InstanceAttributeName.INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR)
                    .value(wanted.shutdownBehavior())));
        }
    }

    /** Re-reads the attributes and fails unless they are the wanted ones. */
    Attributes verify(String instanceId, Attributes wanted) {
        Attributes now = read(instanceId);
        if (!now.equals(wanted)) {
            throw new VerificationFailedException("instance " + instanceId + " attributes are "
                    + now + " after setting them; expected " + wanted);
        }
        return now;
    }

    Optional<IamInstanceProfileAssociation> profileAssociation(String instanceId) {
        List<IamInstanceProfileAssociation> found = AwsErrors.call(
                "DescribeIamInstanceProfileAssociations", () -> ec2
                        .describeIamInstanceProfileAssociations(request -> request.filters(
                                filter -> filter.name("instance-id").values(instanceId)))
                        .iamInstanceProfileAssociations());
        return found.stream()
                .filter(association -> "associated".equals(association.stateAsString())
                        || "associating".equals(association.stateAsString()))
                .findFirst();
    }

    void disassociate(IamInstanceProfileAssociation association) {
        AwsErrors.run("DisassociateIamInstanceProfile", () -> ec2
                .disassociateIamInstanceProfile(request -> request
                        .associationId(association.associationId())));
    }

    void associate(String instanceId, String profileArn) {
        AwsErrors.run("AssociateIamInstanceProfile", () -> ec2
                .associateIamInstanceProfile(request -> request.instanceId(instanceId)
                        .iamInstanceProfile(profile -> profile.arn(profileArn))));
    }

    private DescribeInstanceAttributeResponse attribute(String instanceId,
            InstanceAttributeName name) {
        return AwsErrors.call("DescribeInstanceAttribute " + name, () -> ec2
                .describeInstanceAttribute(request -> request.instanceId(instanceId)
                        .attribute(name)));
    }
}

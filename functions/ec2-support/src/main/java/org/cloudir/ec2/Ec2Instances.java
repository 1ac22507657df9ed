package org.cloudir.ec2;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.ResourceNotFoundException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Looks up instances, turning EC2's not-found errors into {@link ResourceNotFoundException}. */
public final class Ec2Instances {
    private Ec2Instances() {
    }

    public static Instance describe(Ec2Client ec2, String instanceId) {
        List<Instance> found;
        try {
            found = ec2.describeInstances(request -> request.instanceIds(instanceId))
                    .reservations().stream()
                    .map(Reservation::instances)
                    .flatMap(List::stream)
                    .toList();
        } catch (SdkException e) {
            if (AwsErrors.code(e).startsWith("InvalidInstanceID")) {
                throw notFound(instanceId, e);
            }
            throw AwsErrors.classify(e, "DescribeInstances " + instanceId);
        }
        if (found.isEmpty() || "terminated".equals(found.get(0).state().nameAsString())) {
            throw notFound(instanceId, null);
        }
        return found.get(0);
    }

    public static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    }

    private static ResourceNotFoundException notFound(String instanceId, Throwable cause) {
        return new ResourceNotFoundException("instance " + instanceId + " was not found (or is"
                + " terminated) in this account and region; check the finding's instance id",
                cause);
    }
}

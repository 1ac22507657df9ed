package org.cloudir.identify.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Describes an EC2 instance: where it runs, what it may do (its instance profile) and who owns it.
 *
 * @param instanceProfileRole the role of the instance profile, when the profile could be read
 * @param protectedResource true when the instance is tagged {@code ir:protected=true}
 * @param error why the instance could not be read (it is gone, or access was denied)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceFacts(String type, String instanceId, String state, Instant launchTime,
        String vpcId, String subnetId, String instanceProfileArn, String instanceProfileRole,
        Map<String, String> tags, Ownership owner, boolean protectedResource, String error)
        implements ResourceFacts {

    public InstanceFacts {
        tags = Map.copyOf(tags);
    }
}

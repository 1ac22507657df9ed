package org.cloudir.identify.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Describes an IAM user whose access key a finding names: who owns it, its keys, and what its
 * policies let it do.
 *
 * @param keys the named key, or every key of the user when the finding names none
 * @param attachedPolicies managed policies attached to the user itself
 * @param inlinePolicies names of the user's own inline policies
 * @param groups the user's groups, whose policies count towards {@code overPermissive}
 * @param overPermissive true when the user can do everything: AdministratorAccess, or a
 *     policy allowing every action on every resource, directly or through a group
 * @param overPermissiveReasons which policy made it so, one line each
 * @param error why the user could not be read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccessKeyFacts(String type, String userName, String accessKeyId,
        Map<String, String> tags, Ownership owner, boolean protectedResource, List<Key> keys,
        List<AttachedPolicy> attachedPolicies, List<String> inlinePolicies, List<String> groups,
        boolean overPermissive, List<String> overPermissiveReasons, String error)
        implements ResourceFacts {

    public AccessKeyFacts {
        tags = Map.copyOf(tags);
        keys = List.copyOf(keys);
        attachedPolicies = List.copyOf(attachedPolicies);
        inlinePolicies = List.copyOf(inlinePolicies);
        groups = List.copyOf(groups);
        overPermissiveReasons = List.copyOf(overPermissiveReasons);
    }

    /** One access key of the user: "Active" or "Inactive", and when it was created. */
    public record Key(String accessKeyId, String status, Instant createDate) {
    }

    /** One managed policy attached to the user. */
    public record AttachedPolicy(String name, String arn) {
    }
}

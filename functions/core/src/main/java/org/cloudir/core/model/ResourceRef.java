package org.cloudir.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Identifies the resource an incident is about.
 *
 * @param type what kind of resource it is
 * @param id the instance id or access key id; null for an access-key incident that covers
 *     every active key of {@code userName}
 * @param userName the IAM user owning the access key; null for other resources
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceRef(ResourceType type, String id, String userName) {

    public static ResourceRef instance(String instanceId) {
        return new ResourceRef(ResourceType.INSTANCE, instanceId, null);
    }

    public static ResourceRef accessKey(String accessKeyId, String userName) {
        return new ResourceRef(ResourceType.ACCESS_KEY, accessKeyId, userName);
    }

    public static ResourceRef other(String description) {
        return new ResourceRef(ResourceType.OTHER, description, null);
    }

    /** Returns a stable text naming the resource, used in incident ids and logs. */
    public String key() {
        if (type == ResourceType.ACCESS_KEY && id == null) {
            return "user/" + userName;
        }
        return id;
    }
}

package org.cloudir.identify.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names who owns a resource and how that was found.
 *
 * @param source "tag:Owner" (or the tag that named it), "instance-profile-role", or "none"
 */
public record Ownership(String owner, String source) {
    /** Tags that name an owner, tried in this order. */
    public static final List<String> OWNER_TAGS = List.of("Owner", "owner", "Team", "team",
            "Contact");
    public static final String UNKNOWN = "unknown";

    /** Returns the owner a tag names, if any tag does. */
    public static Optional<Ownership> fromTags(Map<String, String> tags) {
        return OWNER_TAGS.stream()
                .filter(key -> tags.containsKey(key) && !tags.get(key).isBlank())
                .findFirst()
                .map(key -> new Ownership(tags.get(key).trim(), "tag:" + key));
    }

    public static Ownership unknown() {
        return new Ownership(UNKNOWN, "none");
    }
}

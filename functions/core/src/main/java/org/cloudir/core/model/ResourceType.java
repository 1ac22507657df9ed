package org.cloudir.core.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Names the kind of resource an incident is about; the containment machine branches on it. */
public enum ResourceType {
    INSTANCE("Instance"),
    ACCESS_KEY("AccessKey"),
    OTHER("Other");

    private final String wireName;

    ResourceType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}

package org.cloudir.core.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Names the response a triaged incident gets. */
public enum Playbook {
    /** Snapshot the instance's volumes, then move it into an isolation security group. */
    CONTAIN_INSTANCE("contain-instance"),
    /** Deactivate an IAM user's long-term access key. */
    DISABLE_ACCESS_KEY("disable-access-key"),
    /** Record and notify only: nothing is changed automatically. */
    NOTIFY_ONLY("notify-only");

    private final String wireName;

    Playbook(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}

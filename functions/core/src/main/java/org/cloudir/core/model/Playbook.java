package org.cloudir.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * Names the response a triaged incident gets. Only playbooks marked automated may run without
 * a person; the catalogue gates the others, and the containment machine carries out the gated
 * posture playbooks once a person approves (see GatePolicy).
 */
public enum Playbook {
    /** Snapshot the instance's volumes, then move it into an isolation security group. */
    CONTAIN_INSTANCE("contain-instance", ResourceType.INSTANCE, true),
    /** Deactivate an IAM user's long-term access key. */
    DISABLE_ACCESS_KEY("disable-access-key", ResourceType.ACCESS_KEY, true),
    /** Record and notify only: nothing is changed automatically. */
    NOTIFY_ONLY("notify-only", null, true),
    /** Record the bucket's public access settings, then block public access (gated). */
    BLOCK_S3_PUBLIC_ACCESS("block-s3-public-access", ResourceType.OTHER, false),
    /** Turn logging or detection back on: StartLogging, a new detector (gated). */
    RESTORE_LOGGING("restore-logging", ResourceType.OTHER, false),
    /** Review what a principal created or was granted, and remove it (proposed only). */
    REVIEW_PRINCIPAL("review-principal", ResourceType.OTHER, false),
    /** Revoke a security group rule that opened an admin port to the internet (gated). */
    REVOKE_OPEN_INGRESS("revoke-open-ingress", ResourceType.OTHER, false),
    /** Revoke an instance role's active sessions (proposed only). */
    REVOKE_ROLE_SESSIONS("revoke-role-sessions", ResourceType.OTHER, false);

    private final String wireName;
    private final ResourceType resourceType;
    private final boolean automated;

    Playbook(String wireName, ResourceType resourceType, boolean automated) {
        this.wireName = wireName;
        this.resourceType = resourceType;
        this.automated = automated;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Returns the kind of resource the playbook acts on; empty for notify-only. */
    public Optional<ResourceType> resourceType() {
        return Optional.ofNullable(resourceType);
    }

    /** Returns true when the containment state machine carries this playbook out. */
    public boolean automated() {
        return automated;
    }

    /** Returns true when the playbook changes resources. */
    public boolean destructive() {
        return this != NOTIFY_ONLY;
    }

    /** Returns the playbook of a wire name, or throws IllegalArgumentException naming it. */
    @JsonCreator
    public static Playbook fromWireName(String wireName) {
        return Arrays.stream(values())
                .filter(playbook -> playbook.wireName.equals(wireName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown playbook '" + wireName
                        + "'; known: " + Arrays.stream(values()).map(Playbook::wireName).toList()));
    }
}

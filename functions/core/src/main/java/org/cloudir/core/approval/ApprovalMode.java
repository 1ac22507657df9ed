package org.cloudir.core.approval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Names how the deployment decides which response phases wait for a person. */
public enum ApprovalMode {
    /** Containment follows the catalogue's mode; eradication and recovery always wait. */
    PER_PLAYBOOK("per-playbook"),
    /** No phase waits: every gate is open (for test accounts and drills only). */
    AUTOMATIC("automatic"),
    /** Every phase waits for a person. */
    GATED("gated");

    /** The environment variable the mode is read from. */
    public static final String VARIABLE = "APPROVAL_MODE";

    private final String wireName;

    ApprovalMode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the mode a setting names; blank or null means {@link #PER_PLAYBOOK}.
     *
     * @throws IllegalArgumentException naming the setting and the values allowed
     */
    public static ApprovalMode parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return PER_PLAYBOOK;
        }
        return Arrays.stream(values())
                .filter(mode -> mode.wireName.equals(setting.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(VARIABLE + " is '" + setting
                        + "'; use one of " + Arrays.stream(values())
                                .map(ApprovalMode::wireName).toList()
                        + " (unset means per-playbook)"));
    }
}

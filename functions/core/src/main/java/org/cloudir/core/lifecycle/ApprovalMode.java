package org.cloudir.core.lifecycle;

import java.util.Arrays;

/**
 * Says which approval gates apply: those the playbook and severity call for, none, or all.
 * Set per deployment by the template's ApprovalMode parameter.
 */
public enum ApprovalMode {
    /** Gated playbooks, eradication and recovery wait for a person; the rest is automatic. */
    PER_PLAYBOOK("per-playbook"),
    /** Nothing waits for a person, eradication and recovery included. */
    AUTOMATIC("automatic"),
    /** Every gate waits for a person, automatic containment included. */
    GATED("gated");

    private final String wireName;

    ApprovalMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Returns the mode of a configured value, or throws IllegalArgumentException naming it. */
    public static ApprovalMode fromWireName(String value) {
        return Arrays.stream(values())
                .filter(mode -> mode.wireName.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("APPROVAL_MODE is '" + value
                        + "'; use one of "
                        + Arrays.stream(values()).map(ApprovalMode::wireName).toList()));
    }
}

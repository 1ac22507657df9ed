package org.cloudir.core.lifecycle;

/** Names the approval gates: one per phase whose actions may wait for a person. */
public enum Gate {
    /** Containment of a gated playbook, or beyond the blast-radius limit. */
    CONTAINMENT,
    /** Stopping the instance, deleting keys and attacker-made credentials. */
    ERADICATION,
    /** Re-opening access: restoring groups, keys and policies. */
    RECOVERY;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

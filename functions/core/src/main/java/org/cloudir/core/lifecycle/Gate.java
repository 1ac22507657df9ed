package org.cloudir.core.lifecycle;

/** Names the approval gates: one per phase whose actions may wait for a person. */
public enum Gate {
    /** Containment of a gated playbook, or beyond the blast-radius limit. */
    CONTAINMENT("containment"),
    /**
     * Quarantining the instance's whole subnet with a network ACL, when a run asks for it: it
     * cuts every other instance of the subnet too, so it always waits unless all is automatic.
     */
    SUBNET_QUARANTINE("subnetQuarantine"),
    /** Stopping the instance, deleting keys and attacker-made credentials. */
    ERADICATION("eradication"),
    /** Re-opening access: restoring groups, keys and policies. */
    RECOVERY("recovery");

    private final String wireName;

    Gate(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}

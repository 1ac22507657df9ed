package org.cloudir.lifecycle.internal;

/** Names where an approval gate stands. */
public enum ApprovalStatus {
    PENDING,
    APPROVED,
    REJECTED,
    /** The gate's wait ran out before anyone answered; the phase went on without acting. */
    TIMED_OUT
}

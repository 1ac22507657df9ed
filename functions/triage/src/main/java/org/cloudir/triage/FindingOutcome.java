package org.cloudir.triage;

/** Tells what one delivery of a finding did to the incidents. */
public enum FindingOutcome {
    /** The finding opened a new incident and started its response. */
    OPENED,
    /** The finding joined the incident already open for its resource. */
    JOINED,
    /** A later version of a finding already recorded (higher count or later activity). */
    UPDATED,
    /** The same version of a finding delivered again: nothing new. */
    DUPLICATE,
    /** A catalogue suppression fitted: recorded for audit, not answered. */
    SUPPRESSED
}

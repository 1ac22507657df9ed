package org.cloudir.core.model;

import java.time.Instant;

/**
 * Describes a triaged incident: the input of every response state machine.
 *
 * @param incidentId deterministic id, also the execution name, so a repeat cannot start twice
 * @param drill true when the finding is a GuardDuty sample; drills never change resources
 * @param dryRun true when actions must only report what they would do
 */
public record Incident(
        String incidentId,
        Playbook playbook,
        SeverityBand severityBand,
        boolean drill,
        boolean dryRun,
        ResourceRef resource,
        Finding finding,
        Instant triagedAt) {
}

package org.cloudir.core.model;

import java.time.Instant;

/**
 * Holds what the responder needs from one GuardDuty finding or one CloudTrail event.
 *
 * @param source "guardduty" or "cloudtrail"
 * @param id the GuardDuty finding id or the CloudTrail event id
 * @param type the GuardDuty finding type, or "CloudTrail:" plus the event source and name
 * @param sample true for GuardDuty sample findings, which name made-up resources
 */
public record Finding(
        String source,
        String id,
        String type,
        String title,
        double severity,
        String accountId,
        String region,
        Instant firstSeen,
        Instant lastSeen,
        int count,
        boolean sample,
        ResourceRef resource) {
}

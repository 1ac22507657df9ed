package org.cloudir.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Holds what the responder needs from one GuardDuty finding or one CloudTrail event.
 *
 * @param source "guardduty" or "cloudtrail"
 * @param id the GuardDuty finding id or the CloudTrail event id
 * @param type the GuardDuty finding type, or "CloudTrail:" plus the event source and name
 * @param sample true for GuardDuty sample findings, which name made-up resources
 * @param target what the call or finding says was changed, as the parser read and checked it
 *     (for instance {@code bucketName}, {@code trailName}, {@code groupId} with the permissions
 *     opened to everyone, {@code api}); empty when there is nothing a playbook acts on
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
        ResourceRef resource,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> target) {

    public Finding {
        target = target == null ? Map.of() : Map.copyOf(target);
    }

    /** Creates a finding that names no target beyond its resource. */
    public Finding(String source, String id, String type, String title, double severity,
            String accountId, String region, Instant firstSeen, Instant lastSeen, int count,
            boolean sample, ResourceRef resource) {
        this(source, id, type, title, severity, accountId, region, firstSeen, lastSeen, count,
                sample, resource, Map.of());
    }
}

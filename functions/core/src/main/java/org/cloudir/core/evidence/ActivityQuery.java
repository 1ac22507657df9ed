package org.cloudir.core.evidence;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.ResourceType;

/**
 * Asks for the API activity of a principal and a resource in a time window around a finding.
 *
 * @param principal the IAM user name (or role session) the finding names, if any
 * @param resourceName the resource id the finding names, if any
 */
public record ActivityQuery(Optional<String> principal, Optional<String> resourceName,
        Instant from, Instant to) {

    /**
     * Asks for the activity of the incident's IAM user (for a key incident) and resource, from
     * {@code margin} before the activity was first seen to {@code margin} after it was last seen.
     */
    public static ActivityQuery around(Incident incident, Duration margin) {
        Finding finding = incident.finding();
        Instant first = Optional.ofNullable(finding.firstSeen()).orElse(incident.triagedAt());
        Instant last = Optional.ofNullable(finding.lastSeen()).orElse(incident.triagedAt());
        Optional<String> principal = incident.resource().type() == ResourceType.ACCESS_KEY
                ? Optional.ofNullable(incident.resource().userName()) : Optional.empty();
        Optional<String> resource = incident.resource().type() == ResourceType.OTHER
                ? Optional.empty() : Optional.ofNullable(incident.resource().id());
        return new ActivityQuery(principal, resource, first.minus(margin), last.plus(margin));
    }
}

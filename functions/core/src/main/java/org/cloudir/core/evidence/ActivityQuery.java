package org.cloudir.core.evidence;

import java.time.Instant;
import java.util.Optional;

/**
 * Asks for the API activity of a principal and a resource in a time window around a finding.
 *
 * @param principal the IAM user name (or role session) the finding names, if any
 * @param resourceName the resource id the finding names, if any
 */
public record ActivityQuery(Optional<String> principal, Optional<String> resourceName,
        Instant from, Instant to) {
}

package org.cloudir.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Reports one action on one resource: what was done, what recovery needs, and what was checked.
 *
 * @param details facts recovery or a responder needs (original security groups, snapshot ids)
 * @param verified the checks that re-read the resource after acting, in plain words
 */
public record ActionResult(
        String action,
        String incidentId,
        String resourceId,
        Outcome outcome,
        String summary,
        Map<String, Object> details,
        List<String> verified,
        Instant startedAt,
        Instant finishedAt) {

    public ActionResult {
        details = Map.copyOf(details);
        verified = List.copyOf(verified);
    }
}

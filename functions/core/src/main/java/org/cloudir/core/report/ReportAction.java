package org.cloudir.core.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Describes one recorded action for the report.
 *
 * @param actor "automation" or "person:NAME" for an action a person approved
 * @param verified the checks that re-read the resource after acting
 */
public record ReportAction(String action, String actor, String resourceId, String outcome,
        String summary, Instant startedAt, Instant finishedAt, List<String> verified,
        Map<String, Object> details) {

    public ReportAction {
        verified = List.copyOf(verified);
        details = Map.copyOf(details);
    }
}

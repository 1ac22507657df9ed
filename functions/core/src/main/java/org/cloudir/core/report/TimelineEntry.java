package org.cloudir.core.report;

import java.time.Instant;

/**
 * Marks one moment of an incident: the activity, its detection, triage, each action,
 * containment and the report.
 *
 * @param kind one of activity, detection, triage, evidence, action, failure, containment,
 *     report
 */
public record TimelineEntry(Instant at, String kind, String label, String detail) {
}

package org.cloudir.core.report;

import java.time.Instant;

/**
 * Holds the incident's key moments and the durations between them, in seconds.
 *
 * @param detected when the finding reported the activity last seen
 * @param contained when the last containment action finished; null when nothing was contained
 * @param timeToRecoverSeconds null: recovery is a person's decision and not run automatically
 */
public record ReportTimes(Instant activityFirstSeen, Instant detected, Instant triaged,
        Instant contained, Double timeToTriageSeconds, Double timeToContainSeconds,
        Double timeToRecoverSeconds) {
}

package org.cloudir.core.report;

import java.time.Instant;

/**
 * Reports one phase run of the incident: which phase, which execution, when it began and
 * ended, and how (SUCCEEDED, FAILED, DRY_RUN, REJECTED or TIMED_OUT at its gate).
 *
 * @param finishedAt null while the run is still going
 * @param outcome null while the run is still going
 */
public record ReportPhase(String phase, String run, Instant startedAt, Instant finishedAt,
        String outcome) {
}

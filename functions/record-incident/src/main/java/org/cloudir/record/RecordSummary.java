package org.cloudir.record;

/**
 * Reports what one recording step wrote.
 *
 * @param status where the incident stands now, after every run so far
 * @param runOutcome how this run ended: SUCCEEDED, FAILED, DRY_RUN, REJECTED or TIMED_OUT
 * @param written entries added now
 * @param alreadyRecorded entries that an earlier attempt had written already
 */
public record RecordSummary(String incidentId, IncidentStatus status, String runOutcome,
        int written, int alreadyRecorded) {
}

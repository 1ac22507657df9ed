package org.cloudir.record;

/**
 * Reports what one recording step wrote.
 *
 * @param written entries added now
 * @param alreadyRecorded entries that an earlier attempt had written already
 */
public record RecordSummary(
        String incidentId, IncidentStatus status, int written, int alreadyRecorded) {
}

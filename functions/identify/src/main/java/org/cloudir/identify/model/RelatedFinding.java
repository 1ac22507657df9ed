package org.cloudir.identify.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Names another finding recorded on this incident, or on an earlier incident of the same
 * resource, merged from the recording step's and triage's entries in the incident table.
 *
 * @param incidentId the incident the finding belongs to
 * @param sameIncident false for findings of an earlier incident on the same resource
 * @param count the highest occurrence count recorded
 * @param lastSeen the latest activity recorded, ISO-8601
 * @param deliveries how often triage received it, when triage recorded it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RelatedFinding(String incidentId, boolean sameIncident, String source, String id,
        String type, Double severity, Integer count, String lastSeen, String catalogueEntry,
        String triageMode, String playbook, String proposedPlaybook, Integer deliveries) {
}

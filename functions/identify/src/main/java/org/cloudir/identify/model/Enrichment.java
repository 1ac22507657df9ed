package org.cloudir.identify.model;

import java.time.Instant;
import java.util.List;

/**
 * Holds what identification adds to an incident before any phase acts: the resource and its
 * owner, the activity around the finding, related findings, and which phases wait for a person.
 */
public record Enrichment(String incidentId, ResourceFacts resource, ActivityOverview activity,
        List<RelatedFinding> relatedFindings, ResponseDecision decision, Instant enrichedAt) {

    public Enrichment {
        relatedFindings = List.copyOf(relatedFindings);
    }
}

package org.cloudir.evidence.collect;

import java.time.Instant;

/**
 * Reports what the evidence step stored; the report step reads it from the execution state.
 *
 * @param alreadyCollected true when an earlier attempt had stored the evidence already
 */
public record EvidenceSummary(String incidentId, String bucket, String manifestKey,
        int objects, Instant collectedAt, boolean alreadyCollected) {
}

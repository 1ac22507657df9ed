package org.cloudir.lifecycle.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * Describes one approval gate of one phase run: what it proposes, and the task token that
 * completes it. The token is a capability: whoever holds it can answer the gate.
 *
 * @param run the execution name of the phase run that waits
 * @param decidedBy who approved or rejected it, once decided
 */
public record PendingApproval(
        String incidentId,
        String phase,
        String gate,
        String run,
        String taskToken,
        String proposal,
        Instant requestedAt,
        Instant expiresAt,
        ApprovalStatus status,
        Optional<String> decidedBy) {
}

package org.cloudir.core.lifecycle;

import java.util.List;
import java.util.Map;

/**
 * Says how one phase run proceeds: which playbook it carries out, whether each gate waits for a
 * person, how long a gate waits, and why. The first state of every machine computes it, so a
 * manual run gets the same gates as an automatic one.
 *
 * @param playbook the playbook the phase carries out: the incident's own, or the one triage
 *     proposed for a gated catalogue entry
 * @param gates gate name to true when that gate waits for approval
 * @param approvalTimeoutSeconds how long a gate waits before the phase goes on without acting
 * @param reasons one plain sentence per gate decision
 */
public record PhasePlan(
        Phase phase,
        String incidentId,
        String playbook,
        String approvalMode,
        Map<String, Boolean> gates,
        int approvalTimeoutSeconds,
        List<String> reasons) {

    public PhasePlan {
        gates = Map.copyOf(gates);
        reasons = List.copyOf(reasons);
    }
}

package org.cloudir.identify.model;

import java.util.List;
import java.util.Map;

/**
 * Says which phases of the incident wait for a person, as the phases' own first states will
 * decide it (the same gate policy), so a responder sees it before containment acts.
 *
 * @param responseMode "automatic" when containment starts without a person, otherwise
 *     "needs-approval"; eradication and recovery may still wait at their own gates
 */
public record ResponseDecision(String mode, Map<String, Boolean> gates, List<String> reasons,
        String responseMode) {

    public ResponseDecision {
        gates = Map.copyOf(gates);
        reasons = List.copyOf(reasons);
    }
}

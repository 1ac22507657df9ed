package org.cloudir.core.approval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Says, for one incident, which response phases must wait for a person.
 *
 * @param gates per gate name, true when a person must approve before that phase acts
 * @param reasons per gate name, why it is open or closed, in plain words
 * @param responseMode "automatic" when containment starts without a person, else
 *     "needs-approval"; later phases may still wait at their own gates
 */
public record GateDecision(ApprovalMode mode, Map<String, Boolean> gates,
        Map<String, String> reasons, String responseMode) {

    public static final String AUTOMATIC = "automatic";
    public static final String NEEDS_APPROVAL = "needs-approval";

    public GateDecision {
        // Kept in phase order, so the JSON reads containment, eradication, recovery.
        gates = Collections.unmodifiableMap(new LinkedHashMap<>(gates));
        reasons = Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    }

    /** Returns true when the named gate waits for a person. */
    public boolean gated(String gate) {
        Boolean value = gates.get(gate);
        if (value == null) {
            throw new IllegalArgumentException("unknown gate '" + gate + "'; known: "
                    + GatePolicy.GATES);
        }
        return value;
    }
}

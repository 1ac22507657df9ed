package org.cloudir.core.approval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Mode;

/**
 * Decides which phases of an incident's response wait for a person. Containment follows the
 * playbook catalogue (a gated entry, or a playbook the state machine cannot carry out, waits);
 * eradication (stopping instances, deleting keys) and recovery always wait unless the mode is
 * automatic. Severity never opens a gate: a critical finding still leaves destructive steps to
 * a person. Drills and dry runs get the same gates as a real run, so a drill rehearses them.
 */
public final class GatePolicy {
    public static final String CONTAINMENT = "containment";
    public static final String ERADICATION = "eradication";
    public static final String RECOVERY = "recovery";
    /** The gate names, in the order the phases run. */
    public static final List<String> GATES = List.of(CONTAINMENT, ERADICATION, RECOVERY);

    private final ApprovalMode mode;

    /**
     * Creates the policy of a mode setting (the {@code APPROVAL_MODE} variable).
     *
     * @throws IllegalArgumentException when the setting names no mode
     */
    public GatePolicy(String modeSetting) {
        this.mode = ApprovalMode.parse(modeSetting);
    }

    public ApprovalMode mode() {
        return mode;
    }

    /**
     * Decides the gates of an incident.
     *
     * @param catalogueMode the catalogue entry's mode, as triage recorded it in the execution
     *     input; empty when the input does not say (a manual run), and then a playbook the state
     *     machine does not carry out counts as gated
     */
    public GateDecision decide(Incident incident, Optional<Mode> catalogueMode) {
        Map<String, Boolean> gates = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        switch (mode) {
            case AUTOMATIC -> GATES.forEach(gate -> {
                gates.put(gate, false);
                reasons.put(gate, "APPROVAL_MODE is automatic: no phase waits for a person");
            });
            case GATED -> GATES.forEach(gate -> {
                gates.put(gate, true);
                reasons.put(gate, "APPROVAL_MODE is gated: every phase waits for a person");
            });
            case PER_PLAYBOOK -> {
                containment(incident, catalogueMode, gates, reasons);
                gates.put(ERADICATION, true);
                reasons.put(ERADICATION, "destructive steps (stopping instances, deleting keys)"
                        + " always wait for a person, whatever the severity");
                gates.put(RECOVERY, true);
                reasons.put(RECOVERY, "restoring access is a person's decision");
            }
            default -> throw new IllegalStateException("unhandled approval mode " + mode);
        }
        return new GateDecision(mode, gates, reasons, gates.get(CONTAINMENT)
                ? GateDecision.NEEDS_APPROVAL : GateDecision.AUTOMATIC);
    }

    private static void containment(Incident incident, Optional<Mode> catalogueMode,
            Map<String, Boolean> gates, Map<String, String> reasons) {
        String playbook = incident.playbook().wireName();
        if (catalogueMode.filter(value -> value == Mode.GATED).isPresent()) {
            gates.put(CONTAINMENT, true);
            reasons.put(CONTAINMENT, "the catalogue entry is gated: its playbook is only"
                    + " proposed to a person");
        } else if (!incident.playbook().automated()) {
            gates.put(CONTAINMENT, true);
            reasons.put(CONTAINMENT, "playbook " + playbook + " is not carried out by the state"
                    + " machine, so a person acts");
        } else {
            gates.put(CONTAINMENT, false);
            reasons.put(CONTAINMENT, "playbook " + playbook + " runs automatically"
                    + catalogueMode.map(value -> " (catalogue mode " + value.wireName() + ")")
                            .orElse(""));
        }
    }
}

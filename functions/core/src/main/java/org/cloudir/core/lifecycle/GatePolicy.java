package org.cloudir.core.lifecycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cloudir.core.blast.BlastRadius;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.SeverityBand;

/**
 * Decides which approval gates apply to an incident: destructive or hard-to-undo steps wait
 * for a person unless the deployment says everything is automatic. In the per-playbook mode,
 * containment is automatic for the catalogue's automatic playbooks at medium severity and
 * above, within the blast-radius limit; gated catalogue entries, low severity and a limit
 * reached wait. Pure logic, so every machine's first state and the tests reach the same answer.
 */
public final class GatePolicy {
    /** The playbooks the containment machine carries out; the others are only recorded. */
    public static final Set<Playbook> CONTAINABLE = Set.of(Playbook.CONTAIN_INSTANCE,
            Playbook.DISABLE_ACCESS_KEY, Playbook.BLOCK_S3_PUBLIC_ACCESS,
            Playbook.RESTORE_LOGGING, Playbook.REVOKE_OPEN_INGRESS,
            Playbook.REVOKE_ROLE_SESSIONS);

    private final ApprovalMode mode;
    private final int approvalTimeoutSeconds;

    public GatePolicy(ApprovalMode mode, int approvalTimeoutSeconds) {
        if (approvalTimeoutSeconds < 1) {
            throw new IllegalArgumentException("approvalTimeoutSeconds is "
                    + approvalTimeoutSeconds + "; a gate must wait at least one second");
        }
        this.mode = mode;
        this.approvalTimeoutSeconds = approvalTimeoutSeconds;
    }

    /**
     * Plans one phase run.
     *
     * @param proposed the playbook triage proposed for a gated catalogue entry, if any
     * @param blastRadius the blast-radius verdict for containment, if one was taken
     */
    public PhasePlan plan(Phase phase, Incident incident, Optional<Playbook> proposed,
            Optional<BlastRadius.Decision> blastRadius) {
        Playbook playbook = incident.playbook();
        boolean gatedEntry = false;
        if (playbook == Playbook.NOTIFY_ONLY && proposed.isPresent()
                && proposed.get() != Playbook.NOTIFY_ONLY) {
            playbook = proposed.get();
            gatedEntry = true;
        }
        Map<String, Boolean> gates = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        if (incident.dryRun() || incident.drill()) {
            for (Gate gate : Gate.values()) {
                gates.put(gate.wireName(), false);
            }
            reasons.add("dry run: nothing is changed, so nothing waits for approval");
            return new PhasePlan(phase, incident.incidentId(), playbook.wireName(),
                    mode.wireName(), gates, approvalTimeoutSeconds, reasons);
        }
        gates.put(Gate.CONTAINMENT.wireName(), containmentGate(playbook, gatedEntry,
                incident.severityBand(), blastRadius, reasons));
        gates.put(Gate.SUBNET_QUARANTINE.wireName(), laterGate("subnet quarantine", reasons));
        gates.put(Gate.ERADICATION.wireName(), laterGate("eradication", reasons));
        gates.put(Gate.RECOVERY.wireName(), laterGate("recovery", reasons));
        return new PhasePlan(phase, incident.incidentId(), playbook.wireName(), mode.wireName(),
                gates, approvalTimeoutSeconds, reasons);
    }

    private boolean containmentGate(Playbook playbook, boolean gatedEntry, SeverityBand band,
            Optional<BlastRadius.Decision> blastRadius, List<String> reasons) {
        if (!CONTAINABLE.contains(playbook)) {
            reasons.add("containment: " + playbook.wireName() + " has no automated action;"
                    + " recorded for a person, nothing to approve");
            return false;
        }
        if (mode == ApprovalMode.AUTOMATIC) {
            reasons.add("containment: automatic (approval mode automatic)");
            return false;
        }
        if (mode == ApprovalMode.GATED) {
            reasons.add("containment: waits for approval (approval mode gated)");
            return true;
        }
        if (gatedEntry) {
            reasons.add("containment: " + playbook.wireName()
                    + " is gated in the playbook catalogue");
            return true;
        }
        if (band == SeverityBand.LOW) {
            reasons.add("containment: low severity, a person confirms before anything changes");
            return true;
        }
        if (blastRadius.isPresent() && !blastRadius.get().automatic()) {
            reasons.add("containment: " + blastRadius.get().reason());
            return true;
        }
        reasons.add("containment: automatic for " + playbook.wireName()
                + blastRadius.map(decision -> " (" + decision.reason() + ")").orElse(""));
        return false;
    }

    /**
     * Subnet quarantine, eradication and recovery cut others off, destroy or re-open: a person
     * decides unless everything is automatic.
     */
    private boolean laterGate(String phase, List<String> reasons) {
        if (mode == ApprovalMode.AUTOMATIC) {
            reasons.add(phase + ": automatic (approval mode automatic)");
            return false;
        }
        reasons.add(phase + ": waits for approval (destructive or re-opens access)");
        return true;
    }
}

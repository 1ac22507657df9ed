package org.cloudir.lifecycle;

import java.util.List;
import java.util.Map;

/**
 * Reports a phase run's plan to its state machine, which branches on {@code gates} and gives
 * each gate {@code approvalTimeoutSeconds} before it goes on without acting.
 *
 * @param run the phase run's execution name
 * @param playbook the playbook this run carries out
 * @param triage what triage noted (catalogue entry, mode, proposed playbook); empty when the
 *     run was started by hand
 * @param options the run's options as the phases that follow use them: the gate wait in
 *     seconds ({@code approvalTimeoutSeconds}) and, when asked for, {@code quarantineSubnet}
 */
public record BeganPhase(
        String phase,
        String incidentId,
        String run,
        String playbook,
        String approvalMode,
        Map<String, Boolean> gates,
        int approvalTimeoutSeconds,
        List<String> reasons,
        Map<String, Object> triage,
        Map<String, Object> options) {
}

package org.cloudir.record;

import java.util.List;
import java.util.Optional;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.Playbook;

/** Names where an incident stands after each phase run. */
public enum IncidentStatus {
    CONTAINED,
    DRY_RUN,
    NOTIFIED,
    FAILED,
    ERADICATED,
    RECOVERED,
    CLOSED;

    static IncidentStatus of(Incident incident, List<ActionResult> actions, boolean failed) {
        if (failed) {
            return FAILED;
        }
        if (incident.playbook() == Playbook.NOTIFY_ONLY || actions.isEmpty()) {
            return NOTIFIED;
        }
        if (actions.stream().anyMatch(action -> action.outcome() == Outcome.DRY_RUN)) {
            return DRY_RUN;
        }
        return CONTAINED;
    }

    /**
     * Returns the status a phase run leaves, or empty when the run leaves it as it was: an
     * identification run, a dry run, or a phase whose gate was rejected or timed out.
     *
     * @param skipped true when an approval gate was rejected or timed out
     */
    static Optional<IncidentStatus> after(String phase, Incident incident,
            List<ActionResult> actions, boolean failed, boolean skipped) {
        switch (phase) {
            case "containment":
                return Optional.of(of(incident, actions, failed));
            case "post-incident":
                return Optional.of(CLOSED);
            case "eradication", "recovery":
                if (failed) {
                    return Optional.of(FAILED);
                }
                boolean acted = actions.stream()
                        .anyMatch(action -> action.outcome() != Outcome.DRY_RUN);
                if (skipped || !acted) {
                    return Optional.empty();
                }
                return Optional.of(phase.equals("eradication") ? ERADICATED : RECOVERED);
            default:
                return Optional.empty();
        }
    }
}

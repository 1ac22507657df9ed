package org.cloudir.record;

import java.util.List;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.Playbook;

/** Names where an incident stands after its containment run. */
public enum IncidentStatus {
    CONTAINED,
    DRY_RUN,
    NOTIFIED,
    FAILED;

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
}

package org.cloudir.core.report;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.core.model.Incident;

/**
 * Gathers what a report is built from: the incident, its audit record and its evidence.
 *
 * @param status the incident record's status (CONTAINED, DRY_RUN, NOTIFIED, FAILED, ERADICATED,
 *     RECOVERED, CLOSED)
 * @param exposures open paths seen in the resource before containment, e.g. "tcp 22 from
 *     0.0.0.0/0 in sg-1", used as root-cause hints
 * @param evidenceCollectedAt when the pre-containment evidence was stored, if it was
 * @param phases the phase runs the incident record lists, in the order they began
 */
public record ReportInput(Incident incident, String status, List<String> findingIds,
        List<ReportAction> actions, List<ReportFailure> failures, Manifest manifest,
        ActivityTrail activity, List<String> exposures, Optional<Instant> evidenceCollectedAt,
        Instant now, List<ReportPhase> phases) {

    public ReportInput {
        phases = List.copyOf(phases);
        findingIds = List.copyOf(findingIds);
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
        exposures = List.copyOf(exposures);
    }

    /** Gathers a report's input for an incident whose record lists no phase runs. */
    public ReportInput(Incident incident, String status, List<String> findingIds,
            List<ReportAction> actions, List<ReportFailure> failures, Manifest manifest,
            ActivityTrail activity, List<String> exposures, Optional<Instant> evidenceCollectedAt,
            Instant now) {
        this(incident, status, findingIds, actions, failures, manifest, activity, exposures,
                evidenceCollectedAt, now, List.of());
    }
}

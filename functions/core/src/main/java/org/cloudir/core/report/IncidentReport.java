package org.cloudir.core.report;

import java.time.Instant;
import java.util.List;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.ResourceRef;

/**
 * Holds the post-incident report; its JSON form is checked against
 * {@code schemas/incident-report.schema.json}.
 *
 * @param principal the IAM identity involved, or "unknown" when the finding names none
 * @param phases each phase run of the incident with its times and outcome
 * @param evidence every evidence object with the SHA-256 the manifest holds for it
 */
public record IncidentReport(
        String schemaVersion,
        String incidentId,
        String status,
        Instant generatedAt,
        String summary,
        Finding finding,
        List<String> findingIds,
        String principal,
        List<ResourceRef> resources,
        String playbook,
        String severityBand,
        boolean drill,
        boolean dryRun,
        ReportTimes times,
        List<TimelineEntry> timeline,
        List<ReportPhase> phases,
        List<ReportAction> actions,
        List<ReportFailure> failures,
        String evidenceBucket,
        List<EvidenceItem> evidence,
        ActivitySummary activity,
        List<String> rootCauseHints,
        List<String> lessons,
        List<String> followUps) {

    public static final String SCHEMA_VERSION = "1";

    public IncidentReport {
        findingIds = List.copyOf(findingIds);
        resources = List.copyOf(resources);
        timeline = List.copyOf(timeline);
        phases = List.copyOf(phases);
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
        evidence = List.copyOf(evidence);
        rootCauseHints = List.copyOf(rootCauseHints);
        lessons = List.copyOf(lessons);
        followUps = List.copyOf(followUps);
    }
}

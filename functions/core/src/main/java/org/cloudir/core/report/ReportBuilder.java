package org.cloudir.core.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.core.model.ResourceType;

/** Builds the post-incident report from the audit record and the evidence manifest. */
public final class ReportBuilder {
    /** The containment actions; a later phase's actions do not count as containing. */
    private static final Set<String> CONTAINMENT_ACTIONS = Set.of(
            "snapshot-volumes", "isolate-instance", "disable-access-key");
    private static final Set<String> CONTAINED_OR_LATER = Set.of(
            "CONTAINED", "ERADICATED", "RECOVERED", "CLOSED");

    private ReportBuilder() {
    }

    public static IncidentReport build(ReportInput in) {
        Incident incident = in.incident();
        Finding finding = incident.finding();
        List<ReportAction> actions = in.actions().stream()
                .sorted(Comparator.comparing(ReportAction::startedAt)).toList();
        Instant contained = containedAt(in.status(), actions);
        ReportTimes times = new ReportTimes(finding.firstSeen(), finding.lastSeen(),
                incident.triagedAt(), contained,
                seconds(finding.lastSeen(), incident.triagedAt()),
                seconds(finding.lastSeen(), contained), null);
        return new IncidentReport(IncidentReport.SCHEMA_VERSION, incident.incidentId(),
                in.status(), in.now(), summary(incident, in.status(), actions),
                finding, in.findingIds(), principal(incident), List.of(incident.resource()),
                incident.playbook().wireName(), incident.severityBand().wireName(),
                incident.drill(), incident.dryRun(), times,
                timeline(in, actions, contained), in.phases(), actions, in.failures(),
                in.manifest().bucket(), in.manifest().items(),
                new ActivitySummary(in.activity().source(), in.activity().available(),
                        in.activity().note(), in.activity().events().size()),
                rootCauseHints(incident, in.exposures()), lessons(in, times),
                followUps(incident, in));
    }


    private static Instant containedAt(String status, List<ReportAction> actions) {
        if (!CONTAINED_OR_LATER.contains(status)) {
            return null;
        }
        return actions.stream()
                .filter(action -> CONTAINMENT_ACTIONS.contains(action.action())
                        && !"DRY_RUN".equals(action.outcome()))
                .map(ReportAction::finishedAt).max(Comparator.naturalOrder())
                .orElse(null);
    }

    private static String summary(Incident incident, String status, List<ReportAction> done) {
        Finding finding = incident.finding();
        String what = String.format(Locale.ROOT, "GuardDuty reported %s (severity %s %.1f) on"
                + " %s %s in account %s, %s.", finding.type(), incident.severityBand().wireName(),
                finding.severity(), incident.resource().type().wireName(),
                incident.resource().key(), finding.accountId(), finding.region());
        String response = switch (status) {
            case "CONTAINED" -> " The responder contained it automatically with "
                    + done.size() + " verified action(s).";
            case "DRY_RUN" -> " Dry run: the responder only reported what it would do.";
            case "NOTIFIED" -> " No automatic action applies; a person must decide.";
            case "ERADICATED" -> " The responder contained it and removed the attacker's"
                    + " foothold; recovery has not run.";
            case "RECOVERED" -> " The responder contained it, removed the foothold and put"
                    + " the resource back as recorded before the incident.";
            case "CLOSED" -> " The incident is closed; the phases below show what ran.";
            default -> " Containment failed; the failure is recorded below.";
        };
        return what + response + (incident.drill() ? " This was a drill." : "");
    }

    private static String principal(Incident incident) {
        ResourceRef resource = incident.resource();
        return resource.type() == ResourceType.ACCESS_KEY && resource.userName() != null
                ? "IAM user " + resource.userName() : "unknown";
    }

    private static List<TimelineEntry> timeline(ReportInput in, List<ReportAction> actions,
            Instant contained) {
        Finding finding = in.incident().finding();
        List<TimelineEntry> entries = new ArrayList<>();
        if (finding.firstSeen() != null) {
            entries.add(new TimelineEntry(finding.firstSeen(), "activity",
                    "Activity first seen", finding.type()));
        }
        if (finding.lastSeen() != null) {
            entries.add(new TimelineEntry(finding.lastSeen(), "detection",
                    "Finding reported", finding.source() + " finding " + finding.id()));
        }
        entries.add(new TimelineEntry(in.incident().triagedAt(), "triage", "Triaged",
                "incident " + in.incident().incidentId() + ", playbook "
                        + in.incident().playbook().wireName()));
        in.evidenceCollectedAt().ifPresent(at -> entries.add(new TimelineEntry(at, "evidence",
                "Evidence collected", "finding and resource description, before any change")));
        for (ReportAction action : actions) {
            entries.add(new TimelineEntry(action.startedAt(), "action",
                    "Action " + action.action(), action.outcome() + ": " + action.summary()));
        }
        for (ReportFailure failure : in.failures()) {
            entries.add(new TimelineEntry(failure.recordedAt(), "failure", "Failure",
                    failure.error()));
        }
        if (contained != null) {
            entries.add(new TimelineEntry(contained, "containment", "Contained",
                    "every action verified by re-reading the resource"));
        }
        entries.add(new TimelineEntry(in.now(), "report", "Report written",
                in.manifest().items().size() + " evidence objects hashed, then the report"));
        // A stable sort keeps same-instant entries in the order they happened.
        entries.sort(Comparator.comparing(TimelineEntry::at));
        return entries;
    }

    private static List<String> rootCauseHints(Incident incident, List<String> exposures) {
        List<String> hints = new ArrayList<>();
        String type = incident.finding().type();
        if (type.startsWith("Backdoor:EC2") || type.startsWith("CryptoCurrency:EC2")
                || type.startsWith("Trojan:EC2")) {
            hints.add("The instance talks to known attacker infrastructure: look for an"
                    + " exposed service, unpatched software or a leaked SSH key as the way in.");
        }
        if (type.startsWith("UnauthorizedAccess:IAMUser") || type.startsWith("CloudTrail:")) {
            hints.add("A long-term access key was used from an unexpected place: it has"
                    + " probably leaked (source code, CI logs, a laptop).");
        }
        for (String exposure : exposures) {
            hints.add("Open to the internet before containment: " + exposure + ".");
        }
        if (hints.isEmpty()) {
            hints.add("No automatic hint for " + type + "; start from the API activity and"
                    + " the finding's own details.");
        }
        return hints;
    }

    private static List<String> lessons(ReportInput in, ReportTimes times) {
        List<String> lessons = new ArrayList<>();
        if (times.timeToContainSeconds() != null) {
            lessons.add(String.format(Locale.ROOT, "Contained %.1f s after the finding was"
                    + " reported.", times.timeToContainSeconds()));
        }
        if (!in.failures().isEmpty()) {
            lessons.add("An action failed: read the failure, fix its cause, and contain by"
                    + " hand meanwhile.");
        }
        if (!in.activity().available()) {
            lessons.add("API activity could not be searched automatically ("
                    + in.activity().note() + ").");
        }
        if (lessons.isEmpty()) {
            lessons.add("Nothing unexpected in the automated response.");
        }
        return lessons;
    }

    private static List<String> followUps(Incident incident, ReportInput in) {
        List<String> followUps = new ArrayList<>();
        switch (incident.playbook()) {
            case CONTAIN_INSTANCE -> {
                followUps.add("Examine the evidence snapshots in a forensic account before"
                        + " deciding to rebuild the instance.");
                followUps.add("Rebuild from a clean image; restore the original groups from"
                        + " the ir:original-groups tags only for a clean instance.");
            }
            case DISABLE_ACCESS_KEY -> {
                followUps.add("Rotate the key: create a new one for the owner, then delete the"
                        + " disabled key.");
                followUps.add("Review what the key did since it leaked and revoke anything it"
                        + " created.");
            }
            case NOTIFY_ONLY -> followUps.add("Decide by hand how to contain "
                    + incident.resource().key() + ".");
            default -> { }
        }
        if (!in.activity().available()) {
            followUps.add("Search CloudTrail by hand for " + principal(incident) + " and "
                    + incident.resource().key() + " around " + incident.finding().lastSeen()
                    + ".");
        }
        followUps.add("Run `scripts/verify` on the evidence before sharing it.");
        return followUps;
    }

    private static Double seconds(Instant from, Instant to) {
        if (from == null || to == null) {
            return null;
        }
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}

package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Optional;
import org.cloudir.core.Json;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.core.model.ResourceType;
import org.cloudir.core.model.SeverityBand;

/**
 * Classifies a parsed finding into an incident through the playbook catalogue: id, severity
 * band, playbook, drill, dry run. A gated entry, an unlisted finding, or a finding naming no
 * resource its playbook can act on gets notify-only; the catalogue's playbook is then only
 * proposed.
 */
public final class Triage {
    private final EventParser parser = new EventParser();
    private final Clock clock;
    private final boolean dryRunByDefault;
    private final Catalogue catalogue;

    /**
     * Creates a triage step with the bundled catalogue.
     *
     * @param dryRunByDefault true when every response should only report what it would do
     */
    public Triage(Clock clock, boolean dryRunByDefault) {
        this(clock, dryRunByDefault, Catalogue.bundled());
    }

    public Triage(Clock clock, boolean dryRunByDefault, Catalogue catalogue) {
        this.clock = clock;
        this.dryRunByDefault = dryRunByDefault;
        this.catalogue = catalogue;
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    /** Parses and classifies one EventBridge event given as JSON text. */
    public Incident triage(String eventJson) {
        return decide(eventJson).incident();
    }

    /** Parses and classifies one event, reporting the catalogue entry and any suppression. */
    public TriageDecision decide(String eventJson) {
        JsonNode event = Json.parse(eventJson, "event");
        return decide(event, parser.parse(event));
    }

    /** Classifies a finding without its event: entries that look into the event never fit. */
    public Incident classify(Finding finding) {
        return decide(Json.mapper().createObjectNode(), finding).incident();
    }

    private TriageDecision decide(JsonNode event, Finding parsed) {
        String entry = Catalogue.UNLISTED;
        Playbook proposed = Playbook.NOTIFY_ONLY;
        Mode mode = Mode.AUTOMATIC;
        Finding finding = parsed;
        if (parsed.source().equals("guardduty")) {
            Optional<Catalogue.GuardDutyEntry> fit = catalogue.guardDutyEntry(parsed, event);
            if (fit.isPresent()) {
                entry = fit.get().name();
                proposed = fit.get().playbook();
                mode = fit.get().mode();
            }
        } else {
            Optional<Catalogue.CloudTrailEntry> fit = catalogue.cloudTrailEntry(event);
            if (fit.isPresent()) {
                entry = fit.get().name();
                proposed = fit.get().playbook();
                mode = fit.get().mode();
                finding = rated(parsed, fit.get(), event);
            }
        }
        Playbook playbook = mode == Mode.AUTOMATIC && actsOn(proposed, finding.resource())
                ? proposed : Playbook.NOTIFY_ONLY;
        return new TriageDecision(incident(finding, playbook), entry, mode, proposed,
                catalogue.suppression(finding, event));
    }

    private Incident incident(Finding finding, Playbook playbook) {
        boolean drill = finding.sample();
        return new Incident(
                IncidentIds.of(finding),
                playbook,
                SeverityBand.of(finding.severity()),
                drill,
                dryRunByDefault || drill,
                finding.resource(),
                finding,
                clock.instant());
    }

    /** A destructive playbook needs the kind of resource it acts on; anything else notifies. */
    private static boolean actsOn(Playbook playbook, ResourceRef resource) {
        return playbook.resourceType().map(type -> type == resource.type()).orElse(true);
    }

    /**
     * Gives a CloudTrail call its entry's severity and names its resource by the entry's
     * fields, so several calls on one bucket or trail join one incident.
     */
    private static Finding rated(Finding call, Catalogue.CloudTrailEntry entry, JsonNode event) {
        ResourceRef resource = call.resource();
        if (resource.type() == ResourceType.OTHER && entry.resourceKind() != null) {
            for (String field : entry.resourceFields()) {
                JsonNode value = event.path("detail").at("/" + field.replace(".", "/"));
                if (value.isTextual() && !value.asText().isBlank()) {
                    resource = ResourceRef.other(entry.resourceKind() + "/" + value.asText());
                    break;
                }
            }
        }
        return new Finding(call.source(), call.id(), call.type(), call.title(),
                Math.max(call.severity(), entry.severity()), call.accountId(), call.region(),
                call.firstSeen(), call.lastSeen(), call.count(), call.sample(), resource,
                call.target());
    }
}

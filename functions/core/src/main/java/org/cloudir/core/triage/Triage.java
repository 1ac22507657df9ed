package org.cloudir.core.triage;

import java.time.Clock;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceType;
import org.cloudir.core.model.SeverityBand;

/** Classifies a parsed finding into an incident: id, severity band, playbook, drill, dry run. */
public final class Triage {
    private final EventParser parser = new EventParser();
    private final Clock clock;
    private final boolean dryRunByDefault;

    /**
     * Creates a triage step.
     *
     * @param dryRunByDefault true when every response should only report what it would do
     */
    public Triage(Clock clock, boolean dryRunByDefault) {
        this.clock = clock;
        this.dryRunByDefault = dryRunByDefault;
    }

    /** Parses and classifies one EventBridge event given as JSON text. */
    public Incident triage(String eventJson) {
        return classify(parser.parse(eventJson));
    }

    public Incident classify(Finding finding) {
        boolean drill = finding.sample();
        return new Incident(
                IncidentIds.of(finding),
                playbook(finding.resource().type()),
                SeverityBand.of(finding.severity()),
                drill,
                dryRunByDefault || drill,
                finding.resource(),
                finding,
                clock.instant());
    }

    private static Playbook playbook(ResourceType type) {
        return switch (type) {
            case INSTANCE -> Playbook.CONTAIN_INSTANCE;
            case ACCESS_KEY -> Playbook.DISABLE_ACCESS_KEY;
            case OTHER -> Playbook.NOTIFY_ONLY;
        };
    }
}

package org.cloudir.evidence.collect;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Log;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.core.model.Incident;
import org.cloudir.core.notify.Notification;
import org.cloudir.core.notify.NotificationKind;
import org.cloudir.core.triage.IncidentInput;
import org.cloudir.evidence.EvidenceClients;
import org.cloudir.evidence.EvidenceStore;
import org.cloudir.evidence.Notifier;
import org.cloudir.evidence.ResourceDescriber;

/**
 * Opens an incident's evidence before anything is changed: stores the finding and a
 * description of the resource in the evidence bucket, records each object's SHA-256 in the
 * manifest, and tells people the incident is open. API activity is searched later, by the
 * report step, so that slow and rate-limited lookups never delay containment. A retried
 * attempt finds the manifest and stores nothing twice.
 */
public final class CollectEvidenceHandler extends JsonFunction<EvidenceSummary> {
    private final Log log = Log.forClass(CollectEvidenceHandler.class);
    private final EvidenceStore store;
    private final ResourceDescriber describer;
    private final Notifier notifier;
    private final Clock clock;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public CollectEvidenceHandler() {
        this(Env.system());
    }

    public CollectEvidenceHandler(Env env) {
        this(EvidenceClients.create(env), env, Clock.systemUTC());
    }

    public CollectEvidenceHandler(EvidenceClients clients, Env env, Clock clock) {
        this.store = new EvidenceStore(clients.s3(), env.require("EVIDENCE_BUCKET"), clock);
        this.describer = new ResourceDescriber(clients.ec2(), clients.iam());
        this.notifier = new Notifier(clients.sns(), env.require("NOTIFICATION_TOPIC_ARN"));
        this.clock = clock;
    }


    /** Collects the evidence of the incident in the request; the local worker calls this. */
    @Override
    public EvidenceSummary handle(JsonNode request) {
        Incident incident = IncidentInput.read(request);
        Manifest manifest = store.manifest(incident.incidentId());
        if (manifest.item(Manifest.prefixFor(incident.incidentId()) + "finding.json")
                .isPresent()) {
            log.info("evidence already collected", "incidentId", incident.incidentId(),
                    "objects", manifest.items().size());
            return summary(incident, manifest, manifest.updatedAt(), true);
        }

        Instant now = clock.instant();
        manifest = manifest.with(store.putJson(incident.incidentId(), "finding.json", "finding",
                Map.of("incident", incident, "finding", incident.finding())), now);
        manifest = manifest.with(store.putJson(incident.incidentId(),
                "before/resource.json", "resource-before",
                describer.describe(incident.resource())), now);
        EvidenceItem written = store.writeManifest(manifest);

        notifier.publish(Notification.of(NotificationKind.OPENED, incident,
                "Evidence is stored in s3://" + store.bucket() + "/"
                        + Manifest.prefixFor(incident.incidentId()) + "; playbook "
                        + incident.playbook().wireName() + " runs next."));
        log.info("evidence collected", "incidentId", incident.incidentId(),
                "objects", manifest.items().size(), "manifestSha256", written.sha256());
        return summary(incident, manifest, now, false);
    }

    private EvidenceSummary summary(Incident incident, Manifest manifest, Instant collectedAt,
            boolean already) {
        return new EvidenceSummary(incident.incidentId(), store.bucket(),
                Manifest.keyFor(incident.incidentId()), manifest.items().size(), collectedAt,
                already);
    }
}

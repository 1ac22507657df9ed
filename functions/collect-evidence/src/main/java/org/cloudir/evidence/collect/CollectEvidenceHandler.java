package org.cloudir.evidence.collect;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.Log;
import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.ResourceType;
import org.cloudir.core.notify.Notification;
import org.cloudir.core.notify.NotificationKind;
import org.cloudir.core.triage.IncidentInput;
import org.cloudir.evidence.EvidenceClients;
import org.cloudir.evidence.EvidenceStore;
import org.cloudir.evidence.Notifier;
import org.cloudir.evidence.ResourceDescriber;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

/**
 * Opens an incident's evidence before anything is changed: stores the finding, a description
 * of the resource and the API activity around the finding time in the evidence bucket, records
 * each object's SHA-256 in the manifest, and tells people the incident is open. A retried
 * attempt finds the manifest and stores nothing twice.
 */
public final class CollectEvidenceHandler implements RequestStreamHandler {
    /** API activity is searched this long before the activity was first seen and after. */
    static final Duration ACTIVITY_WINDOW = Duration.ofHours(1);

    private final Log log = Log.forClass(CollectEvidenceHandler.class);
    private final EvidenceStore store;
    private final ResourceDescriber describer;
    private final ActivityLookup activity;
    private final Notifier notifier;
    private final Clock clock;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public CollectEvidenceHandler() {
        this(Env.system());
    }

    public CollectEvidenceHandler(Env env) {
        this(EvidenceClients.create(env), activityLookup(env), env, Clock.systemUTC());
    }

    public CollectEvidenceHandler(EvidenceClients clients, ActivityLookup activity, Env env,
            Clock clock) {
        this.store = new EvidenceStore(clients.s3(), env.require("EVIDENCE_BUCKET"), clock);
        this.describer = new ResourceDescriber(clients.ec2(), clients.iam());
        this.activity = activity;
        this.notifier = new Notifier(clients.sns(), env.require("NOTIFICATION_TOPIC_ARN"));
        this.clock = clock;
    }

    /**
     * Chooses CloudTrail in AWS; the local emulator has no LookupEvents, so there the lookup
     * finds nothing and says why.
     */
    static ActivityLookup activityLookup(Env env) {
        if (env.get(AwsClients.ENDPOINT_VARIABLE).isPresent()) {
            return new UnavailableActivityLookup("CloudTrail LookupEvents is not available in"
                    + " the local emulator");
        }
        return new CloudTrailActivityLookup(
                AwsClients.configure(CloudTrailClient.builder(), env).build());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        JsonNode request = Json.mapper().readTree(input);
        Json.mapper().writeValue(output,
                handle(request == null ? Json.mapper().nullNode() : request));
    }

    /** Collects the evidence of the incident in the request; the local worker calls this. */
    public EvidenceSummary handle(JsonNode request) {
        Incident incident = IncidentInput.read(request);
        Manifest manifest = store.manifest(incident.incidentId());
        if (manifest.item(Manifest.prefixFor(incident.incidentId()) + "finding.json")
                .isPresent()) {
            log.info("evidence already collected", "incidentId", incident.incidentId(),
                    "objects", manifest.items().size());
            return summary(incident, manifest, manifest.updatedAt(), null, true);
        }

        Instant now = clock.instant();
        manifest = manifest.with(store.putJson(incident.incidentId(), "finding.json", "finding",
                Map.of("incident", incident, "finding", incident.finding())), now);
        manifest = manifest.with(store.putJson(incident.incidentId(),
                "before/resource.json", "resource-before",
                describer.describe(incident.resource())), now);
        ActivityTrail trail = activity.lookUp(query(incident));
        manifest = manifest.with(store.putJson(incident.incidentId(), "activity/api-events.json",
                "api-activity", trail), now);
        EvidenceItem written = store.writeManifest(manifest);

        notifier.publish(Notification.of(NotificationKind.OPENED, incident,
                "Evidence is stored in s3://" + store.bucket() + "/"
                        + Manifest.prefixFor(incident.incidentId()) + "; playbook "
                        + incident.playbook().wireName() + " runs next."));
        log.info("evidence collected", "incidentId", incident.incidentId(),
                "objects", manifest.items().size(), "manifestSha256", written.sha256(),
                "activityAvailable", trail.available());
        return summary(incident, manifest, now, trail, false);
    }

    private EvidenceSummary summary(Incident incident, Manifest manifest, Instant collectedAt,
            ActivityTrail trail, boolean already) {
        return new EvidenceSummary(incident.incidentId(), store.bucket(),
                Manifest.keyFor(incident.incidentId()), manifest.items().size(), collectedAt,
                trail == null ? "see evidence" : trail.source(),
                trail != null && trail.available(),
                trail == null ? "collected by an earlier attempt" : trail.note(), already);
    }

    private static ActivityQuery query(Incident incident) {
        Finding finding = incident.finding();
        Instant first = Optional.ofNullable(finding.firstSeen()).orElse(incident.triagedAt());
        Instant last = Optional.ofNullable(finding.lastSeen()).orElse(incident.triagedAt());
        Optional<String> principal = incident.resource().type() == ResourceType.ACCESS_KEY
                ? Optional.ofNullable(incident.resource().userName()) : Optional.empty();
        Optional<String> resource = incident.resource().type() == ResourceType.OTHER
                ? Optional.empty() : Optional.ofNullable(incident.resource().id());
        return new ActivityQuery(principal, resource, first.minus(ACTIVITY_WINDOW),
                last.plus(ACTIVITY_WINDOW));
    }
}

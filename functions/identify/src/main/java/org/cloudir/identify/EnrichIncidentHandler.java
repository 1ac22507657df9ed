package org.cloudir.identify;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Log;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ResponderException;
import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.lifecycle.ApprovalMode;
import org.cloudir.core.lifecycle.GatePolicy;
import org.cloudir.core.lifecycle.Phase;
import org.cloudir.core.lifecycle.PhasePlan;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.triage.IncidentInput;
import org.cloudir.core.triage.Mode;
import org.cloudir.evidence.EvidenceClients;
import org.cloudir.identify.internal.ActivitySummaries;
import org.cloudir.identify.internal.RelatedFindings;
import org.cloudir.identify.internal.ResourceEnricher;
import org.cloudir.identify.model.ActivityOverview;
import org.cloudir.identify.model.Enrichment;
import org.cloudir.identify.model.EnrichmentResult;
import org.cloudir.identify.model.RelatedFinding;
import org.cloudir.identify.model.ResourceFacts;
import org.cloudir.identify.model.ResponseDecision;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Identifies an incident before any phase acts: describes its resource and owner (and for an IAM
 * user, whether its policies make it an administrator), sums up the API activity around the
 * finding, lists the other findings recorded on the incident and on the resource's earlier
 * incidents, and decides which phases wait for a person. It changes nothing in AWS.
 */
public final class EnrichIncidentHandler extends JsonFunction<EnrichmentResult> {
    /** Activity is searched from this long before the finding's first activity to after it. */
    static final Duration ACTIVITY_MARGIN = Duration.ofHours(1);

    private final Log log = Log.forClass(EnrichIncidentHandler.class);
    private final ResourceEnricher resources;
    private final ActivityLookup activity;
    private final RelatedFindings related;
    private final GatePolicy gates;
    private final Clock clock;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public EnrichIncidentHandler() {
        this(Env.system());
    }

    public EnrichIncidentHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(),
                AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                AwsClients.configure(DynamoDbClient.builder(), env).build(),
                EvidenceClients.activityLookup(env), env, Clock.systemUTC());
    }

    /**
     * Creates the handler with its clients.
     *
     * @throws IllegalArgumentException when {@code APPROVAL_MODE} names no mode
     */
    public EnrichIncidentHandler(Ec2Client ec2, IamClient iam, DynamoDbClient dynamoDb,
            ActivityLookup activity, Env env, Clock clock) {
        // The timeout does not matter here: identification only reports the gates.
        this.gates = new GatePolicy(ApprovalMode.fromWireName(
                env.get("APPROVAL_MODE").orElse("per-playbook")), 1);
        this.resources = new ResourceEnricher(ec2, iam);
        this.related = new RelatedFindings(dynamoDb, env.require("INCIDENT_TABLE"));
        this.activity = activity;
        this.clock = clock;
    }


    /**
     * Enriches the incident of {@code {"incident": ..., "triage": {"mode": ...}}}; the triage
     * note is optional (a manual run has none). The local worker calls this directly.
     */
    @Override
    public EnrichmentResult handle(JsonNode request) {
        Incident incident = IncidentInput.read(request);
        Optional<Mode> catalogueMode = catalogueMode(request);
        Optional<Playbook> proposed = catalogueMode.filter(mode -> mode == Mode.GATED)
                .map(mode -> proposedPlaybook(request));
        Instant started = clock.instant();

        ResourceFacts resource = resources.facts(incident.resource());
        ActivityOverview overview = activity(incident);
        List<RelatedFinding> findings = related.of(incident);
        PhasePlan plan = gates.plan(Phase.IDENTIFICATION, incident, proposed,
                Optional.empty());
        ResponseDecision decision = new ResponseDecision(plan.approvalMode(), plan.gates(),
                plan.reasons(), plan.gates().get("containment") ? "needs-approval"
                        : "automatic");

        Enrichment enrichment = new Enrichment(incident.incidentId(), resource, overview,
                findings, decision, clock.instant());
        log.info("incident enriched", "incidentId", incident.incidentId(),
                "resource", incident.resource().key(), "relatedFindings", findings.size(),
                "activityEvents", overview.eventCount(), "activityAvailable",
                overview.available(), "approvalMode", decision.mode(),
                "gates", decision.gates(), "responseMode", decision.responseMode(),
                "durationMs", Duration.between(started, clock.instant()).toMillis());
        return new EnrichmentResult(enrichment);
    }

    /**
     * Looks up the activity; a lookup that fails (CloudTrail throttles LookupEvents hard) is
     * reported as unavailable, so identification never holds up containment.
     */
    private ActivityOverview activity(Incident incident) {
        ActivityQuery query = ActivityQuery.around(incident, ACTIVITY_MARGIN);
        ActivityTrail trail;
        try {
            trail = activity.lookUp(query);
        } catch (ResponderException | SdkException e) {
            log.warn("activity lookup failed", "incidentId", incident.incidentId(),
                    "error", e.getClass().getName(), "reason", String.valueOf(e.getMessage()));
            trail = ActivityTrail.unavailable("cloudtrail:LookupEvents", "the lookup failed: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return ActivitySummaries.of(query, trail);
    }

    private static Playbook proposedPlaybook(JsonNode request) {
        String proposed = request.path("triage").path("proposedPlaybook").asText("");
        try {
            return Playbook.fromWireName(proposed);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("execution input: field 'triage.proposedPlaybook'"
                    + " is '" + proposed + "': " + e.getMessage(), e);
        }
    }

    /** Reads the catalogue mode triage put beside the incident, if it did. */
    private static Optional<Mode> catalogueMode(JsonNode request) {
        JsonNode mode = request.path("triage").path("mode");
        if (mode.isMissingNode() || mode.isNull()) {
            return Optional.empty();
        }
        for (Mode candidate : Mode.values()) {
            if (candidate.wireName().equals(mode.asText())) {
                return Optional.of(candidate);
            }
        }
        throw new MalformedEventException("execution input: field 'triage.mode' must be"
                + " automatic or gated, got '" + mode.asText() + "'");
    }
}

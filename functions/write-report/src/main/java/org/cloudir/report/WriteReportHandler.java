package org.cloudir.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Json;
import org.cloudir.core.Log;
import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.core.model.Incident;
import org.cloudir.core.notify.Notification;
import org.cloudir.core.notify.NotificationKind;
import org.cloudir.core.report.IncidentReport;
import org.cloudir.core.report.MarkdownReport;
import org.cloudir.core.report.ReportBuilder;
import org.cloudir.core.report.ReportInput;
import org.cloudir.core.report.TimelineSvg;
import org.cloudir.core.triage.IncidentInput;
import org.cloudir.evidence.EvidenceClients;
import org.cloudir.evidence.EvidenceStore;
import org.cloudir.evidence.Notifier;
import org.cloudir.evidence.ResourceDescriber;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs the post-incident step: stores the resource as it is after containment, the action
 * records and the API activity around the finding (CloudTrail, searched only now so it never
 * delays containment), builds the report (Markdown, JSON, timeline SVG) from the incident
 * table and the manifest, adds it all to the manifest, records the manifest's SHA-256 on the
 * incident, and tells people how the incident ended.
 */
public final class WriteReportHandler extends JsonFunction<ReportSummary> {
    static final String TIMELINE = "timeline.svg";
    /** API activity is searched this long before the activity was first seen and after. */
    static final Duration ACTIVITY_MARGIN = Duration.ofHours(1);

    private final Log log = Log.forClass(WriteReportHandler.class);
    private final EvidenceStore store;
    private final ResourceDescriber describer;
    private final Notifier notifier;
    private final ActivityLookup activity;
    /** Set in the input of a run that another execution started (the orchestrator). */
    private static final String STARTED_BY_PARENT = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public WriteReportHandler() {
        this(Env.system());
    }

    public WriteReportHandler(Env env) {
        this(EvidenceClients.create(env),
                AwsClients.configure(DynamoDbClient.builder(), env).build(),
                EvidenceClients.activityLookup(env), env, Clock.systemUTC());
    }

    public WriteReportHandler(EvidenceClients clients, DynamoDbClient dynamoDb,
            ActivityLookup activity, Env env, Clock clock) {
        this.store = new EvidenceStore(clients.s3(), env.require("EVIDENCE_BUCKET"), clock);
        this.describer = new ResourceDescriber(clients.ec2(), clients.iam());
        this.notifier = new Notifier(clients.sns(), env.require("NOTIFICATION_TOPIC_ARN"));
        this.dynamoDb = dynamoDb;
        this.activity = activity;
        this.table = env.require("INCIDENT_TABLE");
        this.clock = clock;
    }


    /** Writes the report for the execution state; the local worker calls this directly. */
    @Override
    public ReportSummary handle(JsonNode state) {
        Incident incident = IncidentInput.read(state);
        String id = incident.incidentId();
        IncidentRecord record = IncidentRecord.read(dynamoDb, table, id);
        Instant now = clock.instant();

        Manifest manifest = store.manifest(id);
        Map<String, Object> before = readJson(Manifest.prefixFor(id) + "before/resource.json");
        manifest = manifest.with(store.putJson(id, "after/resource.json", "resource-after",
                describer.describe(incident.resource())), now);
        manifest = manifest.with(store.putJson(id, "actions.json", "actions",
                Map.of("actions", record.actions(), "failures", record.failures())), now);
        ActivityTrail trail = activity.lookUp(ActivityQuery.around(incident, ACTIVITY_MARGIN));
        manifest = manifest.with(store.putJson(id, "activity/api-events.json", "api-activity",
                trail), now);

        IncidentReport report = ReportBuilder.build(new ReportInput(incident, record.status(),
                record.findingIds(), record.actions(), record.failures(), manifest,
                trail, ResourceDescriber.exposures(before), collectedAt(state), now,
                record.phases()));
        List<String> reportKeys = new ArrayList<>();
        for (EvidenceItem item : List.of(
                store.putJson(id, "report/report.json", "report-json", report),
                store.put(id, "report/report.md", "report-markdown",
                        bytes(MarkdownReport.render(report, TIMELINE)), "text/markdown"),
                store.put(id, "report/" + TIMELINE, "report-timeline",
                        bytes(TimelineSvg.render(report)), "image/svg+xml"))) {
            manifest = manifest.with(item, now);
            reportKeys.add(item.key());
        }
        EvidenceItem written = store.writeManifest(manifest);
        recordManifest(id, written, reportKeys.get(1));

        List<String> sent = notify(incident, record.status(), reportKeys.get(1),
                state.path("plan").path("result").path("phase").asText("containment"),
                state.has(STARTED_BY_PARENT));
        log.info("report written", "incidentId", id, "status", record.status(),
                "evidenceObjects", manifest.items().size(), "manifestSha256", written.sha256());
        return new ReportSummary(id, record.status(), store.bucket(), reportKeys,
                manifest.items().size(), written.sha256(), sent);
    }

    /**
     * Tells people how the incident stands. The post-incident phase sends CLOSED; a containment
     * run that the orchestrator started leaves closing to that phase.
     */
    private List<String> notify(Incident incident, String status, String reportKey,
            String phase, boolean partOfLifecycle) {
        String where = "Report: s3://" + store.bucket() + "/" + reportKey;
        List<Notification> notifications = phase.equals("post-incident")
                ? List.of(Notification.of(NotificationKind.CLOSED, incident, "The incident is"
                        + " closed (last status " + status + "); the report lists every phase."
                        + " " + where))
                : containmentNotifications(incident, status, where).stream()
                        .filter(n -> !(partOfLifecycle && n.kind() == NotificationKind.CLOSED))
                        .toList();
        List<String> sent = new ArrayList<>();
        for (Notification notification : notifications) {
            notifier.publish(notification);
            sent.add(notification.kind().name());
        }
        return sent;
    }

    private static List<Notification> containmentNotifications(Incident incident,
            String status, String where) {
        return switch (status) {
            case "CONTAINED" -> List.of(
                    Notification.of(NotificationKind.CONTAINED, incident, "Every action was"
                            + " verified by re-reading the resource. " + where),
                    Notification.of(NotificationKind.CLOSED, incident, "The automated response"
                            + " is complete; follow-ups are listed in the report. " + where));
            case "DRY_RUN" -> List.of(Notification.of(NotificationKind.CLOSED, incident,
                    "Dry run: nothing was changed; the report lists the plan. " + where));
            case "NOTIFIED" -> List.of(Notification.of(NotificationKind.APPROVAL_NEEDED,
                    incident, "No automatic action applies to this resource: a person must"
                            + " decide how to contain it. " + where));
            default -> List.of(Notification.of(NotificationKind.CONTAINMENT_FAILED, incident,
                    "An action failed or was refused; contain by hand. " + where));
        };
    }

    /** Keeps the manifest's hash on the incident record, outside the bucket it protects. */
    private void recordManifest(String incidentId, EvidenceItem manifest, String reportKey) {
        AwsErrors.run("UpdateItem " + table, () -> dynamoDb.updateItem(request -> request
                .tableName(table)
                .key(Map.of("incidentId", AttributeValue.fromS(incidentId),
                        "entry", AttributeValue.fromS("incident")))
                .updateExpression("SET evidenceManifestSha256 = :sha, evidenceManifestVersion"
                        + " = :version, evidenceBucket = :bucket, reportKey = :report,"
                        + " reportedAt = :now")
                .expressionAttributeValues(Map.of(
                        ":sha", AttributeValue.fromS(manifest.sha256()),
                        ":version", AttributeValue.fromS(String.valueOf(manifest.versionId())),
                        ":bucket", AttributeValue.fromS(store.bucket()),
                        ":report", AttributeValue.fromS(reportKey),
                        ":now", AttributeValue.fromS(clock.instant().toString())))));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readJson(String key) {
        return store.read(key)
                .map(bytes -> (Map<String, Object>) Json.convert(Json.parse(
                        new String(bytes, StandardCharsets.UTF_8), key), Map.class))
                .orElse(Map.of());
    }

    private static Optional<Instant> collectedAt(JsonNode state) {
        JsonNode at = state.path("evidence").path("result").path("collectedAt");
        return at.isTextual() ? Optional.of(Instant.parse(at.asText())) : Optional.empty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

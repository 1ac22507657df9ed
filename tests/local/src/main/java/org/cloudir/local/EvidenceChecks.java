package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.evidence.EvidenceStore;
import org.cloudir.evidence.EvidenceVerifier;
import org.cloudir.evidence.VerificationResult;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Checks an incident's evidence, report and notifications from the emulator's own S3, DynamoDB
 * and SQS, independent of what the handlers reported about themselves.
 */
public final class EvidenceChecks {
    private static final Pattern SVG_LABEL = Pattern.compile(
            "font-weight=\"bold\">(\\d+)\\. ([^<]*)</text>");

    private final LocalAws aws;
    private final String bucket;
    private final String table;
    private final EvidenceStore store;

    public EvidenceChecks(LocalAws aws, String bucket, String table) {
        this.aws = aws;
        this.bucket = bucket;
        this.table = table;
        this.store = new EvidenceStore(aws.s3, bucket, Clock.systemUTC());
    }

    /** Re-hashes the evidence, checking the manifest against the hash on the incident record. */
    public VerificationResult verify(String incidentId) {
        return new EvidenceVerifier(store).verify(incidentId, manifestHash(incidentId));
    }

    public Check evidenceVerified(String incidentId) {
        VerificationResult result = verify(incidentId);
        return new Check("evidence manifest and every object it lists match", result.passed(),
                result.describe().strip());
    }

    /** Checks that every object the manifest lists is present in the bucket. */
    public Check manifestComplete(String incidentId) {
        Manifest manifest = store.manifest(incidentId);
        List<String> missing = manifest.items().stream()
                .filter(item -> store.read(item.key()).isEmpty())
                .map(item -> item.key()).toList();
        return new Check("bucket holds the manifest and its " + manifest.items().size()
                + " objects", !manifest.items().isEmpty() && missing.isEmpty(),
                missing.isEmpty() ? "s3://" + bucket + "/" + Manifest.keyFor(incidentId)
                        : "missing " + missing);
    }

    public JsonNode reportJson(String incidentId) {
        return Json.parse(text(incidentId, "report/report.json"), "report.json");
    }

    public Check reportValid(String incidentId, ReportSchema schema) {
        List<String> violations = schema.violations(reportJson(incidentId));
        return new Check("report JSON valid against schemas/incident-report.schema.json",
                violations.isEmpty(), violations.isEmpty() ? "0 violations"
                        : violations.size() + " violations, first: " + violations.get(0));
    }

    /** Checks the timeline picture lists the report's timeline steps, numbered, in order. */
    public Check timelineInOrder(String incidentId) {
        JsonNode timeline = reportJson(incidentId).path("timeline");
        List<String> expected = new ArrayList<>();
        Instant previous = Instant.MIN;
        boolean sorted = true;
        for (JsonNode entry : timeline) {
            expected.add(entry.path("label").asText());
            Instant at = Instant.parse(entry.path("at").asText());
            sorted &= !at.isBefore(previous);
            previous = at;
        }
        List<String> drawn = svgSteps(text(incidentId, "report/timeline.svg"));
        return new Check("timeline picture shows the steps in time order",
                sorted && drawn.equals(expected), String.join(" -> ", drawn));
    }

    /** Returns the labels of an SVG timeline in step order. */
    public static List<String> svgSteps(String svg) {
        List<String> labels = new ArrayList<>();
        Matcher matcher = SVG_LABEL.matcher(svg);
        int step = 1;
        while (matcher.find()) {
            if (Integer.parseInt(matcher.group(1)) != step++) {
                labels.add("out of order: " + matcher.group(1));
            }
            labels.add(matcher.group(2).replace("&amp;", "&"));
        }
        return labels;
    }

    /** Copies the report's Markdown, JSON and SVG from the bucket into a folder. */
    public List<Path> saveReport(String incidentId, Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> saved = new ArrayList<>();
        for (String name : List.of("report.md", "report.json", "timeline.svg")) {
            Path file = folder.resolve(name);
            Files.writeString(file, text(incidentId, "report/" + name));
            saved.add(file);
        }
        return saved;
    }

    /**
     * Reads the notifications for an incident from a queue subscribed to the topic, and returns
     * their kinds in arrival order; other incidents' messages are left for their readers.
     */
    public static List<String> notificationKinds(LocalAws aws, String queueUrl,
            String incidentId, int expected, java.time.Duration wait) {
        List<String> kinds = new ArrayList<>();
        Instant deadline = Instant.now().plus(wait);
        while (kinds.size() < expected && Instant.now().isBefore(deadline)) {
            for (Message message : aws.sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                JsonNode envelope = Json.parse(message.body(), "SNS envelope");
                JsonNode attributes = envelope.path("MessageAttributes");
                if (incidentId.equals(attributes.path("incidentId").path("Value").asText())) {
                    kinds.add(attributes.path("kind").path("Value").asText());
                    aws.sqs.deleteMessage(request -> request.queueUrl(queueUrl)
                            .receiptHandle(message.receiptHandle()));
                } else {
                    aws.sqs.changeMessageVisibility(request -> request.queueUrl(queueUrl)
                            .receiptHandle(message.receiptHandle()).visibilityTimeout(0));
                }
            }
        }
        return kinds;
    }

    /** Creates a queue subscribed to the topic, as a person's subscription would be. */
    public static String subscribeQueue(LocalAws aws, String topicArn, String queueName) {
        String url = aws.sqs.createQueue(request -> request.queueName(queueName)).queueUrl();
        String arn = aws.sqs.getQueueAttributes(request -> request.queueUrl(url)
                .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        aws.sns.subscribe(request -> request.topicArn(topicArn).protocol("sqs").endpoint(arn));
        return url;
    }

    private Optional<String> manifestHash(String incidentId) {
        Map<String, AttributeValue> item = aws.dynamoDb.getItem(request -> request
                .tableName(table).consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(incidentId),
                        "entry", AttributeValue.fromS("incident")))).item();
        return Optional.ofNullable(item.get("evidenceManifestSha256")).map(AttributeValue::s);
    }

    private String text(String incidentId, String name) {
        return store.read(Manifest.prefixFor(incidentId) + name)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .orElseThrow(() -> new IllegalStateException("s3://" + bucket + "/"
                        + Manifest.prefixFor(incidentId) + name + " is missing"));
    }
}

package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.ResourceRef;

/**
 * Turns an EventBridge event (a GuardDuty finding or a CloudTrail API call) into a
 * {@link Finding}, rejecting anything malformed with a message that names the missing field.
 */
public final class EventParser {
    static final String GUARDDUTY_DETAIL_TYPE = "GuardDuty Finding";
    static final String CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";
    static final String SIGN_IN_DETAIL_TYPE = "AWS Console Sign In via CloudTrail";

    /**
     * AWS attaches this managed policy (V2, V3, ...) to an IAM user when it finds the user's
     * access key exposed in public; the CloudTrail record of that attachment is a key-leak signal.
     */
    static final String QUARANTINE_POLICY_PREFIX =
            "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine";

    /** Severity given to the key-leak CloudTrail signal, which carries none of its own. */
    static final double KEY_LEAK_SEVERITY = 8.0;

    public Finding parse(String eventJson) {
        return parse(Json.parse(eventJson, "event"));
    }

    public Finding parse(JsonNode event) {
        if (!event.isObject()) {
            throw new MalformedEventException("event must be a JSON object");
        }
        Fields envelope = new Fields(event, "event");
        String detailType = envelope.text("detail-type");
        return switch (detailType) {
            case GUARDDUTY_DETAIL_TYPE -> parseGuardDuty(event);
            case CLOUDTRAIL_DETAIL_TYPE, SIGN_IN_DETAIL_TYPE -> parseCloudTrail(event);
            default -> throw new MalformedEventException("event has unsupported detail-type '"
                    + detailType + "'; expected '" + GUARDDUTY_DETAIL_TYPE + "', '"
                    + CLOUDTRAIL_DETAIL_TYPE + "' or '" + SIGN_IN_DETAIL_TYPE + "'");
        };
    }

    private Finding parseGuardDuty(JsonNode event) {
        String id = event.at("/detail/id").asText("?");
        Fields f = new Fields(event, "GuardDuty finding " + forMessages(id));
        f.text("detail.id", Shapes.FINDING_ID, "a GuardDuty finding id");
        Instant firstSeen = firstNonNull(f, "detail.service.eventFirstSeen", "detail.createdAt");
        Instant lastSeen = firstNonNull(f, "detail.service.eventLastSeen", "detail.updatedAt");
        JsonNode count = f.optional("detail.service.count");
        return new Finding(
                "guardduty",
                id,
                f.text("detail.type", Shapes.FINDING_TYPE, "a GuardDuty finding type"),
                f.optionalText("detail.title"),
                f.number("detail.severity", 0.0, 10.0),
                f.text("detail.accountId", Shapes.ACCOUNT_ID, "a 12-digit account id"),
                f.text("detail.region", Shapes.REGION, "an AWS region name"),
                firstSeen,
                lastSeen,
                count.canConvertToInt() ? Math.max(1, count.asInt()) : 1,
                SampleFlag.isSample(f.optional("detail.service.additionalInfo")),
                guardDutyResource(f),
                Targets.ofFinding(f));
    }

    private static ResourceRef guardDutyResource(Fields f) {
        String resourceType = f.text("detail.resource.resourceType");
        return switch (resourceType) {
            case "Instance" -> ResourceRef.instance(f.text(
                    "detail.resource.instanceDetails.instanceId",
                    Shapes.INSTANCE_ID, "an EC2 instance id"));
            case "AccessKey" -> accessKey(f);
            case "S3Bucket" -> bucket(f);
            // Grouping unknown resources by type alone would merge unrelated findings.
            default -> ResourceRef.other(resourceType + " " + f.text("detail.id"));
        };
    }

    /** Names a bucket finding by its first bucket, so findings on one bucket share incidents. */
    private static ResourceRef bucket(Fields f) {
        String name = f.optionalText("detail.resource.s3BucketDetails.0.name");
        return ResourceRef.other(name != null ? "s3-bucket/" + name
                : "S3Bucket " + f.text("detail.id"));
    }

    /**
     * Only an IAM user's long-term key (AKIA...) can be deactivated to contain it; root keys,
     * role sessions and federated users need a different response and are left to people.
     */
    private static ResourceRef accessKey(Fields f) {
        String userType = f.text("detail.resource.accessKeyDetails.userType");
        String rawKeyId = f.text("detail.resource.accessKeyDetails.accessKeyId");
        if (!"IAMUser".equals(userType) || !rawKeyId.startsWith("AKIA")) {
            String principal = f.optionalText("detail.resource.accessKeyDetails.principalId");
            return ResourceRef.other("AccessKey of " + userType + " "
                    + (principal != null ? principal : rawKeyId));
        }
        String keyId = f.text("detail.resource.accessKeyDetails.accessKeyId",
                Shapes.ACCESS_KEY_ID, "an access key id (AKIA...)");
        String userName = f.text("detail.resource.accessKeyDetails.userName",
                Shapes.USER_NAME, "an IAM user name");
        return ResourceRef.accessKey(keyId, userName);
    }

    private Finding parseCloudTrail(JsonNode event) {
        String id = event.at("/detail/eventID").asText("?");
        Fields f = new Fields(event, "CloudTrail event " + forMessages(id));
        f.text("detail.eventID", Shapes.FINDING_ID, "a CloudTrail event id");
        String eventSource = f.text("detail.eventSource");
        String eventName = f.text("detail.eventName");
        Instant eventTime = f.instant("detail.eventTime");
        boolean keyLeak = isKeyQuarantine(f, eventName);
        String userName = keyLeak
                ? f.text("detail.requestParameters.userName", Shapes.USER_NAME, "an IAM user name")
                : null;
        return new Finding(
                "cloudtrail",
                id,
                "CloudTrail:" + eventSource + "/" + eventName,
                keyLeak ? "AWS quarantined IAM user " + userName + " for an exposed access key"
                        : eventName + " called by "
                                + Objects.requireNonNullElse(
                                        f.optionalText("detail.userIdentity.arn"), "unknown"),
                keyLeak ? KEY_LEAK_SEVERITY : 0.0,
                f.text("account", Shapes.ACCOUNT_ID, "a 12-digit account id"),
                f.text("detail.awsRegion", Shapes.REGION, "an AWS region name"),
                eventTime,
                eventTime,
                1,
                false,
                keyLeak ? ResourceRef.accessKey(null, userName)
                        : ResourceRef.other(eventSource + "/" + eventName + " " + id),
                Targets.ofCall(f, eventSource));
    }

    private static boolean isKeyQuarantine(Fields f, String eventName) {
        String policyArn = f.optionalText("detail.requestParameters.policyArn");
        // A failed attempt (errorCode set) is no key-leak signal: anyone could fake one and get
        // another user's keys disabled.
        return "AttachUserPolicy".equals(eventName)
                && f.optionalText("detail.errorCode") == null
                && policyArn != null
                && policyArn.startsWith(QUARANTINE_POLICY_PREFIX);
    }

    private static Instant firstNonNull(Fields f, String path, String fallbackPath) {
        return f.optionalText(path) != null ? f.instant(path) : f.instant(fallbackPath);
    }

    /** Shortens an unchecked id for error messages, so a hostile one cannot flood the logs. */
    private static String forMessages(String id) {
        return id.length() <= 80 ? id : id.substring(0, 80) + "...";
    }
}

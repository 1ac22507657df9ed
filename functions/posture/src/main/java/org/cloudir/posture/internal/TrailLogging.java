package org.cloudir.posture.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/** Reads a CloudTrail trail, its tags and its logging status, and starts its logging. */
public final class TrailLogging {
    private final CloudTrailClient cloudTrail;

    public TrailLogging(CloudTrailClient cloudTrail) {
        this.cloudTrail = cloudTrail;
    }

    /** Returns the trail named by name or ARN, or empty when no such trail exists. */
    public Optional<Trail> trail(String nameOrArn) {
        try {
            return Optional.of(cloudTrail.getTrail(request -> request.name(nameOrArn)).trail());
        } catch (SdkException e) {
            if ("TrailNotFoundException".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw AwsErrors.classify(e, "GetTrail " + nameOrArn);
        }
    }

    public Map<String, String> tags(String trailArn) {
        Map<String, String> tags = new LinkedHashMap<>();
        AwsErrors.call("ListTags", () -> cloudTrail.listTags(request -> request
                        .resourceIdList(trailArn)).resourceTagList())
                .forEach(resource -> resource.tagsList().forEach(tag -> tags.put(tag.key(),
                        tag.value())));
        return tags;
    }

    public boolean isLogging(String trailArn) {
        return Boolean.TRUE.equals(AwsErrors.call("GetTrailStatus", () -> cloudTrail
                .getTrailStatus(request -> request.name(trailArn)).isLogging()));
    }

    public void startLogging(String trailArn) {
        AwsErrors.run("StartLogging", () -> cloudTrail.startLogging(request -> request
                .name(trailArn)));
    }

    /** Returns the trail's settings as plain values, for a person to review. */
    public static Map<String, Object> settings(Trail trail) {
        Map<String, Object> settings = new LinkedHashMap<>();
        put(settings, "s3BucketName", trail.s3BucketName());
        put(settings, "s3KeyPrefix", trail.s3KeyPrefix());
        put(settings, "snsTopicARN", trail.snsTopicARN());
        put(settings, "includeGlobalServiceEvents", trail.includeGlobalServiceEvents());
        put(settings, "isMultiRegionTrail", trail.isMultiRegionTrail());
        put(settings, "homeRegion", trail.homeRegion());
        put(settings, "logFileValidationEnabled", trail.logFileValidationEnabled());
        put(settings, "cloudWatchLogsLogGroupArn", trail.cloudWatchLogsLogGroupArn());
        put(settings, "cloudWatchLogsRoleArn", trail.cloudWatchLogsRoleArn());
        put(settings, "kmsKeyId", trail.kmsKeyId());
        put(settings, "isOrganizationTrail", trail.isOrganizationTrail());
        put(settings, "hasCustomEventSelectors", trail.hasCustomEventSelectors());
        put(settings, "hasInsightSelectors", trail.hasInsightSelectors());
        return settings;
    }

    private static void put(Map<String, Object> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value);
        }
    }
}

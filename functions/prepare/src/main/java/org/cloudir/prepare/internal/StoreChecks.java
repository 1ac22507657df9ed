package org.cloudir.prepare.internal;

import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.readiness.ReadinessCheck;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Checks the stores every response writes to: the incident table, the evidence bucket (with
 * versioning and object lock, without which evidence could be altered unseen) and the
 * notification topic.
 */
public final class StoreChecks {
    public static final String TABLE = "incident-table";
    public static final String BUCKET = "evidence-bucket";
    public static final String TOPIC = "notification-topic";

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final SnsClient sns;

    public StoreChecks(DynamoDbClient dynamoDb, S3Client s3, SnsClient sns) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.sns = sns;
    }

    public ReadinessCheck table(Optional<String> tableName) {
        if (tableName.isEmpty()) {
            return unset(TABLE, "INCIDENT_TABLE");
        }
        String name = tableName.get();
        try {
            TableDescription table = AwsErrors.call("DescribeTable " + name, () -> dynamoDb
                    .describeTable(request -> request.tableName(name)).table());
            if (!"ACTIVE".equals(table.tableStatusAsString())) {
                return ReadinessCheck.missing(TABLE, "table " + name + " is "
                        + table.tableStatusAsString() + ", not ACTIVE");
            }
            return ReadinessCheck.ok(TABLE, "table " + name + " is ACTIVE");
        } catch (RuntimeException e) {
            if (e instanceof SdkException sdk
                    && "ResourceNotFoundException".equals(AwsErrors.code(sdk))) {
                return ReadinessCheck.missing(TABLE, "table " + name + " does not exist;"
                        + " deploy the stack");
            }
            return Failures.unknown(TABLE, "table " + name, e);
        }
    }

    public ReadinessCheck bucket(Optional<String> bucketName) {
        if (bucketName.isEmpty()) {
            return unset(BUCKET, "EVIDENCE_BUCKET");
        }
        String name = bucketName.get();
        try {
            String versioning = AwsErrors.call("GetBucketVersioning " + name, () -> s3
                    .getBucketVersioning(request -> request.bucket(name)).statusAsString());
            Optional<ObjectLockConfiguration> lock = objectLock(name);
            boolean versioned = "Enabled".equals(versioning);
            boolean locked = lock.map(config -> "Enabled".equals(
                    config.objectLockEnabledAsString())).orElse(false);
            if (!versioned || !locked) {
                return ReadinessCheck.missing(BUCKET, "bucket " + name + ": versioning "
                        + (versioned ? "enabled" : "is not enabled") + ", object lock "
                        + (locked ? "enabled" : "is not enabled")
                        + "; evidence could be overwritten unseen");
            }
            return ReadinessCheck.ok(BUCKET, "bucket " + name + ": versioning enabled, object"
                    + " lock enabled" + retention(lock.get()));
        } catch (RuntimeException e) {
            if (e instanceof SdkException sdk && "NoSuchBucket".equals(AwsErrors.code(sdk))) {
                return ReadinessCheck.missing(BUCKET, "bucket " + name + " does not exist;"
                        + " deploy the stack");
            }
            return Failures.unknown(BUCKET, "bucket " + name, e);
        }
    }

    public ReadinessCheck topic(Optional<String> topicArn) {
        if (topicArn.isEmpty()) {
            return unset(TOPIC, "NOTIFICATION_TOPIC_ARN");
        }
        String arn = topicArn.get();
        try {
            AwsErrors.run("GetTopicAttributes " + arn, () -> sns.getTopicAttributes(
                    request -> request.topicArn(arn)));
            return ReadinessCheck.ok(TOPIC, "topic " + arn + " exists");
        } catch (RuntimeException e) {
            if (e instanceof SdkException sdk && "NotFound".equals(AwsErrors.code(sdk))) {
                return ReadinessCheck.missing(TOPIC, "topic " + arn + " does not exist;"
                        + " deploy the stack");
            }
            return Failures.unknown(TOPIC, "topic " + arn, e);
        }
    }

    private Optional<ObjectLockConfiguration> objectLock(String bucket) {
        try {
            return Optional.ofNullable(AwsErrors.call("GetObjectLockConfiguration " + bucket,
                    () -> s3.getObjectLockConfiguration(request -> request.bucket(bucket))
                            .objectLockConfiguration()));
        } catch (SdkException e) {
            if ("ObjectLockConfigurationNotFoundError".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String retention(ObjectLockConfiguration lock) {
        if (lock.rule() == null || lock.rule().defaultRetention() == null) {
            return " (no default retention)";
        }
        var retention = lock.rule().defaultRetention();
        return " (default retention " + retention.modeAsString() + " "
                + (retention.days() != null ? retention.days() + " days"
                        : retention.years() + " years") + ")";
    }

    private static ReadinessCheck unset(String name, String variable) {
        return ReadinessCheck.missing(name, "environment variable " + variable + " is not set;"
                + " template.yaml sets it for the readiness function");
    }
}

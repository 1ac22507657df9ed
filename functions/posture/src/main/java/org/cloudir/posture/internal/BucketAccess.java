package org.cloudir.posture.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.posture.model.PublicAccessSettings;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Reads and changes what decides whether a bucket is public: its Block Public Access
 * configuration, its policy status, its ACL grants to everyone, and the responder's record tags.
 */
public final class BucketAccess {
    /** Records the configuration the bucket had before the responder first blocked it. */
    public static final String BEFORE_TAG = "ir:public-access-before";
    /** Names the incident that blocked the bucket's public access. */
    public static final String BLOCKED_BY_TAG = "ir:public-access-blocked-by";

    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    private static final String AUTHENTICATED_USERS =
            "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    private final S3Client s3;

    public BucketAccess(S3Client s3) {
        this.s3 = s3;
    }

    /** Returns the bucket's tags; fails with ResourceNotFoundException when it does not exist. */
    public Map<String, String> tags(String bucket) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            s3.getBucketTagging(request -> request.bucket(bucket)).tagSet()
                    .forEach(tag -> tags.put(tag.key(), tag.value()));
            return tags;
        } catch (SdkException e) {
            if ("NoSuchTagSet".equals(AwsErrors.code(e))) {
                return new LinkedHashMap<>();
            }
            throw failure(e, "GetBucketTagging", bucket);
        }
    }

    /** Replaces the bucket's tags; S3 has no call that adds or removes a single tag. */
    public void putTags(String bucket, Map<String, String> tags) {
        if (tags.isEmpty()) {
            AwsErrors.run("DeleteBucketTagging", () -> s3.deleteBucketTagging(request -> request
                    .bucket(bucket)));
            return;
        }
        List<Tag> tagSet = tags.entrySet().stream()
                .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build())
                .toList();
        AwsErrors.run("PutBucketTagging", () -> s3.putBucketTagging(request -> request
                .bucket(bucket).tagging(tagging -> tagging.tagSet(tagSet))));
    }

    /** Returns the bucket's Block Public Access configuration, empty when it has none. */
    public Optional<PublicAccessSettings> publicAccessBlock(String bucket) {
        try {
            PublicAccessBlockConfiguration c = s3.getPublicAccessBlock(request -> request
                    .bucket(bucket)).publicAccessBlockConfiguration();
            return Optional.of(new PublicAccessSettings(on(c.blockPublicAcls()),
                    on(c.ignorePublicAcls()), on(c.blockPublicPolicy()),
                    on(c.restrictPublicBuckets())));
        } catch (SdkException e) {
            if ("NoSuchPublicAccessBlockConfiguration".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw failure(e, "GetPublicAccessBlock", bucket);
        }
    }

    public void putPublicAccessBlock(String bucket, PublicAccessSettings settings) {
        AwsErrors.run("PutPublicAccessBlock", () -> s3.putPublicAccessBlock(request -> request
                .bucket(bucket)
                .publicAccessBlockConfiguration(c -> c
                        .blockPublicAcls(settings.blockPublicAcls())
                        .ignorePublicAcls(settings.ignorePublicAcls())
                        .blockPublicPolicy(settings.blockPublicPolicy())
                        .restrictPublicBuckets(settings.restrictPublicBuckets()))));
    }

    public void deletePublicAccessBlock(String bucket) {
        AwsErrors.run("DeletePublicAccessBlock", () -> s3.deletePublicAccessBlock(request ->
                request.bucket(bucket)));
    }

    /** Returns "PUBLIC" or "NOT_PUBLIC" as S3 judges the bucket policy, or "NO_POLICY". */
    public String policyStatus(String bucket) {
        try {
            Boolean isPublic = s3.getBucketPolicyStatus(request -> request.bucket(bucket))
                    .policyStatus().isPublic();
            return Boolean.TRUE.equals(isPublic) ? "PUBLIC" : "NOT_PUBLIC";
        } catch (SdkException e) {
            if ("NoSuchBucketPolicy".equals(AwsErrors.code(e))) {
                return "NO_POLICY";
            }
            throw failure(e, "GetBucketPolicyStatus", bucket);
        }
    }

    /** Returns the ACL grants to everyone or to any AWS account, e.g. "AllUsers:READ". */
    public List<String> publicAclGrants(String bucket) {
        List<String> grants = new ArrayList<>();
        List<Grant> acl = AwsErrors.call("GetBucketAcl", () -> s3.getBucketAcl(request -> request
                .bucket(bucket)).grants());
        for (Grant grant : acl) {
            String uri = grant.grantee() == null ? null : grant.grantee().uri();
            if (ALL_USERS.equals(uri) || AUTHENTICATED_USERS.equals(uri)) {
                grants.add(uri.substring(uri.lastIndexOf('/') + 1) + ":"
                        + grant.permissionAsString());
            }
        }
        return grants;
    }

    private static boolean on(Boolean flag) {
        return Boolean.TRUE.equals(flag);
    }

    private static RuntimeException failure(SdkException e, String operation, String bucket) {
        if ("NoSuchBucket".equals(AwsErrors.code(e))) {
            return new ResourceNotFoundException("S3 bucket " + bucket + " does not exist (or"
                    + " is not in this account); check the finding's bucket name", e);
        }
        return AwsErrors.classify(e, operation + " " + bucket);
    }
}

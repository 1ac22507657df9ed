package org.cloudir.posture;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.Env;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.posture.internal.BucketAccess;
import org.cloudir.posture.internal.PostureClients;
import org.cloudir.posture.internal.Targets;
import org.cloudir.posture.model.PublicAccessSettings;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Turns on all four S3 Block Public Access flags of the bucket an incident names, after
 * recording the configuration it had (or that it had none) in a bucket tag and in the result,
 * with the bucket's policy status and its ACL grants to everyone. The policy and ACL are left
 * as they are: the block overrides them, and their owner decides what to remove.
 */
public final class BlockBucketPublicAccessHandler extends ActionHandler {
    static final String ACTION = "block-s3-public-access";

    private final BucketAccess buckets;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public BlockBucketPublicAccessHandler() {
        this(Env.system());
    }

    public BlockBucketPublicAccessHandler(Env env) {
        this(PostureClients.s3(env), env, Clock.systemUTC());
    }

    public BlockBucketPublicAccessHandler(S3Client s3, Env env, Clock clock) {
        super(env, clock);
        this.buckets = new BucketAccess(s3);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        String bucket = Targets.bucketName(incident);
        Map<String, String> tags = buckets.tags(bucket);
        Protection.refuseIfProtected(tags, ACTION, "S3 bucket " + bucket, incident.incidentId());
        Optional<PublicAccessSettings> current = buckets.publicAccessBlock(bucket);
        Optional<PublicAccessSettings> before = recordedBefore(tags, bucket).orElse(current);
        Map<String, Object> details = details(bucket, before, current);
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would turn on all four Block Public"
                    + " Access flags of bucket " + bucket + " (now: "
                    + PublicAccessSettings.tagValue(current) + ")", details, List.of(), started);
        }
        if (current.map(PublicAccessSettings::allBlocked).orElse(false)) {
            return result(incident, Outcome.ALREADY_DONE, "public access to bucket " + bucket
                    + " was already blocked", details,
                    List.of("GetPublicAccessBlock shows all four flags on for " + bucket),
                    started);
        }

        record(bucket, tags, current, incident.incidentId());
        buckets.putPublicAccessBlock(bucket, PublicAccessSettings.ALL_BLOCKED);
        List<String> verified = verify(bucket, incident.incidentId());
        return result(incident, Outcome.DONE, "blocked all public access to bucket " + bucket
                + " (was: " + PublicAccessSettings.tagValue(before) + ")", details, verified,
                started);
    }

    /**
     * Returns the configuration an earlier run recorded before it blocked the bucket, so a
     * repeat reports the owner's settings and not the block it finds.
     */
    private static Optional<Optional<PublicAccessSettings>> recordedBefore(
            Map<String, String> tags, String bucket) {
        String recorded = tags.get(BucketAccess.BEFORE_TAG);
        if (recorded == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(PublicAccessSettings.fromTagValue(recorded));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("bucket " + bucket + " has tag "
                    + BucketAccess.BEFORE_TAG + " that the responder did not write: "
                    + e.getMessage() + "; remove the tag and run again", e);
        }
    }

    /** Writes the record tags first, so a run cut short after the block still knows them. */
    private void record(String bucket, Map<String, String> tags,
            Optional<PublicAccessSettings> current, String incidentId) {
        Map<String, String> recorded = new LinkedHashMap<>(tags);
        recorded.putIfAbsent(BucketAccess.BEFORE_TAG, PublicAccessSettings.tagValue(current));
        recorded.put(BucketAccess.BLOCKED_BY_TAG, incidentId);
        if (!recorded.equals(tags)) {
            buckets.putTags(bucket, recorded);
        }
    }

    private List<String> verify(String bucket, String incidentId) {
        Optional<PublicAccessSettings> now = buckets.publicAccessBlock(bucket);
        if (!now.map(PublicAccessSettings::allBlocked).orElse(false)) {
            throw new VerificationFailedException("bucket " + bucket + " shows "
                    + PublicAccessSettings.tagValue(now) + " after blocking public access for"
                    + " incident " + incidentId);
        }
        return List.of("GetPublicAccessBlock shows all four flags on for " + bucket);
    }

    private Map<String, Object> details(String bucket, Optional<PublicAccessSettings> before,
            Optional<PublicAccessSettings> current) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bucketName", bucket);
        details.put("previousPublicAccessBlock", PublicAccessSettings.toDetails(before));
        details.put("publicAccessBlockFound", PublicAccessSettings.toDetails(current));
        details.put("policyStatus", buckets.policyStatus(bucket));
        details.put("publicAclGrants", buckets.publicAclGrants(bucket));
        details.put("recordTags", List.of(BucketAccess.BEFORE_TAG, BucketAccess.BLOCKED_BY_TAG));
        return details;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Map<String, Object> details, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

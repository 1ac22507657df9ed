package org.cloudir.posture;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.Env;
import org.cloudir.aws.UndoRequest;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.posture.internal.BucketAccess;
import org.cloudir.posture.internal.PostureClients;
import org.cloudir.posture.model.PublicAccessSettings;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Undoes block-s3-public-access: puts back the Block Public Access configuration the bucket
 * had before (or deletes the configuration when it had none) and removes the record tags.
 * Run it only once the bucket's owner has decided the bucket may be public again.
 */
public final class RestoreBucketPublicAccessHandler extends ActionHandler {
    static final String ACTION = "restore-bucket-public-access";

    private final BucketAccess buckets;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RestoreBucketPublicAccessHandler() {
        this(Env.system());
    }

    public RestoreBucketPublicAccessHandler(Env env) {
        this(PostureClients.s3(env), env, Clock.systemUTC());
    }

    public RestoreBucketPublicAccessHandler(S3Client s3, Env env, Clock clock) {
        super(env, clock);
        this.buckets = new BucketAccess(s3);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException(ACTION + " needs the "
                + BlockBucketPublicAccessHandler.ACTION + " result in field '"
                + UndoRequest.FIELD + "'");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        JsonNode recorded = UndoRequest.details(request, BlockBucketPublicAccessHandler.ACTION,
                incident.incidentId());
        String bucket = recorded.path("bucketName").asText("");
        if (bucket.isEmpty()) {
            throw new MalformedEventException("field 'undo.details.bucketName' is missing");
        }
        Optional<PublicAccessSettings> previous = previous(recorded);
        Map<String, String> tags = buckets.tags(bucket);
        Protection.refuseIfProtected(tags, ACTION, "S3 bucket " + bucket, incident.incidentId());
        Optional<PublicAccessSettings> current = buckets.publicAccessBlock(bucket);
        Map<String, String> untagged = new LinkedHashMap<>(tags);
        untagged.keySet().removeAll(List.of(BucketAccess.BEFORE_TAG, BucketAccess.BLOCKED_BY_TAG));
        boolean settingsDiffer = !current.equals(previous);
        boolean tagsDiffer = !untagged.equals(tags);
        Map<String, Object> details = Map.of("bucketName", bucket,
                "restoredPublicAccessBlock", PublicAccessSettings.toDetails(previous));
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would set bucket " + bucket + " back to "
                    + PublicAccessSettings.tagValue(previous), details, List.of(), started);
        }

        if (settingsDiffer) {
            previous.ifPresentOrElse(settings -> buckets.putPublicAccessBlock(bucket, settings),
                    () -> buckets.deletePublicAccessBlock(bucket));
        }
        if (tagsDiffer) {
            buckets.putTags(bucket, untagged);
        }
        List<String> verified = verify(bucket, previous);
        boolean changed = settingsDiffer || tagsDiffer;
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                (changed ? "set bucket " : "bucket ") + bucket + (changed ? " back to " : " had ")
                        + PublicAccessSettings.tagValue(previous)
                        + (changed ? "" : " already"), details, verified, started);
    }

    private static Optional<PublicAccessSettings> previous(JsonNode recorded) {
        JsonNode previous = recorded.path("previousPublicAccessBlock");
        if (!previous.path("present").isBoolean()) {
            throw new MalformedEventException("field 'undo.details.previousPublicAccessBlock"
                    + ".present' must be true or false");
        }
        if (!previous.path("present").asBoolean()) {
            return Optional.empty();
        }
        for (String flag : List.of("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy",
                "restrictPublicBuckets")) {
            if (!previous.path(flag).isBoolean()) {
                throw new MalformedEventException("field 'undo.details.previousPublicAccessBlock."
                        + flag + "' must be true or false");
            }
        }
        return Optional.of(new PublicAccessSettings(previous.path("blockPublicAcls").asBoolean(),
                previous.path("ignorePublicAcls").asBoolean(),
                previous.path("blockPublicPolicy").asBoolean(),
                previous.path("restrictPublicBuckets").asBoolean()));
    }

    private List<String> verify(String bucket, Optional<PublicAccessSettings> previous) {
        Optional<PublicAccessSettings> now = buckets.publicAccessBlock(bucket);
        if (!now.equals(previous)) {
            throw new VerificationFailedException("bucket " + bucket + " shows "
                    + PublicAccessSettings.tagValue(now) + " after restoring "
                    + PublicAccessSettings.tagValue(previous));
        }
        Map<String, String> tags = buckets.tags(bucket);
        if (tags.containsKey(BucketAccess.BEFORE_TAG)
                || tags.containsKey(BucketAccess.BLOCKED_BY_TAG)) {
            throw new VerificationFailedException("bucket " + bucket + " still has the"
                    + " responder's record tags after restoring its public access settings");
        }
        return List.of("GetPublicAccessBlock shows " + PublicAccessSettings.tagValue(now)
                + " for " + bucket, "bucket " + bucket + " has no " + BucketAccess.BEFORE_TAG
                + " or " + BucketAccess.BLOCKED_BY_TAG + " tag");
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Map<String, Object> details, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

package org.cloudir.recover.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.core.model.ResourceRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads the description of the resource that collect-evidence stored before any change,
 * {@code incidents/<incident id>/before/resource.json} in the evidence bucket.
 */
public final class BeforeRecord {
    public static final String NAME = "before/resource.json";

    private BeforeRecord() {
    }

    public static String key(String incidentId) {
        return Manifest.prefixFor(incidentId) + NAME;
    }

    /** Returns the description; fails when it is missing, unreadable or of another resource. */
    public static JsonNode read(S3Client s3, String bucket, String incidentId,
            ResourceRef resource) {
        String key = key(incidentId);
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(request -> request.bucket(bucket).key(key))
                    .asByteArray();
        } catch (SdkException e) {
            if ("NoSuchKey".equals(AwsErrors.code(e))) {
                throw new ResourceNotFoundException("incident " + incidentId + " has no"
                        + " pre-incident record s3://" + bucket + "/" + key + "; without it"
                        + " recovery cannot be verified: compare the resource by hand", e);
            }
            throw AwsErrors.classify(e, "GetObject " + bucket + "/" + key);
        }
        JsonNode before = Json.parse(new String(bytes, StandardCharsets.UTF_8),
                "s3://" + bucket + "/" + key);
        if (before.hasNonNull("error")) {
            throw new ResourceNotFoundException("the pre-incident record s3://" + bucket + "/"
                    + key + " holds no description, only the error met when collecting it: "
                    + before.path("error").asText() + "; compare the resource by hand");
        }
        String type = before.path("type").asText("");
        String id = before.path("id").asText("");
        if (!type.equals(resource.type().wireName()) || !id.equals(resource.key())) {
            throw new MalformedEventException("the pre-incident record s3://" + bucket + "/"
                    + key + " describes " + type + " " + id + ", not the incident's "
                    + resource.type().wireName() + " " + resource.key());
        }
        return before;
    }
}

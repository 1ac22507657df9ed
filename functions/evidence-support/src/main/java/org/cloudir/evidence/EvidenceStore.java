package org.cloudir.evidence;

import java.time.Clock;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.evidence.Manifest;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Stores an incident's evidence in the evidence bucket (versioned, object lock in governance
 * mode) and keeps its manifest: each object's key, kind, size, version and SHA-256.
 */
public final class EvidenceStore {
    private final S3Client s3;
    private final String bucket;
    private final Clock clock;

    public EvidenceStore(S3Client s3, String bucket, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.clock = clock;
    }

    public String bucket() {
        return bucket;
    }

    /** Returns the incident's manifest, or an empty one when nothing was stored yet. */
    public Manifest manifest(String incidentId) {
        return read(Manifest.keyFor(incidentId))
                .map(bytes -> Json.convert(Json.parse(new String(bytes,
                        java.nio.charset.StandardCharsets.UTF_8), "evidence manifest"),
                        Manifest.class))
                .orElseGet(() -> Manifest.empty(incidentId, bucket, clock.instant()));
    }

    /**
     * Stores one object under the incident's prefix and returns its manifest entry. S3 is also
     * asked to keep its own SHA-256 checksum of the upload, which object lock requires anyway.
     */
    public EvidenceItem put(String incidentId, String name, String kind, byte[] content,
            String contentType) {
        String key = Manifest.prefixFor(incidentId) + name;
        String sha256 = Hashes.sha256Hex(content);
        PutObjectResponse response = AwsErrors.call("PutObject " + bucket + "/" + key,
                () -> s3.putObject(request -> request.bucket(bucket).key(key)
                        .contentType(contentType)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .metadata(java.util.Map.of("ir-sha256", sha256, "ir-kind", kind)),
                        RequestBody.fromBytes(content)));
        return new EvidenceItem(key, kind, sha256, content.length, response.versionId(),
                clock.instant());
    }

    /** Stores a value as pretty-printed JSON. */
    public EvidenceItem putJson(String incidentId, String name, String kind, Object value) {
        try {
            byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(value);
            return put(incidentId, name, kind, bytes, "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write evidence " + name + " as JSON", e);
        }
    }

    /** Writes the manifest and returns the stored object's SHA-256 and version. */
    public EvidenceItem writeManifest(Manifest manifest) {
        return putJson(manifest.incidentId(), "manifest.json", "manifest", manifest);
    }

    /** Returns the current version of an object, or empty when there is none. */
    public Optional<byte[]> read(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = AwsErrors.call("GetObject " + bucket + "/"
                    + key, () -> s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)));
            return Optional.of(bytes.asByteArray());
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        }
    }
}

package org.cloudir.recover.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import org.cloudir.core.VerificationFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Keeps a rotated access key's secret in AWS Secrets Manager, one secret per incident and user:
 * {@code incident-responder/<incident id>/<user name>}, tagged with the incident, the user and
 * the key id. The key id tag is how a repeat finds its own earlier rotation. The secret value
 * is written once and never read, logged or returned by the responder.
 */
public final class CredentialSecrets {
    public static final String PREFIX = "incident-responder/";
    public static final String INCIDENT_TAG = "ir:incident-id";
    public static final String USER_TAG = "ir:user-name";
    public static final String KEY_TAG = "ir:access-key-id";
    private static final String CURRENT = "AWSCURRENT";

    private final SecretsManagerClient secrets;

    public CredentialSecrets(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    /** Describes a stored secret without its value. */
    public record Stored(String arn, String name, Map<String, String> tags, boolean deleted,
            boolean hasValue) {
        public Optional<String> accessKeyId() {
            return Optional.ofNullable(tags.get(KEY_TAG)).filter(id -> !id.isBlank());
        }
    }

    /**
     * Returns the secret's name. Secret names allow the characters of IAM user names except
     * the comma, which becomes an underscore.
     */
    public static String name(String incidentId, String userName) {
        return PREFIX + incidentId + "/" + userName.replace(',', '_');
    }

    public Optional<Stored> find(String name) {
        try {
            return Optional.of(stored(secrets.describeSecret(request -> request
                    .secretId(name))));
        } catch (ResourceNotFoundException missing) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.classify(e, "DescribeSecret " + name);
        }
    }

    /** Creates the secret with its value and tags in one call; returns its ARN. */
    public String create(String name, String incidentId, String userName, String accessKeyId,
            String secretAccessKey) {
        String value = Json.write(Map.of("userName", userName, "accessKeyId", accessKeyId,
                "secretAccessKey", secretAccessKey));
        return AwsErrors.call("CreateSecret " + name, () -> secrets.createSecret(request ->
                request.name(name)
                        .description("Access key " + accessKeyId + " for IAM user " + userName
                                + ", created by the incident responder to replace the keys"
                                + " incident " + incidentId + " deleted. Hand it to the user,"
                                + " then delete this secret.")
                        .secretString(value)
                        .tags(tag(INCIDENT_TAG, incidentId), tag(USER_TAG, userName),
                                tag(KEY_TAG, accessKeyId)))).arn();
    }

    /**
     * Stores a new key in a secret of this incident whose key is gone: a new value version
     * first, then the key id tag, so the tag never names a key the value does not hold.
     */
    public void replace(String name, String userName, String accessKeyId,
            String secretAccessKey) {
        String value = Json.write(Map.of("userName", userName, "accessKeyId", accessKeyId,
                "secretAccessKey", secretAccessKey));
        AwsErrors.run("PutSecretValue " + name, () -> secrets.putSecretValue(request -> request
                .secretId(name).secretString(value)));
        AwsErrors.run("TagResource " + name, () -> secrets.tagResource(request -> request
                .secretId(name).tags(tag(KEY_TAG, accessKeyId))));
    }

    /** Re-reads the secret and fails unless it exists, holds a value and names the key. */
    public Stored verify(String name, String incidentId, String accessKeyId) {
        Stored stored = find(name).orElseThrow(() -> new VerificationFailedException("secret "
                + name + " does not exist after storing access key " + accessKeyId));
        if (stored.deleted() || !stored.hasValue()
                || !incidentId.equals(stored.tags().get(INCIDENT_TAG))
                || !accessKeyId.equals(stored.tags().get(KEY_TAG))) {
            throw new VerificationFailedException("secret " + name + " is not the stored"
                    + " credential of access key " + accessKeyId + " for incident " + incidentId
                    + ": deleted=" + stored.deleted() + ", hasValue=" + stored.hasValue()
                    + ", tags=" + stored.tags());
        }
        return stored;
    }

    private static Stored stored(DescribeSecretResponse response) {
        Map<String, String> tags = response.tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
        boolean hasValue = response.versionIdsToStages().values().stream()
                .anyMatch((List<String> stages) -> stages.contains(CURRENT));
        return new Stored(response.arn(), response.name(), tags,
                response.deletedDate() != null, hasValue);
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}

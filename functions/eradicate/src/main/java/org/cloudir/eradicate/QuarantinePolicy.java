package org.cloudir.eradicate;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.VerificationFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Writes and checks the inline policy that quarantines an IAM user: an unconditional deny of
 * every action, which wins over any allow the user has, whatever credential it signs with.
 */
final class QuarantinePolicy {
    static final String PREFIX = "ir-quarantine-";
    /** IAM's limit on an inline policy name. */
    static final int MAX_NAME_LENGTH = 128;

    private final IamClient iam;

    QuarantinePolicy(IamClient iam) {
        this.iam = iam;
    }

    /** Returns the incident's policy name; incident ids (at most 80 characters) always fit. */
    static String name(String incidentId) {
        String name = PREFIX + incidentId;
        if (name.length() > MAX_NAME_LENGTH) {
            throw new MalformedEventException("field 'incident.incidentId' is too long for an"
                    + " IAM policy name (" + name.length() + " > " + MAX_NAME_LENGTH + ")");
        }
        return name;
    }

    static String document() {
        return Json.write(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                "Sid", "QuarantineCompromisedPrincipal",
                "Effect", "Deny",
                "Action", "*",
                "Resource", "*"))));
    }

    /** Puts the policy unless the user has it already as a deny-all; true when written. */
    boolean ensureOnUser(String userName, String policyName) {
        if (read(userName, policyName).filter(QuarantinePolicy::deniesAll).isPresent()) {
            return false;
        }
        AwsErrors.run("PutUserPolicy " + policyName, () -> iam.putUserPolicy(request -> request
                .userName(userName).policyName(policyName).policyDocument(document())));
        return true;
    }

    /** Re-reads the policy and fails unless it denies everything without a condition. */
    String verifyOnUser(String userName, String policyName) {
        JsonNode policy = read(userName, policyName).orElseThrow(() ->
                new VerificationFailedException("IAM user " + userName + " has no inline"
                        + " policy " + policyName + " after attaching it"));
        if (!deniesAll(policy)) {
            throw new VerificationFailedException("inline policy " + policyName + " of IAM"
                    + " user " + userName + " is not an unconditional deny-all: " + policy);
        }
        return "IAM user " + userName + " denies every action (" + policyName + ")";
    }

    static boolean deniesAll(JsonNode policy) {
        JsonNode statement = policy.path("Statement").path(0);
        return "Deny".equals(statement.path("Effect").asText())
                && "*".equals(statement.path("Action").asText())
                && "*".equals(statement.path("Resource").asText())
                && statement.path("Condition").isMissingNode();
    }

    private Optional<JsonNode> read(String userName, String policyName) {
        try {
            // IAM returns policy documents URL-encoded.
            String document = iam.getUserPolicy(request -> request.userName(userName)
                    .policyName(policyName)).policyDocument();
            return Optional.of(Json.parse(URLDecoder.decode(document, StandardCharsets.UTF_8),
                    policyName));
        } catch (SdkException e) {
            if ("NoSuchEntity".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw AwsErrors.classify(e, "GetUserPolicy " + userName);
        }
    }
}

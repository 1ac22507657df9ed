package org.cloudir.accesskey;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import org.cloudir.core.VerificationFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Writes and checks the inline policy that revokes temporary credentials: it denies every
 * action to credentials whose {@code aws:TokenIssueTime} is before the containment time.
 * Long-term keys carry no token issue time, so the condition never matches them; sessions
 * issued after containment (by whoever legitimately holds the identity) keep working. The
 * eradication handlers use it too, so the policy is written and checked the same way there.
 */
public final class SessionDenyPolicy {
    public static final String PREFIX = "ir-deny-sessions-";

    private final IamClient iam;

    public SessionDenyPolicy(IamClient iam) {
        this.iam = iam;
    }

    /** Returns the incident's policy name; incident ids have at most 80 characters. */
    public static String name(String incidentId) {
        return PREFIX + incidentId;
    }

    public static String document(Instant cutoff) {
        return Json.write(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                "Sid", "DenySessionsIssuedBeforeContainment",
                "Effect", "Deny",
                "Action", "*",
                "Resource", "*",
                "Condition", Map.of("DateLessThan",
                        Map.of("aws:TokenIssueTime", cutoff.toString()))))));
    }

    /** Attaches the policy unless the incident's policy is already there; true when added. */
    public boolean attachToUser(String userName, String policyName, Instant cutoff) {
        if (userPolicy(userName, policyName).isPresent()) {
            // A repeat keeps the first cutoff: moving it later would deny newer sessions too.
            return false;
        }
        AwsErrors.run("PutUserPolicy", () -> iam.putUserPolicy(request -> request
                .userName(userName).policyName(policyName).policyDocument(document(cutoff))));
        return true;
    }

    /** Attaches the policy to a role, revoking every session of it issued before the cutoff. */
    public boolean attachToRole(String roleName, String policyName, Instant cutoff) {
        if (rolePolicy(roleName, policyName).isPresent()) {
            return false;
        }
        AwsErrors.run("PutRolePolicy", () -> iam.putRolePolicy(request -> request
                .roleName(roleName).policyName(policyName).policyDocument(document(cutoff))));
        return true;
    }

    public String verifyOnRole(String roleName, String policyName) {
        return verify("IAM role " + roleName, policyName, rolePolicy(roleName, policyName));
    }

    public String verifyOnUser(String userName, String policyName) {
        return verify("IAM user " + userName, policyName, userPolicy(userName, policyName));
    }

    private static String verify(String principal, String policyName, Optional<String> document) {
        JsonNode statement = document.map(text -> Json.parse(text, policyName))
                .map(policy -> policy.path("Statement").path(0))
                .orElseThrow(() -> new VerificationFailedException(principal + " has no inline"
                        + " policy " + policyName + " after attaching it"));
        String cutoff = statement.path("Condition").path("DateLessThan")
                .path("aws:TokenIssueTime").asText("");
        if (!"Deny".equals(statement.path("Effect").asText())
                || !"*".equals(statement.path("Action").asText()) || cutoff.isEmpty()) {
            throw new VerificationFailedException("inline policy " + policyName + " of "
                    + principal + " is not a deny-all with an aws:TokenIssueTime condition: "
                    + statement);
        }
        return principal + " denies sessions issued before " + cutoff + " (" + policyName + ")";
    }

    private Optional<String> userPolicy(String userName, String policyName) {
        return read(() -> iam.getUserPolicy(request -> request.userName(userName)
                .policyName(policyName)).policyDocument(), "GetUserPolicy " + userName);
    }

    private Optional<String> rolePolicy(String roleName, String policyName) {
        return read(() -> iam.getRolePolicy(request -> request.roleName(roleName)
                .policyName(policyName)).policyDocument(), "GetRolePolicy " + roleName);
    }

    /** IAM returns policy documents URL-encoded; this returns the decoded JSON text. */
    private static Optional<String> read(java.util.function.Supplier<String> call,
            String operation) {
        try {
            return Optional.of(URLDecoder.decode(call.get(), StandardCharsets.UTF_8));
        } catch (SdkException e) {
            if ("NoSuchEntity".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw AwsErrors.classify(e, operation);
        }
    }
}

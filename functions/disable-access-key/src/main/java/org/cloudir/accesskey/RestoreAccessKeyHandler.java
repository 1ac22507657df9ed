package org.cloudir.accesskey;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.aws.UndoRequest;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Undoes disable-access-key once the incident is closed: the keys that were Active before are
 * activated again and the incident's session-deny policy is deleted. Use it only after the
 * key's secret is known to be safe (usually a rotated key is the better answer).
 */
public final class RestoreAccessKeyHandler extends ActionHandler {
    static final String ACTION = "restore-access-key";

    private final IamClient iam;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RestoreAccessKeyHandler() {
        this(Env.system());
    }

    public RestoreAccessKeyHandler(Env env) {
        this(AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                env, Clock.systemUTC());
    }

    public RestoreAccessKeyHandler(IamClient iam, Env env, Clock clock) {
        super(env, clock);
        this.iam = iam;
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException("restore-access-key needs the disable-access-key"
                + " result in field '" + UndoRequest.FIELD + "'");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        JsonNode recorded = UndoRequest.details(request, DisableAccessKeyHandler.ACTION,
                incident.incidentId());
        String userName = recorded.path("userName").asText();
        String policyName = recorded.path("sessionDenyPolicy").asText("");
        List<String> reactivate = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = recorded.path("previousStatus")
                .fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if ("Active".equals(entry.getValue().asText())) {
                reactivate.add(entry.getKey());
            }
        }
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would activate " + reactivate
                    + " and delete " + policyName, userName, reactivate, List.of(), started);
        }

        Map<String, StatusType> before = statuses(userName);
        for (String keyId : reactivate) {
            if (before.get(keyId) != StatusType.ACTIVE) {
                AwsErrors.run("UpdateAccessKey", () -> iam.updateAccessKey(r -> r
                        .userName(userName).accessKeyId(keyId).status(StatusType.ACTIVE)));
            }
        }
        boolean deleted = !policyName.isEmpty() && deletePolicy(userName, policyName);
        List<String> verified = verify(userName, reactivate, policyName);
        boolean changed = deleted || reactivate.stream()
                .anyMatch(keyId -> before.get(keyId) != StatusType.ACTIVE);
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                "activated " + reactivate + " of " + userName + " and removed " + policyName,
                userName, reactivate, verified, started);
    }

    private Map<String, StatusType> statuses(String userName) {
        Map<String, StatusType> statuses = new LinkedHashMap<>();
        AwsErrors.call("ListAccessKeys", () -> iam.listAccessKeysPaginator(r -> r
                .userName(userName)).accessKeyMetadata().stream().toList())
                .forEach(key -> statuses.put(key.accessKeyId(), key.status()));
        return statuses;
    }

    private boolean deletePolicy(String userName, String policyName) {
        try {
            iam.deleteUserPolicy(r -> r.userName(userName).policyName(policyName));
            return true;
        } catch (SdkException e) {
            if ("NoSuchEntity".equals(AwsErrors.code(e))) {
                return false;
            }
            throw AwsErrors.classify(e, "DeleteUserPolicy " + policyName);
        }
    }

    private List<String> verify(String userName, List<String> keyIds, String policyName) {
        List<String> verified = new ArrayList<>();
        Map<String, StatusType> now = statuses(userName);
        for (String keyId : keyIds) {
            if (now.get(keyId) != StatusType.ACTIVE) {
                throw new VerificationFailedException("access key " + keyId + " of " + userName
                        + " is " + now.get(keyId) + " after activating it");
            }
            verified.add("access key " + keyId + " of " + userName + " is Active");
        }
        List<String> policies = AwsErrors.call("ListUserPolicies", () -> iam
                .listUserPoliciesPaginator(r -> r.userName(userName)).policyNames().stream()
                .toList());
        if (policies.contains(policyName)) {
            throw new VerificationFailedException("IAM user " + userName + " still has inline"
                    + " policy " + policyName + " after deleting it");
        }
        verified.add("IAM user " + userName + " has no policy " + policyName);
        return verified;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            String userName, List<String> keys, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, Map.of("userName", userName, "activatedKeys", keys),
                verified, started, clock().instant());
    }
}

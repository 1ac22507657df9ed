package org.cloudir.accesskey;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Protection;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Deactivates the IAM user access key a finding names (or, for AWS's exposed-key quarantine
 * signal, every active key of the user) and reports which user owns it. Deactivation is
 * reversible, unlike deletion, which is left to the gated eradication phase. A deactivated key
 * leaves the STS session credentials already issued from it working until they expire, so the
 * user also gets an inline policy denying everything to credentials issued before now.
 */
public final class DisableAccessKeyHandler extends ActionHandler {
    static final String ACTION = "disable-access-key";

    private final IamClient iam;
    private final IamUsers users;
    private final SessionDenyPolicy sessionDeny;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public DisableAccessKeyHandler() {
        this(Env.system());
    }

    public DisableAccessKeyHandler(Env env) {
        // IAM is a global service served from one endpoint; the SDK signs it for aws-global.
        this(AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                env, Clock.systemUTC());
    }

    public DisableAccessKeyHandler(IamClient iam, Env env, Clock clock) {
        super(env, clock);
        this.iam = iam;
        this.users = new IamUsers(iam);
        this.sessionDeny = new SessionDenyPolicy(iam);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        String userName = incident.resource().userName();
        RootCredentialsException.refuseRoot(userName, incident.incidentId());
        User user = users.require(userName, "check the finding's accessKeyDetails.userName");
        Protection.refuseIfProtected(users.tags(userName), ACTION, "IAM user " + userName,
                incident.incidentId());
        List<AccessKeyMetadata> targets = targets(incident, userName);
        Map<String, String> previous = targets.stream().collect(Collectors.toMap(
                AccessKeyMetadata::accessKeyId, AccessKeyMetadata::statusAsString,
                (a, b) -> a, LinkedHashMap::new));
        List<String> active = targets.stream()
                .filter(key -> key.status() == StatusType.ACTIVE)
                .map(AccessKeyMetadata::accessKeyId)
                .toList();
        String policyName = SessionDenyPolicy.name(incident.incidentId());
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would deactivate " + active
                    + " and attach " + policyName, user, previous, policyName, List.of(),
                    started);
        }

        for (String keyId : active) {
            AwsErrors.run("UpdateAccessKey", () -> iam.updateAccessKey(request -> request
                    .userName(userName).accessKeyId(keyId).status(StatusType.INACTIVE)));
        }
        boolean denied = sessionDeny.attachToUser(userName, policyName, clock().instant());
        List<String> verified = verify(incident, userName, previous.keySet());
        verified.add(sessionDeny.verifyOnUser(userName, policyName));
        boolean changed = !active.isEmpty() || denied;
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                changed ? "deactivated " + active + " of IAM user " + userName
                        + " and denied its earlier sessions with " + policyName
                        : "access keys of " + userName + " were already inactive",
                user, previous, policyName, verified, started);
    }



    private List<AccessKeyMetadata> keys(String userName) {
        return AwsErrors.call("ListAccessKeys", () -> iam.listAccessKeysPaginator(request ->
                request.userName(userName)).accessKeyMetadata().stream().toList());
    }

    /** Returns the named key, or every key of the user when the incident names none. */
    private List<AccessKeyMetadata> targets(Incident incident, String userName) {
        List<AccessKeyMetadata> keys = keys(userName);
        String keyId = incident.resource().id();
        if (keyId == null) {
            return keys;
        }
        return keys.stream()
                .filter(key -> key.accessKeyId().equals(keyId))
                .findFirst()
                .map(List::of)
                .orElseThrow(() -> new ResourceNotFoundException("access key " + keyId
                        + " does not belong to IAM user " + userName + " (or was deleted)"));
    }

    private List<String> verify(Incident incident, String userName, Iterable<String> keyIds) {
        Map<String, StatusType> now = keys(userName).stream().collect(Collectors.toMap(
                AccessKeyMetadata::accessKeyId, AccessKeyMetadata::status));
        List<String> verified = new ArrayList<>();

        for (String keyId : keyIds) {
            if (now.get(keyId) != StatusType.INACTIVE) {
                throw new VerificationFailedException("access key " + keyId + " of "
                        + userName + " is " + now.get(keyId) + " after deactivation for"
                        + " incident " + incident.incidentId());
            }
            verified.add("access key " + keyId + " of " + userName + " is Inactive");
        }
        return verified;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, User user,
            Map<String, String> previous, String policyName, List<String> verified,
            Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary,
                Map.of("userName", user.userName(), "userArn", user.arn(),
                        "previousStatus", previous, "sessionDenyPolicy", policyName),
                verified, started, clock().instant());
    }
}

package org.cloudir.accesskey;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Revokes the sessions of an IAM role (a finding about an AssumedRole, ASIA key): role
 * session credentials cannot be deactivated one by one, so the role gets an inline policy
 * denying everything to credentials issued before now. Callers that assume the role again get
 * fresh, working sessions; the attacker's stolen ones stop at once. Expects
 * {@code {"incident": ..., "roleName": "..."}}.
 */
public final class RevokeRoleSessionsHandler extends ActionHandler {
    static final String ACTION = "revoke-role-sessions";
    static final String ROLE_FIELD = "roleName";

    private final IamClient iam;
    private final SessionDenyPolicy sessionDeny;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RevokeRoleSessionsHandler() {
        this(Env.system());
    }

    public RevokeRoleSessionsHandler(Env env) {
        this(AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                env, Clock.systemUTC());
    }

    public RevokeRoleSessionsHandler(IamClient iam, Env env, Clock clock) {
        super(env, clock);
        this.iam = iam;
        this.sessionDeny = new SessionDenyPolicy(iam);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException("field '" + ROLE_FIELD + "' is missing");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        String roleName = request.path(ROLE_FIELD).asText("").trim();
        if (roleName.isEmpty()) {
            throw new MalformedEventException("field '" + ROLE_FIELD + "' is missing or empty;"
                    + " name the role whose sessions to revoke for incident "
                    + incident.incidentId());
        }
        RootCredentialsException.refuseRoot(roleName, incident.incidentId());
        Role role = role(roleName);
        Protection.refuseIfProtected(tags(roleName), ACTION, "IAM role " + roleName,
                incident.incidentId());
        if (role.path().startsWith("/aws-service-role/")) {
            throw new MalformedEventException("IAM role " + roleName + " is service-linked;"
                    + " AWS manages it and it takes no inline policy: escalate to a human");
        }
        String policyName = SessionDenyPolicy.name(incident.incidentId());
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would attach " + policyName + " to "
                    + roleName, role, policyName, List.of(), started);
        }

        boolean attached = sessionDeny.attachToRole(roleName, policyName, clock().instant());
        List<String> verified = new ArrayList<>();
        verified.add(sessionDeny.verifyOnRole(roleName, policyName));
        return result(incident, attached ? Outcome.DONE : Outcome.ALREADY_DONE,
                attached ? "revoked sessions of IAM role " + roleName + " issued before now"
                        : "sessions of IAM role " + roleName + " were already revoked",
                role, policyName, verified, started);
    }

    private Role role(String roleName) {
        try {
            return iam.getRole(request -> request.roleName(roleName)).role();
        } catch (SdkException e) {
            if ("NoSuchEntity".equals(AwsErrors.code(e))) {
                throw new ResourceNotFoundException("IAM role " + roleName + " does not exist;"
                        + " check field '" + ROLE_FIELD + "'", e);
            }
            throw AwsErrors.classify(e, "GetRole " + roleName);
        }
    }

    private Map<String, String> tags(String roleName) {
        return AwsErrors.call("ListRoleTags", () -> iam.listRoleTags(request -> request
                        .roleName(roleName)).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)));
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, Role role,
            String policyName, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), role.roleName(), outcome,
                summary, Map.of("roleName", role.roleName(), "roleArn", role.arn(),
                        "sessionDenyPolicy", policyName),
                verified, started, clock().instant());
    }
}

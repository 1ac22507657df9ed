package org.cloudir.eradicate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.accesskey.IamUsers;
import org.cloudir.accesskey.RootCredentialsException;
import org.cloudir.accesskey.SessionDenyPolicy;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Protection;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.ResourceType;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Quarantines the compromised IAM user: an unconditional deny-all inline policy
 * {@code ir-quarantine-<incident>} stops every credential it has or gets later (keys, console
 * password, sessions), and containment's deny-sessions-before-now policy is put too if it is
 * missing. Both are inline policies of the incident, so recovery removes them by name.
 */
public final class QuarantinePrincipalHandler extends ActionHandler {
    static final String ACTION = "quarantine-principal";

    private final IamUsers users;
    private final QuarantinePolicy quarantine;
    private final SessionDenyPolicy sessionDeny;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public QuarantinePrincipalHandler() {
        this(Env.system());
    }

    public QuarantinePrincipalHandler(Env env) {
        this(AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                env, Clock.systemUTC());
    }

    public QuarantinePrincipalHandler(IamClient iam, Env env, Clock clock) {
        super(env, clock);
        this.users = new IamUsers(iam);
        this.quarantine = new QuarantinePolicy(iam);
        this.sessionDeny = new SessionDenyPolicy(iam);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        Recorded.requireType(incident, ResourceType.ACCESS_KEY, ACTION);
        String userName = incident.resource().userName();
        RootCredentialsException.refuseRoot(userName, incident.incidentId());
        User user = users.require(userName, "check the finding's accessKeyDetails.userName");
        Protection.refuseIfProtected(users.tags(userName), ACTION, "IAM user " + userName,
                incident.incidentId());
        String quarantineName = QuarantinePolicy.name(incident.incidentId());
        String sessionDenyName = SessionDenyPolicy.name(incident.incidentId());
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would attach " + quarantineName
                    + " (deny all) and make sure " + sessionDenyName + " is on IAM user "
                    + userName, user, false, List.of(), started);
        }

        boolean quarantined = quarantine.ensureOnUser(userName, quarantineName);
        boolean sessionsDenied = sessionDeny.attachToUser(userName, sessionDenyName,
                clock().instant());
        List<String> verified = new ArrayList<>();
        verified.add(quarantine.verifyOnUser(userName, quarantineName));
        verified.add(sessionDeny.verifyOnUser(userName, sessionDenyName));
        boolean changed = quarantined || sessionsDenied;
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                changed ? "quarantined IAM user " + userName + " with " + quarantineName
                        + (sessionsDenied ? " and denied its earlier sessions with "
                        + sessionDenyName : "")
                        : "IAM user " + userName + " was already quarantined",
                user, sessionsDenied, verified, started);
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, User user,
            boolean sessionDenyAdded, List<String> verified, Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("userName", user.userName());
        details.put("userArn", user.arn());
        details.put("quarantinePolicy", QuarantinePolicy.name(incident.incidentId()));
        details.put("sessionDenyPolicy", SessionDenyPolicy.name(incident.incidentId()));
        details.put("sessionDenyAdded", sessionDenyAdded);
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

package org.cloudir.recover;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cloudir.accesskey.IamUsers;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.ResourceType;
import org.cloudir.recover.internal.CredentialSecrets;
import org.cloudir.recover.internal.CredentialSecrets.Stored;
import org.cloudir.recover.internal.Recorded;
import org.cloudir.recover.internal.RecordedKeys;
import org.cloudir.recover.internal.Requests;
import org.cloudir.recover.internal.ResponderPolicies;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Gives an IAM user working credentials back after an access-key incident and lifts the
 * responder's deny policies. A compromised key that still exists is activated again only if
 * it was Active before containment; one that eradication deleted is rotated instead: a new
 * key is created for the user and its secret stored in Secrets Manager as
 * {@code incident-responder/<incident>/<user>}, never returned or logged. Keys that were the
 * attacker's own are never given back. Expects {@code {"incident": ..., "recorded": {...}}}
 * with the disable-access-key, quarantine-principal and delete-access-key results it finds.
 */
public final class RecoverAccessKeyHandler extends ActionHandler {
    static final String ACTION = "recover-access-key";
    /** IAM allows this many access keys per user. */
    static final int KEYS_PER_USER = 2;

    private final IamClient iam;
    private final IamUsers users;
    private final CredentialSecrets secrets;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RecoverAccessKeyHandler() {
        this(Env.system());
    }

    public RecoverAccessKeyHandler(Env env) {
        // IAM is a global service served from one endpoint; the SDK signs it for aws-global.
        this(AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                AwsClients.configure(SecretsManagerClient.builder(), env).build(),
                env, Clock.systemUTC());
    }

    public RecoverAccessKeyHandler(IamClient iam, SecretsManagerClient secrets, Env env,
            Clock clock) {
        super(env, clock);
        this.iam = iam;
        this.users = new IamUsers(iam);
        this.secrets = new CredentialSecrets(secrets);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException(ACTION + " needs field '" + Recorded.FIELD + "'");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        Requests.requireType(incident, ResourceType.ACCESS_KEY, ACTION);
        Recorded recorded = Recorded.read(request, incident.incidentId());
        String userName = incident.resource().userName();
        User user = users.require(userName,
                "field 'incident.resource.userName' names no user to recover");
        Protection.refuseIfProtected(users.tags(userName), ACTION, "IAM user " + userName,
                incident.incidentId());
        Plan plan = plan(incident, recorded, userName);
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would " + plan.describe(), user, plan,
                    List.of(), List.of(), Optional.empty(), List.of(), started);
        }

        List<String> activated = activate(userName, plan.reactivate());
        Optional<Rotation> rotation = plan.rotate().isEmpty() ? Optional.empty()
                : Optional.of(rotate(incident, userName, plan));
        List<String> removed = removePolicies(userName, plan.present());
        List<String> verified = verify(incident, userName, plan, rotation);
        boolean changed = !activated.isEmpty() || !removed.isEmpty()
                || rotation.map(Rotation::created).orElse(false);
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                changed ? "gave IAM user " + userName + " its credentials back: "
                        + plan.describe() : "credentials of " + userName
                        + " were already recovered", user, plan, activated, removed, rotation,
                verified, started);
    }

    /**
     * What recovery will do, read before acting.
     *
     * @param policies the recorded deny policies; present those of them the user has now
     * @param reactivate existing keys that were Active before containment and are not now
     * @param keepActive existing keys that were Active before containment, all of them
     * @param rotate keys that were Active before containment and are gone now
     */
    private record Plan(Set<String> policies, List<String> present, List<String> reactivate,
            List<String> keepActive, List<String> rotate, String secretName,
            Optional<Stored> secret) {
        String describe() {
            List<String> steps = new ArrayList<>();
            if (!reactivate.isEmpty()) {
                steps.add("activate " + reactivate);
            }
            if (!rotate.isEmpty()) {
                steps.add(secret.isPresent() ? "keep the rotated key in " + secretName
                        : "replace deleted " + rotate + " with a new key stored in "
                                + secretName);
            }
            if (!present.isEmpty()) {
                steps.add("delete " + present);
            }
            return steps.isEmpty() ? "change nothing" : String.join(", ", steps);
        }
    }

    /** The replacement key: its id, the secret holding it, and whether this run made it. */
    private record Rotation(String accessKeyId, String secretArn, boolean created) {
    }

    private Plan plan(Incident incident, Recorded recorded, String userName) {
        Set<String> policies = ResponderPolicies.recorded(recorded, incident.incidentId());
        List<String> present = policyNames(userName).stream().filter(policies::contains)
                .toList();
        RecordedKeys keys = RecordedKeys.of(recorded);
        Map<String, StatusType> now = statuses(userName);
        List<String> wanted = keys.userKeys().stream().filter(keys::activeBefore).toList();
        List<String> keepActive = wanted.stream().filter(now::containsKey).toList();
        List<String> reactivate = keepActive.stream()
                .filter(id -> now.get(id) != StatusType.ACTIVE).toList();
        List<String> rotate = wanted.stream().filter(id -> !now.containsKey(id)).toList();
        String secretName = CredentialSecrets.name(incident.incidentId(), userName);
        Optional<Stored> secret = rotate.isEmpty() ? Optional.empty()
                : secrets.find(secretName);
        return new Plan(policies, present, reactivate, keepActive, rotate, secretName, secret);
    }

    private List<String> activate(String userName, List<String> keyIds) {
        for (String keyId : keyIds) {
            AwsErrors.run("UpdateAccessKey " + keyId, () -> iam.updateAccessKey(request ->
                    request.userName(userName).accessKeyId(keyId).status(StatusType.ACTIVE)));
        }
        return keyIds;
    }

    /**
     * Finds this incident's earlier rotation by its secret, or creates the key and the secret.
     * A secret of this incident whose key is gone gets a new key; any other secret under the
     * name blocks recovery, because the responder did not write it.
     */
    private Rotation rotate(Incident incident, String userName, Plan plan) {
        String name = plan.secretName();
        Optional<Stored> existing = plan.secret();
        if (existing.isPresent()) {
            Stored stored = ownSecret(existing.get(), incident.incidentId());
            String keyId = stored.accessKeyId().orElseThrow();
            if (statuses(userName).containsKey(keyId)) {
                return new Rotation(keyId, stored.arn(), false);
            }
            AccessKey key = createKey(userName);
            secrets.replace(name, userName, key.accessKeyId(), key.secretAccessKey());
            return new Rotation(key.accessKeyId(), stored.arn(), true);
        }
        AccessKey key = createKey(userName);
        try {
            String arn = secrets.create(name, incident.incidentId(), userName,
                    key.accessKeyId(), key.secretAccessKey());
            return new Rotation(key.accessKeyId(), arn, true);
        } catch (RuntimeException e) {
            // A key whose secret was not stored is of no use to anyone: take it back.
            deleteKeyQuietly(userName, key.accessKeyId(), e);
            throw e;
        }
    }

    private static Stored ownSecret(Stored stored, String incidentId) {
        if (stored.deleted()) {
            throw new RecoveryBlockedException("secret " + stored.name() + " is scheduled for"
                    + " deletion; restore it (RestoreSecret) or wait until it is deleted, then"
                    + " run " + ACTION + " again");
        }
        if (!incidentId.equals(stored.tags().get(CredentialSecrets.INCIDENT_TAG))
                || stored.accessKeyId().isEmpty()) {
            throw new RecoveryBlockedException("secret " + stored.name() + " exists but was not"
                    + " written by " + ACTION + " for incident " + incidentId + " (tags "
                    + stored.tags().keySet() + "); move it away, then run again");
        }
        return stored;
    }

    private AccessKey createKey(String userName) {
        Map<String, StatusType> now = statuses(userName);
        if (now.size() >= KEYS_PER_USER) {
            throw new RecoveryBlockedException("IAM user " + userName + " already has "
                    + now.size() + " access keys " + now.keySet() + ", the most IAM allows;"
                    + " delete one the user does not need, then run " + ACTION + " again");
        }
        try {
            return iam.createAccessKey(request -> request.userName(userName)).accessKey();
        } catch (SdkException e) {
            if ("LimitExceeded".equals(AwsErrors.code(e))) {
                throw new RecoveryBlockedException("IAM user " + userName + " cannot get a new"
                        + " access key: it has the most IAM allows", e);
            }
            throw AwsErrors.classify(e, "CreateAccessKey " + userName);
        }
    }

    private void deleteKeyQuietly(String userName, String keyId, RuntimeException cause) {
        try {
            iam.deleteAccessKey(request -> request.userName(userName).accessKeyId(keyId));
        } catch (SdkException e) {
            cause.addSuppressed(e);
        }
    }

    private List<String> removePolicies(String userName, List<String> names) {
        List<String> removed = new ArrayList<>();
        for (String policyName : names) {
            try {
                iam.deleteUserPolicy(request -> request.userName(userName)
                        .policyName(policyName));
                removed.add(policyName);
            } catch (SdkException e) {
                if (!"NoSuchEntity".equals(AwsErrors.code(e))) {
                    throw AwsErrors.classify(e, "DeleteUserPolicy " + policyName);
                }
            }
        }
        return removed;
    }

    private List<String> verify(Incident incident, String userName, Plan plan,
            Optional<Rotation> rotation) {
        List<String> verified = new ArrayList<>();
        Map<String, StatusType> now = statuses(userName);
        List<String> active = new ArrayList<>(plan.keepActive());
        rotation.ifPresent(replacement -> active.add(replacement.accessKeyId()));
        for (String keyId : active) {
            if (now.get(keyId) != StatusType.ACTIVE) {
                throw new VerificationFailedException("access key " + keyId + " of " + userName
                        + " is " + (now.containsKey(keyId) ? now.get(keyId) : "gone")
                        + " after recovery; expected Active");
            }
            verified.add("access key " + keyId + " of " + userName + " is Active");
        }
        List<String> left = policyNames(userName).stream()
                .filter(plan.policies()::contains).toList();
        if (!left.isEmpty()) {
            throw new VerificationFailedException("IAM user " + userName + " still has "
                    + left + " after deleting them");
        }
        if (!plan.policies().isEmpty()) {
            verified.add("IAM user " + userName + " has none of " + plan.policies());
        }
        rotation.ifPresent(replacement -> {
            Stored stored = secrets.verify(plan.secretName(), incident.incidentId(),
                    replacement.accessKeyId());
            verified.add("secret " + stored.name() + " holds access key "
                    + replacement.accessKeyId() + " of " + userName);
        });
        return verified;
    }



    private Map<String, StatusType> statuses(String userName) {
        Map<String, StatusType> statuses = new LinkedHashMap<>();
        AwsErrors.call("ListAccessKeys", () -> iam.listAccessKeysPaginator(request -> request
                        .userName(userName)).accessKeyMetadata().stream().toList())
                .forEach((AccessKeyMetadata key) -> statuses.put(key.accessKeyId(), key.status()));
        return statuses;
    }

    private List<String> policyNames(String userName) {
        return AwsErrors.call("ListUserPolicies", () -> iam.listUserPoliciesPaginator(request ->
                request.userName(userName)).policyNames().stream().toList());
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, User user,
            Plan plan, List<String> activated, List<String> removed,
            Optional<Rotation> rotation, List<String> verified, Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("userName", user.userName());
        details.put("userArn", user.arn());
        details.put("policies", List.copyOf(plan.policies()));
        details.put("removedPolicies", removed);
        details.put("activatedKeys", activated);
        details.put("rotatedKeys", plan.rotate());
        if (!plan.rotate().isEmpty()) {
            details.put("secretName", plan.secretName());
        }
        rotation.ifPresent(replacement -> {
            details.put("newAccessKeyId", replacement.accessKeyId());
            details.put("secretArn", replacement.secretArn());
        });
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

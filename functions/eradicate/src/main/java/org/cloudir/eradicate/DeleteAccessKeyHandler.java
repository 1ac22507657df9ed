package org.cloudir.eradicate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.accesskey.IamUsers;
import org.cloudir.accesskey.RootCredentialsException;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.ResourceType;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Deletes the compromised access keys: the key the incident names, or for a whole-user
 * incident the keys containment deactivated (read from {@code recorded.disableAccessKey}) and
 * that are still Inactive. A key that was Inactive before containment, or is Active again, is
 * left alone. Each key's id, creation date and last status is tagged on the user before it is
 * deleted, so a retry after a half-finished run still reports what recovery rotates from.
 */
public final class DeleteAccessKeyHandler extends ActionHandler {
    static final String ACTION = "delete-access-key";
    static final String DELETED_KEY_TAG_PREFIX = "ir:deleted-key:";

    private final IamClient iam;
    private final IamUsers users;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public DeleteAccessKeyHandler() {
        this(Env.system());
    }

    public DeleteAccessKeyHandler(Env env) {
        this(AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                env, Clock.systemUTC());
    }

    public DeleteAccessKeyHandler(IamClient iam, Env env, Clock clock) {
        super(env, clock);
        this.iam = iam;
        this.users = new IamUsers(iam);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        return act(incident, Json.mapper().createObjectNode(), dryRun, started);
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        Recorded.requireType(incident, ResourceType.ACCESS_KEY, ACTION);
        String userName = incident.resource().userName();
        RootCredentialsException.refuseRoot(userName, incident.incidentId());
        User user = users.require(userName, "check the finding's accessKeyDetails.userName");
        Map<String, String> tags = users.tags(userName);
        Protection.refuseIfProtected(tags, ACTION, "IAM user " + userName,
                incident.incidentId());
        Plan plan = plan(incident, request, userName, tags);
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would delete " + plan.keyIds()
                    + " of IAM user " + userName, user, plan, List.of(), List.of(), started);
        }

        List<Map<String, Object>> deleted = new ArrayList<>();
        for (AccessKeyMetadata key : plan.targets()) {
            Map<String, Object> record = record(key);
            // Tag first: if the call below succeeds but the run fails, a retry still knows.
            AwsErrors.run("TagUser " + userName, () -> iam.tagUser(r -> r.userName(userName)
                    .tags(tag -> tag.key(DELETED_KEY_TAG_PREFIX + key.accessKeyId())
                            .value(tagValue(incident, key)))));
            if (users.deleteKey(userName, key.accessKeyId())) {
                deleted.add(record);
            }
        }
        List<String> verified = verify(userName, plan);
        return result(incident, deleted.isEmpty() ? Outcome.ALREADY_DONE : Outcome.DONE,
                deleted.isEmpty() ? "access keys " + plan.gone().keySet() + " of " + userName
                        + " were already deleted"
                        : "deleted access keys " + deleted.stream()
                        .map(key -> key.get("accessKeyId")).toList() + " of IAM user "
                        + userName, user, plan, deleted, verified, started);
    }

    /**
     * What the run acts on: keys to delete now, keys already gone (with what an earlier run
     * recorded of them), and keys left alone with the reason.
     */
    private record Plan(List<AccessKeyMetadata> targets, Map<String, Map<String, Object>> gone,
            Map<String, String> skipped) {
        List<String> keyIds() {
            return targets.stream().map(AccessKeyMetadata::accessKeyId).toList();
        }
    }

    private Plan plan(Incident incident, JsonNode request, String userName,
            Map<String, String> tags) {
        Map<String, AccessKeyMetadata> current = new LinkedHashMap<>();
        users.keys(userName).forEach(key -> current.put(key.accessKeyId(), key));
        List<AccessKeyMetadata> targets = new ArrayList<>();
        Map<String, Map<String, Object>> gone = new LinkedHashMap<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Map.Entry<String, Candidate> candidate : candidates(incident, request, userName)
                .entrySet()) {
            String keyId = candidate.getKey();
            AccessKeyMetadata key = current.get(keyId);
            if (candidate.getValue() == Candidate.INACTIVE_BEFORE) {
                skipped.put(keyId, "was Inactive before containment: not the responder's to"
                        + " delete");
            } else if (key == null) {
                gone.put(keyId, recorded(userName, keyId, tags));
            } else if (candidate.getValue() == Candidate.NAMED
                    || key.status() == StatusType.INACTIVE) {
                targets.add(key);
            } else {
                skipped.put(keyId, "Active again since containment deactivated it: someone"
                        + " turned it back on; review by hand");
            }
        }
        return new Plan(targets, gone, skipped);
    }

    /** Says why a key is a candidate for deletion. */
    private enum Candidate {
        /** The key the incident names: deleted whatever its status. */
        NAMED,
        /** Active until containment deactivated it: deleted while still Inactive. */
        DEACTIVATED_BY_CONTAINMENT,
        /** Already Inactive when containment ran: never deleted. */
        INACTIVE_BEFORE
    }

    private static Map<String, Candidate> candidates(Incident incident, JsonNode request,
            String userName) {
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        String named = incident.resource().id();
        if (named != null) {
            candidates.put(named, Candidate.NAMED);
            return candidates;
        }
        JsonNode disabled = Recorded.details(request, "disable-access-key", incident)
                .orElseThrow(() -> new MalformedEventException("field '" + Recorded.FIELD + "."
                        + Recorded.DISABLE_ACCESS_KEY + "' is missing: incident "
                        + incident.incidentId() + " names no key, so only the keys"
                        + " disable-access-key deactivated are deleted; pass its result"));
        String recordedUser = disabled.path("userName").asText("");
        if (!userName.equals(recordedUser)) {
            throw new MalformedEventException("field '" + Recorded.FIELD + "."
                    + Recorded.DISABLE_ACCESS_KEY + ".details.userName' is '" + recordedUser
                    + "' but the incident is about IAM user " + userName);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = disabled.path("previousStatus")
                .fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            candidates.put(entry.getKey(), "Active".equals(entry.getValue().asText())
                    ? Candidate.DEACTIVATED_BY_CONTAINMENT : Candidate.INACTIVE_BEFORE);
        }
        return candidates;
    }

    private static Map<String, Object> record(AccessKeyMetadata key) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("accessKeyId", key.accessKeyId());
        record.put("userName", key.userName());
        record.put("createDate", String.valueOf(key.createDate()));
        record.put("lastStatus", key.statusAsString());
        return record;
    }

    /** Formats the tag value (IAM allows letters, digits, spaces and _.:/=+-@ only). */
    private static String tagValue(Incident incident, AccessKeyMetadata key) {
        return "incident=" + incident.incidentId() + " created=" + key.createDate()
                + " status=" + key.statusAsString();
    }

    /** Returns what an earlier run tagged on the user about a key it deleted, if anything. */
    private static Map<String, Object> recorded(String userName, String keyId,
            Map<String, String> tags) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("accessKeyId", keyId);
        record.put("userName", userName);
        Map<String, String> parts = new HashMap<>();
        Optional.ofNullable(tags.get(DELETED_KEY_TAG_PREFIX + keyId)).ifPresent(value -> {
            for (String part : value.split(" ")) {
                String[] pair = part.split("=", 2);
                parts.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
        });
        record.put("createDate", parts.getOrDefault("created", "unknown"));
        record.put("lastStatus", parts.getOrDefault("status", "unknown"));
        return record;
    }

    private List<String> verify(String userName, Plan plan) {
        List<String> listed = users.keys(userName).stream()
                .map(AccessKeyMetadata::accessKeyId).toList();
        List<String> verified = new ArrayList<>();
        List<String> expectedGone = new ArrayList<>(plan.keyIds());
        expectedGone.addAll(plan.gone().keySet());
        for (String keyId : expectedGone) {
            if (listed.contains(keyId)) {
                throw new VerificationFailedException("access key " + keyId + " of IAM user "
                        + userName + " is still listed after deleting it");
            }
            verified.add("ListAccessKeys of " + userName + " no longer lists " + keyId);
        }
        return verified;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, User user,
            Plan plan, List<Map<String, Object>> deleted, List<String> verified,
            Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("userName", user.userName());
        details.put("userArn", user.arn());
        details.put("deletedKeys", deleted);
        details.put("alreadyDeletedKeys", List.copyOf(plan.gone().values()));
        if (outcome == Outcome.DRY_RUN) {
            details.put("plannedKeys", plan.targets().stream()
                    .map(DeleteAccessKeyHandler::record).toList());
        }
        details.put("skippedKeys", plan.skipped());
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

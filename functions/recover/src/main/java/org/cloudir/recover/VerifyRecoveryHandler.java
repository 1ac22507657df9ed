package org.cloudir.recover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.ec2.Ec2Instances;
import org.cloudir.recover.internal.BeforeRecord;
import org.cloudir.recover.internal.Check;
import org.cloudir.recover.internal.Recorded;
import org.cloudir.recover.internal.RecordedKeys;
import org.cloudir.recover.internal.ResponderPolicies;
import org.cloudir.recover.internal.Waiter;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Verifies recovery against the pre-incident record that collect-evidence stored
 * ({@code incidents/<incident>/before/resource.json}): for an instance, each network
 * interface's security groups, termination and stop protection, shutdown behaviour, instance
 * profile and, if it was running, its state; for an access-key incident, that no responder
 * policy remains and that every recorded key is in its recorded status or was rotated. Every
 * difference is listed in one {@link VerificationFailedException}. It changes nothing; in dry
 * run it reports the checks without failing. Expects
 * {@code {"incident": ..., "recorded": {...}}}, where it reads isolate-instance's recorded
 * attributes (for records without them) and recover-access-key's rotation.
 */
public final class VerifyRecoveryHandler extends ActionHandler {
    static final String ACTION = "verify-recovery";

    private final Ec2Client ec2;
    private final IamClient iam;
    private final S3Client s3;
    private final String bucket;
    private final Waiter waiter;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public VerifyRecoveryHandler() {
        this(Env.system());
    }

    public VerifyRecoveryHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(),
                AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                // Path-style addressing only against the local emulator.
                AwsClients.configure(S3Client.builder(), env)
                        .forcePathStyle(env.get(AwsClients.ENDPOINT_VARIABLE).isPresent())
                        .build(),
                env, Clock.systemUTC());
    }

    public VerifyRecoveryHandler(Ec2Client ec2, IamClient iam, S3Client s3, Env env,
            Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.iam = iam;
        this.s3 = s3;
        this.bucket = env.require("EVIDENCE_BUCKET");
        this.waiter = new Waiter(clock, StartInstanceHandler.WAIT, StartInstanceHandler.POLL);
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
        Recorded recorded = Recorded.read(request, incident.incidentId());
        List<Check> checks = switch (incident.resource().type()) {
            case INSTANCE -> instanceChecks(incident, recorded, dryRun);
            case ACCESS_KEY -> keyChecks(incident, recorded);
            default -> throw new MalformedEventException("field 'incident.resource.type' is '"
                    + incident.resource().type().wireName() + "'; " + ACTION + " verifies"
                    + " Instance and AccessKey incidents only");
        };
        List<Check> differences = checks.stream().filter(check -> !check.ok()).toList();
        String resource = incident.resource().key();
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would compare " + resource + " with its"
                    + " pre-incident record in " + checks.size() + " checks; "
                    + differences.size() + " differ now", checks, List.of(), started);
        }
        if (!differences.isEmpty()) {
            throw new VerificationFailedException(resource + " differs from its pre-incident"
                    + " record " + BeforeRecord.key(incident.incidentId()) + " in "
                    + differences.size() + " of " + checks.size() + " checks: "
                    + differences.stream().map(Check::describe)
                            .collect(Collectors.joining("; ")));
        }
        return result(incident, Outcome.DONE, resource + " matches its pre-incident record in"
                + " all " + checks.size() + " checks", checks,
                checks.stream().map(Check::describe).toList(), started);
    }

    private List<Check> instanceChecks(Incident incident, Recorded recorded, boolean dryRun) {
        String instanceId = incident.resource().id();
        Instance instance = Ec2Instances.describe(ec2, instanceId);
        Protection.refuseIfProtected(Ec2Instances.tags(instance.tags()), ACTION,
                "instance " + instanceId, incident.incidentId());
        JsonNode before = BeforeRecord.read(s3, bucket, incident.incidentId(),
                incident.resource());
        JsonNode isolated = recorded.acted("isolateInstance", "isolate-instance")
                .map(details -> details.path("originalAttributes"))
                .orElse(MissingNode.getInstance());
        List<Check> checks = new ArrayList<>(interfaceChecks(instanceId, before));
        bool(before, isolated, "disableApiTermination").ifPresent(wanted -> checks.add(
                Check.equal("termination protection", wanted, attribute(instanceId,
                        InstanceAttributeName.DISABLE_API_TERMINATION))));
        bool(before, isolated, "disableApiStop").ifPresent(wanted -> checks.add(
                Check.equal("stop protection", wanted, attribute(instanceId,
                        InstanceAttributeName.DISABLE_API_STOP))));
        text(before, isolated, "instanceInitiatedShutdownBehavior").ifPresent(wanted ->
                checks.add(Check.equal("shutdown behaviour", wanted, attribute(instanceId,
                        InstanceAttributeName.INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR))));
        String profile = before.path("iamInstanceProfile").isTextual()
                ? before.path("iamInstanceProfile").asText() : null;
        checks.add(Check.equal("instance profile", profile, profileNow(instanceId)));
        if ("running".equals(before.path("state").asText())) {
            checks.add(Check.equal("state", "running", dryRun
                    ? instance.state().nameAsString() : stateOnceStarted(instanceId)));
        }
        return checks;
    }

    private List<Check> interfaceChecks(String instanceId, JsonNode before) {
        Map<String, List<String>> now = new LinkedHashMap<>();
        AwsErrors.call("DescribeNetworkInterfaces", () -> ec2
                        .describeNetworkInterfacesPaginator(request -> request.filters(filter ->
                                filter.name("attachment.instance-id").values(instanceId)))
                        .networkInterfaces().stream().toList())
                .forEach(eni -> now.put(eni.networkInterfaceId(), eni.groups().stream()
                        .map(GroupIdentifier::groupId).sorted().toList()));
        List<Check> checks = new ArrayList<>();
        List<String> recordedIds = new ArrayList<>();
        for (JsonNode eni : before.path("networkInterfaces")) {
            String id = eni.path("networkInterfaceId").asText();
            recordedIds.add(id);
            List<String> wanted = new ArrayList<>();
            eni.path("groups").forEach(group -> wanted.add(group.asText()));
            wanted.sort(String::compareTo);
            checks.add(Check.equal("security groups of " + id, wanted,
                    now.containsKey(id) ? now.get(id) : "not attached"));
        }
        now.keySet().stream().filter(id -> !recordedIds.contains(id)).forEach(id -> checks.add(
                new Check("network interface " + id, "not attached (not in the record)",
                        "attached in " + now.get(id), false)));
        return checks;
    }

    /** A boolean attribute from the record, or from isolate-instance's when the record lacks it. */
    private static Optional<Boolean> bool(JsonNode before, JsonNode isolated, String field) {
        JsonNode value = before.path(field).isBoolean() ? before.path(field) : isolated.path(field);
        return value.isBoolean() ? Optional.of(value.asBoolean()) : Optional.empty();
    }

    private static Optional<String> text(JsonNode before, JsonNode isolated, String field) {
        JsonNode value = before.path(field).isTextual() ? before.path(field) : isolated.path(field);
        return value.isTextual() && !"null".equals(value.asText())
                ? Optional.of(value.asText()) : Optional.empty();
    }

    private Object attribute(String instanceId, InstanceAttributeName name) {
        var response = AwsErrors.call("DescribeInstanceAttribute " + name, () -> ec2
                .describeInstanceAttribute(request -> request.instanceId(instanceId)
                        .attribute(name)));
        return switch (name) {
            case DISABLE_API_TERMINATION -> Boolean.TRUE.equals(
                    response.disableApiTermination().value());
            case DISABLE_API_STOP -> Boolean.TRUE.equals(response.disableApiStop().value());
            default -> response.instanceInitiatedShutdownBehavior().value();
        };
    }

    private String profileNow(String instanceId) {
        return AwsErrors.call("DescribeIamInstanceProfileAssociations", () -> ec2
                        .describeIamInstanceProfileAssociations(request -> request.filters(
                                filter -> filter.name("instance-id").values(instanceId)))
                        .iamInstanceProfileAssociations()).stream()
                .filter(association -> "associated".equals(association.stateAsString()))
                .map(association -> association.iamInstanceProfile().arn())
                .findFirst().orElse(null);
    }

    /** Waits while a just-started instance is still pending; returns the state it reached. */
    private String stateOnceStarted(String instanceId) {
        return waiter.until(() -> Optional.of(Ec2Instances.describe(ec2, instanceId).state()
                        .nameAsString()).filter(state -> !"pending".equals(state)))
                .orElse("pending");
    }

    private List<Check> keyChecks(Incident incident, Recorded recorded) {
        String userName = incident.resource().userName();
        Protection.refuseIfProtected(userTags(userName), ACTION, "IAM user " + userName,
                incident.incidentId());
        JsonNode before = BeforeRecord.read(s3, bucket, incident.incidentId(),
                incident.resource());
        RecordedKeys keys = RecordedKeys.of(recorded);
        Map<String, String> now = new LinkedHashMap<>();
        AwsErrors.call("ListAccessKeys", () -> iam.listAccessKeysPaginator(request -> request
                        .userName(userName)).accessKeyMetadata().stream().toList())
                .forEach((AccessKeyMetadata key) -> now.put(key.accessKeyId(),
                        key.statusAsString()));
        List<Check> checks = new ArrayList<>();
        List<String> policies = AwsErrors.call("ListUserPolicies", () -> iam
                .listUserPoliciesPaginator(request -> request.userName(userName))
                .policyNames().stream()
                .filter(name -> name.startsWith(ResponderPolicies.RESPONDER_PREFIX)).toList());
        checks.add(Check.equal("responder policies on " + userName, List.of(), policies));
        List<String> recordedIds = new ArrayList<>();
        for (JsonNode key : before.path("accessKeys")) {
            String id = key.path("accessKeyId").asText();
            recordedIds.add(id);
            checks.add(keyCheck(id, key.path("status").asText(), now, keys));
        }
        if (!keys.replacement().isEmpty()) {
            checks.add(Check.equal("replacement key " + keys.replacement(), "Active",
                    now.getOrDefault(keys.replacement(), "gone")));
        }
        List<String> unknown = now.keySet().stream()
                .filter(id -> !recordedIds.contains(id) && !id.equals(keys.replacement()))
                .toList();
        checks.add(Check.equal("access keys not in the record", List.of(), unknown));
        return checks;
    }

    /** A recorded key passes in its recorded status, or when gone for a recorded reason. */
    private static Check keyCheck(String id, String status, Map<String, String> now,
            RecordedKeys keys) {
        String name = "access key " + id;
        if (now.containsKey(id)) {
            return Check.equal(name, status, now.get(id));
        }
        String expected = status + ", or deleted and rotated";
        if (keys.rotated().contains(id) && !keys.replacement().isEmpty()
                && "Active".equals(now.get(keys.replacement()))) {
            return new Check(name, expected, "deleted, rotated to " + keys.replacement(), true);
        }
        if (keys.attackerKeys().contains(id)) {
            return new Check(name, expected, "deleted as the attacker's", true);
        }
        if (keys.deleted().containsKey(id) && !"Active".equals(status)) {
            return new Check(name, expected, "deleted by eradication; it was " + status
                    + " before, so there was nothing to give back", true);
        }
        return new Check(name, expected, "deleted", false);
    }

    private Map<String, String> userTags(String userName) {
        try {
            return iam.listUserTagsPaginator(request -> request.userName(userName)).tags()
                    .stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
        } catch (SdkException e) {
            if ("NoSuchEntity".equals(AwsErrors.code(e))) {
                throw new ResourceNotFoundException("IAM user " + userName + " does not exist;"
                        + " it cannot match its pre-incident record", e);
            }
            throw AwsErrors.classify(e, "ListUserTags " + userName);
        }
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            List<Check> checks, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, Map.of(
                        "evidenceKey", BeforeRecord.key(incident.incidentId()),
                        "checks", checks.stream().map(Check::details).toList()),
                verified, started, clock().instant());
    }
}

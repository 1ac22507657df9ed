package org.cloudir.eradicate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.cloudir.accesskey.SessionDenyPolicy;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.ResourceType;
import org.cloudir.ec2.Ec2Instances;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Revokes the sessions of a compromised instance's role: credentials stolen from the instance
 * metadata keep working after the profile is disassociated, until they expire, so each role of
 * the instance profile gets an inline policy denying everything to sessions issued before now.
 * The profile comes from containment's record (isolate-instance's details, or the
 * {@code ir:original-profile} instance tag) or, when containment did not remove it, from the
 * instance's current association. Other instances sharing the role lose their current
 * credentials too, until the metadata service hands them fresh ones.
 */
public final class RevokeInstanceRoleSessionsHandler extends ActionHandler {
    static final String ACTION = "revoke-role-sessions";
    static final String ORIGINAL_PROFILE_TAG = "ir:original-profile";
    static final String PROFILE_DETAIL = "instanceProfileArn";

    private final Ec2Client ec2;
    private final IamClient iam;
    private final SessionDenyPolicy sessionDeny;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RevokeInstanceRoleSessionsHandler() {
        this(Env.system());
    }

    public RevokeInstanceRoleSessionsHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(),
                AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                env, Clock.systemUTC());
    }

    public RevokeInstanceRoleSessionsHandler(Ec2Client ec2, IamClient iam, Env env,
            Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.iam = iam;
        this.sessionDeny = new SessionDenyPolicy(iam);
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
        Recorded.requireType(incident, ResourceType.INSTANCE, ACTION);
        String instanceId = incident.resource().id();
        Instance instance = Ec2Instances.describe(ec2, instanceId);
        Map<String, String> instanceTags = Ec2Instances.tags(instance.tags());
        Protection.refuseIfProtected(instanceTags, ACTION, "instance " + instanceId,
                incident.incidentId());
        Set<String> profiles = profiles(incident, request, instanceId, instanceTags);
        if (profiles.isEmpty()) {
            return result(incident, Outcome.ALREADY_DONE, "no instance role: instance "
                    + instanceId + " has no instance profile, now or recorded by containment",
                    profiles, List.of(), List.of(), started);
        }
        List<Role> roles = rolesOf(profiles, incident);
        String policyName = SessionDenyPolicy.name(incident.incidentId());
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would attach " + policyName + " to "
                    + roleNames(roles), profiles, roles, List.of(), started);
        }

        boolean attached = false;
        Instant cutoff = clock().instant();
        for (Role role : roles) {
            attached |= sessionDeny.attachToRole(role.roleName(), policyName, cutoff);
        }
        List<String> verified = new ArrayList<>();
        for (Role role : roles) {
            verified.add(sessionDeny.verifyOnRole(role.roleName(), policyName));
        }
        return result(incident, attached ? Outcome.DONE : Outcome.ALREADY_DONE,
                (attached ? "revoked sessions issued before now of " : "sessions were already"
                        + " revoked of ") + "IAM roles " + roleNames(roles) + " of instance "
                        + instanceId + "; other instances using them get fresh credentials"
                        + " from the metadata service",
                profiles, roles, verified, started);
    }

    /** Returns every profile ARN the instance had: recorded by containment or still attached. */
    private Set<String> profiles(Incident incident, JsonNode request, String instanceId,
            Map<String, String> instanceTags) {
        Set<String> arns = new LinkedHashSet<>();
        Recorded.details(request, "isolate-instance", incident)
                .map(details -> details.path(PROFILE_DETAIL).asText(""))
                .filter(arn -> !arn.isBlank())
                .ifPresent(arns::add);
        Optional.ofNullable(instanceTags.get(ORIGINAL_PROFILE_TAG))
                .filter(arn -> !arn.isBlank())
                .ifPresent(arns::add);
        AwsErrors.call("DescribeIamInstanceProfileAssociations", () -> ec2
                        .describeIamInstanceProfileAssociations(r -> r.filters(filter -> filter
                                .name("instance-id").values(instanceId)))
                        .iamInstanceProfileAssociations())
                .stream()
                .filter(association -> "associated".equals(association.stateAsString())
                        || "associating".equals(association.stateAsString()))
                .map(IamInstanceProfileAssociation::iamInstanceProfile)
                .forEach(profile -> arns.add(profile.arn()));
        return arns;
    }

    /** Returns the roles of the profiles, refusing before any change if one is off limits. */
    private List<Role> rolesOf(Set<String> profileArns, Incident incident) {
        Map<String, Role> roles = new LinkedHashMap<>();
        for (String arn : profileArns) {
            String profileName = profileName(arn);
            List<Role> profileRoles;
            try {
                profileRoles = iam.getInstanceProfile(r -> r.instanceProfileName(profileName))
                        .instanceProfile().roles();
            } catch (SdkException e) {
                if ("NoSuchEntity".equals(AwsErrors.code(e))) {
                    throw new ResourceNotFoundException("instance profile " + arn + " of"
                            + " incident " + incident.incidentId() + " no longer exists, so its"
                            + " role is unknown here; find the role in CloudTrail and revoke"
                            + " its sessions by hand", e);
                }
                throw AwsErrors.classify(e, "GetInstanceProfile " + profileName);
            }
            profileRoles.forEach(role -> roles.putIfAbsent(role.roleName(), role));
        }
        for (Role role : roles.values()) {
            refuseIfOffLimits(role, incident);
        }
        return List.copyOf(roles.values());
    }

    private void refuseIfOffLimits(Role role, Incident incident) {
        if (role.path() != null && role.path().startsWith("/aws-service-role/")) {
            throw new ProtectedResourceException(ACTION + " refused for incident "
                    + incident.incidentId() + ": IAM role " + role.roleName() + " is"
                    + " service-linked; AWS manages it and it takes no inline policy");
        }
        Map<String, String> tags = AwsErrors.call("ListRoleTags " + role.roleName(), () -> iam
                .listRoleTagsPaginator(r -> r.roleName(role.roleName())).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)));
        Protection.refuseIfProtected(tags, ACTION, "IAM role " + role.roleName(),
                incident.incidentId());
    }

    /** Returns the profile's name: the last part of its ARN, after any path. */
    static String profileName(String arn) {
        int marker = arn.indexOf(":instance-profile/");
        if (marker < 0) {
            throw new MalformedEventException("instance profile ARN '" + arn + "' has no"
                    + " ':instance-profile/' part");
        }
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private static List<String> roleNames(List<Role> roles) {
        return roles.stream().map(Role::roleName).toList();
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Set<String> profiles, List<Role> roles, List<String> verified, Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("instanceId", incident.resource().id());
        details.put("instanceProfileArns", List.copyOf(profiles));
        details.put("roles", roles.stream()
                .map(role -> Map.of("roleName", role.roleName(), "roleArn", role.arn()))
                .toList());
        details.put("sessionDenyPolicy", SessionDenyPolicy.name(incident.incidentId()));
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

package org.cloudir.identify.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Protection;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.identify.model.AccessKeyFacts;
import org.cloudir.identify.model.InstanceFacts;
import org.cloudir.identify.model.OtherFacts;
import org.cloudir.identify.model.Ownership;
import org.cloudir.identify.model.ResourceFacts;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * Reads an incident's resource for identification: an instance's placement, profile, tags and
 * owner; an IAM user's tags, owner, keys and policies, and whether those make it an
 * administrator. It only reads. A resource that cannot be read (gone, access denied) is
 * described by the error, so identification never blocks the response; throttling and 5xx
 * that outlast the SDK's retries still fail as TransientAwsException, so the state machine
 * retries.
 */
public final class ResourceEnricher {
    private final Ec2Client ec2;
    private final IamClient iam;

    public ResourceEnricher(Ec2Client ec2, IamClient iam) {
        this.ec2 = ec2;
        this.iam = iam;
    }

    public ResourceFacts facts(ResourceRef resource) {
        return switch (resource.type()) {
            case INSTANCE -> instance(resource.id());
            case ACCESS_KEY -> accessKey(resource.userName(), resource.id());
            case OTHER -> new OtherFacts("Other", resource.key());
        };
    }

    private InstanceFacts instance(String instanceId) {
        Instance instance;
        try {
            instance = ec2.describeInstances(request -> request.instanceIds(instanceId))
                    .reservations().stream().flatMap(r -> r.instances().stream())
                    .findFirst().orElse(null);
        } catch (SdkException e) {
            return unreadableInstance(instanceId, failure(e, "DescribeInstances " + instanceId));
        }
        if (instance == null) {
            return unreadableInstance(instanceId, "DescribeInstances returned no instance");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        instance.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        String profileArn = instance.iamInstanceProfile() == null ? null
                : instance.iamInstanceProfile().arn();
        Optional<String> role = profileRole(profileArn);
        Ownership owner = Ownership.fromTags(tags)
                .or(() -> role.map(name -> new Ownership(name, "instance-profile-role")))
                .orElseGet(Ownership::unknown);
        return new InstanceFacts("Instance", instanceId, instance.state().nameAsString(),
                instance.launchTime(), instance.vpcId(), instance.subnetId(), profileArn,
                role.orElse(null), tags, owner, Protection.isProtected(tags), null);
    }

    private static InstanceFacts unreadableInstance(String instanceId, String error) {
        return new InstanceFacts("Instance", instanceId, null, null, null, null, null, null,
                Map.of(), Ownership.unknown(), false, error);
    }

    /** Returns the role of an instance profile; empty when there is none or it is unreadable. */
    private Optional<String> profileRole(String profileArn) {
        if (profileArn == null) {
            return Optional.empty();
        }
        String name = profileArn.substring(profileArn.lastIndexOf('/') + 1);
        try {
            return iam.getInstanceProfile(request -> request.instanceProfileName(name))
                    .instanceProfile().roles().stream().map(Role::roleName).findFirst();
        } catch (SdkException e) {
            failure(e, "GetInstanceProfile " + name);
            return Optional.empty();
        }
    }

    private AccessKeyFacts accessKey(String userName, String accessKeyId) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            iam.listUserTagsPaginator(request -> request.userName(userName)).tags()
                    .forEach(tag -> tags.put(tag.key(), tag.value()));
            List<AccessKeyFacts.Key> keys = iam.listAccessKeysPaginator(request -> request
                    .userName(userName)).accessKeyMetadata().stream()
                    .filter(key -> accessKeyId == null || key.accessKeyId().equals(accessKeyId))
                    .map(key -> new AccessKeyFacts.Key(key.accessKeyId(), key.statusAsString(),
                            key.createDate()))
                    .toList();
            List<AttachedPolicy> attached = iam.listAttachedUserPoliciesPaginator(request ->
                    request.userName(userName)).attachedPolicies().stream().toList();
            List<String> inline = iam.listUserPoliciesPaginator(request -> request
                    .userName(userName)).policyNames().stream().toList();
            List<String> groups = iam.listGroupsForUserPaginator(request -> request
                    .userName(userName)).groups().stream().map(group -> group.groupName())
                    .toList();
            List<String> reasons = new ArrayList<>();
            attached.forEach(policy -> reasons.addAll(managed(policy, "attached to the user")));
            inline.forEach(name -> reasons.addAll(userInline(userName, name)));
            groups.forEach(group -> reasons.addAll(groupGrants(group)));
            return new AccessKeyFacts("AccessKey", userName, accessKeyId, tags,
                    Ownership.fromTags(tags).orElseGet(Ownership::unknown),
                    Protection.isProtected(tags), keys,
                    attached.stream().map(policy -> new AccessKeyFacts.AttachedPolicy(
                            policy.policyName(), policy.policyArn())).toList(),
                    inline, groups, !reasons.isEmpty(), reasons, null);
        } catch (SdkException e) {
            return new AccessKeyFacts("AccessKey", userName, accessKeyId, Map.of(),
                    Ownership.unknown(), false, List.of(), List.of(), List.of(), List.of(),
                    false, List.of(), failure(e, "reading IAM user " + userName));
        }
    }

    /** Returns why a managed policy grants everything, reading its default version. */
    private List<String> managed(AttachedPolicy policy, String where) {
        if (PolicyDocuments.isAdministratorAccess(policy.policyArn())) {
            return List.of("AWS managed policy AdministratorAccess is " + where);
        }
        String version = iam.getPolicy(request -> request.policyArn(policy.policyArn()))
                .policy().defaultVersionId();
        String document = iam.getPolicyVersion(request -> request.policyArn(policy.policyArn())
                .versionId(version)).policyVersion().document();
        return PolicyDocuments.grantsOfEverything(PolicyDocuments.parse(document,
                        "policy " + policy.policyArn())).stream()
                .map(grant -> "managed policy " + policy.policyName() + " (" + where + "): "
                        + grant)
                .toList();
    }

    private List<String> userInline(String userName, String policyName) {
        String document = iam.getUserPolicy(request -> request.userName(userName)
                .policyName(policyName)).policyDocument();
        return PolicyDocuments.grantsOfEverything(PolicyDocuments.parse(document,
                        "inline policy " + policyName)).stream()
                .map(grant -> "inline policy " + policyName + " of the user: " + grant)
                .toList();
    }

    private List<String> groupGrants(String groupName) {
        List<String> reasons = new ArrayList<>();
        iam.listAttachedGroupPoliciesPaginator(request -> request.groupName(groupName))
                .attachedPolicies().forEach(policy -> reasons.addAll(
                        managed(policy, "attached to group " + groupName)));
        for (String name : iam.listGroupPoliciesPaginator(request -> request
                .groupName(groupName)).policyNames()) {
            String document = iam.getGroupPolicy(request -> request.groupName(groupName)
                    .policyName(name)).policyDocument();
            PolicyDocuments.grantsOfEverything(PolicyDocuments.parse(document,
                    "inline policy " + name)).forEach(grant -> reasons.add("inline policy "
                            + name + " of group " + groupName + ": " + grant));
        }
        return reasons;
    }

    /**
     * Returns a readable failure for what could not be read; throttling and 5xx that outlast
     * the SDK's retries are thrown instead, so the task is retried.
     */
    private static String failure(SdkException e, String operation) {
        if (AwsErrors.isTransient(e)) {
            throw AwsErrors.classify(e, operation);
        }
        String code = AwsErrors.code(e);
        return operation + " failed: " + (code.isBlank() ? "" : code + ": ") + e.getMessage();
    }
}

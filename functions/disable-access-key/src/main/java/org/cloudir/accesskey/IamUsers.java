package org.cloudir.accesskey;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Protection;
import org.cloudir.core.ResourceNotFoundException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.LoginProfile;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Reads an IAM user, its tags and keys, and removes what it can sign in with: its access keys
 * and its console login profile. Shared by the containment, eradication and recovery functions
 * that act on users. Removals that find the credential already gone return false instead of
 * failing, so a repeat does nothing twice.
 */
public final class IamUsers {
    private final IamClient iam;

    public IamUsers(IamClient iam) {
        this.iam = iam;
    }

    /** Returns the user, or fails naming it when it does not exist. */
    public User require(String userName, String hint) {
        return find(userName).orElseThrow(() -> new ResourceNotFoundException("IAM user "
                + userName + " does not exist; " + hint));
    }

    public Optional<User> find(String userName) {
        return absentIfNoSuchEntity("GetUser " + userName,
                () -> iam.getUser(request -> request.userName(userName)).user());
    }

    public Map<String, String> tags(String userName) {
        return AwsErrors.call("ListUserTags " + userName, () -> iam.listUserTagsPaginator(
                        request -> request.userName(userName)).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)));
    }

    public boolean isProtected(String userName) {
        return Protection.isProtected(tags(userName));
    }

    public List<AccessKeyMetadata> keys(String userName) {
        return AwsErrors.call("ListAccessKeys " + userName, () -> iam.listAccessKeysPaginator(
                request -> request.userName(userName)).accessKeyMetadata().stream().toList());
    }

    public Optional<AccessKeyMetadata> key(String userName, String accessKeyId) {
        return keys(userName).stream()
                .filter(key -> key.accessKeyId().equals(accessKeyId))
                .findFirst();
    }

    /** Deletes the key; false when it was already gone. */
    public boolean deleteKey(String userName, String accessKeyId) {
        return absentIfNoSuchEntity("DeleteAccessKey " + accessKeyId, () -> {
            iam.deleteAccessKey(request -> request.userName(userName).accessKeyId(accessKeyId));
            return true;
        }).orElse(false);
    }

    public Optional<LoginProfile> loginProfile(String userName) {
        return absentIfNoSuchEntity("GetLoginProfile " + userName, () -> iam.getLoginProfile(
                request -> request.userName(userName)).loginProfile());
    }

    /** Deletes the user's console password; false when it had none. */
    public boolean deleteLoginProfile(String userName) {
        return absentIfNoSuchEntity("DeleteLoginProfile " + userName, () -> {
            iam.deleteLoginProfile(request -> request.userName(userName));
            return true;
        }).orElse(false);
    }

    private static <T> Optional<T> absentIfNoSuchEntity(String operation,
            java.util.function.Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (SdkException e) {
            if ("NoSuchEntity".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw AwsErrors.classify(e, operation);
        }
    }
}

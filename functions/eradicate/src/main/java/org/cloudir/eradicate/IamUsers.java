package org.cloudir.eradicate;

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
 * Reads and removes what an IAM user can sign in with: its access keys and its console login
 * profile. Removals that find the credential already gone return false instead of failing,
 * so a repeat does nothing twice.
 */
final class IamUsers {
    private final IamClient iam;

    IamUsers(IamClient iam) {
        this.iam = iam;
    }

    /** Returns the user, or fails naming it when it does not exist. */
    User require(String userName, String hint) {
        return find(userName).orElseThrow(() -> new ResourceNotFoundException("IAM user "
                + userName + " does not exist; " + hint));
    }

    Optional<User> find(String userName) {
        return absentIfNoSuchEntity("GetUser " + userName,
                () -> iam.getUser(request -> request.userName(userName)).user());
    }

    Map<String, String> tags(String userName) {
        return AwsErrors.call("ListUserTags " + userName, () -> iam.listUserTagsPaginator(
                        request -> request.userName(userName)).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)));
    }

    boolean isProtected(String userName) {
        return Protection.isProtected(tags(userName));
    }

    List<AccessKeyMetadata> keys(String userName) {
        return AwsErrors.call("ListAccessKeys " + userName, () -> iam.listAccessKeysPaginator(
                request -> request.userName(userName)).accessKeyMetadata().stream().toList());
    }

    Optional<AccessKeyMetadata> key(String userName, String accessKeyId) {
        return keys(userName).stream()
                .filter(key -> key.accessKeyId().equals(accessKeyId))
                .findFirst();
    }

    /** Deletes the key; false when it was already gone. */
    boolean deleteKey(String userName, String accessKeyId) {
        return absentIfNoSuchEntity("DeleteAccessKey " + accessKeyId, () -> {
            iam.deleteAccessKey(request -> request.userName(userName).accessKeyId(accessKeyId));
            return true;
        }).orElse(false);
    }

    Optional<LoginProfile> loginProfile(String userName) {
        return absentIfNoSuchEntity("GetLoginProfile " + userName, () -> iam.getLoginProfile(
                request -> request.userName(userName)).loginProfile());
    }

    /** Deletes the user's console password; false when it had none. */
    boolean deleteLoginProfile(String userName) {
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

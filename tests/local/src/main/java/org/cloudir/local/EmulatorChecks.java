package org.cloudir.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;

/**
 * Verifies containment from the emulator's own state, through its own API, independent of
 * what the handlers reported about themselves.
 */
public final class EmulatorChecks {
    private final LocalAws aws;

    public EmulatorChecks(LocalAws aws) {
        this.aws = aws;
    }

    /** Checks that every network interface of the instance is in one rule-free group only. */
    public List<Check> instanceIsolated(String instanceId) {
        List<Check> checks = new ArrayList<>();
        List<NetworkInterface> interfaces = aws.ec2.describeNetworkInterfaces(request -> request
                .filters(filter -> filter.name("attachment.instance-id").values(instanceId)))
                .networkInterfaces();
        for (NetworkInterface eni : interfaces) {
            List<String> groups = groupIds(eni.groups());
            boolean isolated = groups.size() == 1 && isIsolationGroup(groups.get(0));
            checks.add(new Check("ENI " + eni.networkInterfaceId() + " in isolation group only",
                    isolated, "groups " + groups));
        }
        List<String> instanceGroups = groupIds(aws.ec2.describeInstances(request -> request
                        .instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .securityGroups());
        checks.add(new Check("instance " + instanceId + " reports the isolation group only",
                instanceGroups.size() == 1 && isIsolationGroup(instanceGroups.get(0)),
                "groups " + instanceGroups));
        boolean protectedFromTermination = Boolean.TRUE.equals(aws.ec2.describeInstanceAttribute(
                request -> request.instanceId(instanceId).attribute("disableApiTermination"))
                .disableApiTermination().value());
        checks.add(new Check("termination protection on", protectedFromTermination,
                "disableApiTermination=" + protectedFromTermination));
        return checks;
    }

    /** Checks that each volume has exactly one evidence snapshot for the incident, tagged. */
    public List<Check> volumesSnapshotted(String incidentId, String instanceId,
            List<String> volumeIds) {
        List<Snapshot> snapshots = snapshotsOf(incidentId);
        List<Check> checks = new ArrayList<>();
        checks.add(new Check(volumeIds.size() + " snapshots for " + volumeIds.size()
                + " volumes", snapshots.size() == volumeIds.size(),
                snapshots.size() + " snapshots tagged ir:incident-id=" + incidentId));
        for (String volumeId : volumeIds) {
            List<Snapshot> ofVolume = snapshots.stream()
                    .filter(snapshot -> volumeId.equals(snapshot.volumeId())).toList();
            Map<String, String> tags = ofVolume.isEmpty() ? Map.of() : tags(ofVolume.get(0).tags());
            boolean tagged = ofVolume.size() == 1
                    && instanceId.equals(tags.get("ir:instance-id"))
                    && tags.containsKey("ir:device") && tags.containsKey("ir:finding-type");
            checks.add(new Check("snapshot of " + volumeId + " tagged", tagged,
                    ofVolume.isEmpty() ? "none" : ofVolume.get(0).snapshotId() + " " + tags));
        }
        return checks;
    }

    public List<Snapshot> snapshotsOf(String incidentId) {
        return aws.ec2.describeSnapshots(request -> request.ownerIds("self")
                .filters(filter -> filter.name("tag:ir:incident-id").values(incidentId)))
                .snapshots();
    }

    public Check accessKeyInactive(String userName, String accessKeyId) {
        String status = aws.iam.listAccessKeys(request -> request.userName(userName))
                .accessKeyMetadata().stream()
                .filter(key -> key.accessKeyId().equals(accessKeyId))
                .map(AccessKeyMetadata::statusAsString)
                .findFirst().orElse("missing");
        return new Check("access key " + accessKeyId + " Inactive", "Inactive".equals(status),
                "status " + status);
    }

    /** Checks the incident table's summary entry and counts its action entries. */
    public Check incidentRecorded(String tableName, String incidentId, String expectedStatus) {
        List<Map<String, AttributeValue>> items = aws.dynamoDb.query(request -> request
                .tableName(tableName)
                .keyConditionExpression("incidentId = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(incidentId))))
                .items();
        String status = items.stream()
                .filter(item -> "incident".equals(item.get("entry").s()))
                .map(item -> item.get("status").s())
                .findFirst().orElse("missing");
        long actions = items.stream()
                .filter(item -> item.get("entry").s().startsWith("action#")).count();
        return new Check("incident record " + expectedStatus, expectedStatus.equals(status),
                "status " + status + ", " + actions + " action entries");
    }

    private boolean isIsolationGroup(String groupId) {
        SecurityGroup group = aws.ec2.describeSecurityGroups(request -> request
                .groupIds(groupId)).securityGroups().get(0);
        return group.groupName().startsWith("ir-isolation-")
                && group.ipPermissions().isEmpty() && group.ipPermissionsEgress().isEmpty();
    }

    private static List<String> groupIds(List<GroupIdentifier> groups) {
        return groups.stream().map(GroupIdentifier::groupId).sorted().toList();
    }

    private static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    }
}

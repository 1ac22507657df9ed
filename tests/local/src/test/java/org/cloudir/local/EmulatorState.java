package org.cloudir.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;

/**
 * Reads back from the emulator, through its own API, what the tests assert on: snapshots,
 * network interfaces and their groups, instance attributes, access keys and incident entries.
 * Nothing here trusts what a handler reported about itself.
 */
final class EmulatorState {
    static final String ISOLATION_GROUP_PREFIX = "ir-isolation-";

    private final LocalAws aws;

    EmulatorState(LocalAws aws) {
        this.aws = aws;
    }

    List<Snapshot> snapshotsOfIncident(String incidentId) {
        return aws.ec2.describeSnapshotsPaginator(request -> request.ownerIds("self")
                .filters(filter("tag:ir:incident-id", incidentId)))
                .snapshots().stream().toList();
    }

    List<Snapshot> snapshotsOfVolumes(List<String> volumeIds) {
        return aws.ec2.describeSnapshotsPaginator(request -> request.ownerIds("self")
                .filters(filter("volume-id", volumeIds)))
                .snapshots().stream().toList();
    }

    List<NetworkInterface> interfacesOf(String instanceId) {
        return aws.ec2.describeNetworkInterfacesPaginator(request -> request
                        .filters(filter("attachment.instance-id", List.of(instanceId))))
                .networkInterfaces().stream().toList();
    }

    /** Returns each attached network interface's group ids, by interface id. */
    Map<String, List<String>> interfaceGroups(String instanceId) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        interfacesOf(instanceId).forEach(eni -> groups.put(eni.networkInterfaceId(),
                groupIds(eni.groups())));
        return groups;
    }

    List<String> instanceGroups(String instanceId) {
        return groupIds(aws.ec2.describeInstances(request -> request.instanceIds(instanceId))
                .reservations().get(0).instances().get(0).securityGroups());
    }

    boolean terminationProtected(String instanceId) {
        return Boolean.TRUE.equals(aws.ec2.describeInstanceAttribute(request -> request
                        .instanceId(instanceId).attribute("disableApiTermination"))
                .disableApiTermination().value());
    }

    Map<String, String> instanceTags(String instanceId) {
        return tags(aws.ec2.describeInstances(request -> request.instanceIds(instanceId))
                .reservations().get(0).instances().get(0).tags());
    }

    /** Returns the VPC's isolation group, found by the name the responder gives it. */
    Optional<SecurityGroup> isolationGroup(String vpcId) {
        return aws.ec2.describeSecurityGroups(request -> request.filters(
                        filter("vpc-id", vpcId),
                        filter("group-name", ISOLATION_GROUP_PREFIX + vpcId)))
                .securityGroups().stream().findFirst();
    }

    Map<String, String> interfaceTags(String networkInterfaceId) {
        return tags(aws.ec2.describeNetworkInterfaces(request -> request
                .networkInterfaceIds(networkInterfaceId)).networkInterfaces().get(0).tagSet());
    }

    /** Returns the status (Active or Inactive) of each of the user's keys, by key id. */
    Map<String, String> keyStatuses(String userName) {
        return aws.iam.listAccessKeysPaginator(request -> request.userName(userName))
                .accessKeyMetadata().stream()
                .collect(Collectors.toMap(AccessKeyMetadata::accessKeyId,
                        AccessKeyMetadata::statusAsString, (a, b) -> a, LinkedHashMap::new));
    }

    /** Returns every entry of an incident in the incident table (one consistent query). */
    List<Map<String, AttributeValue>> incidentEntries(String tableName, String incidentId) {
        return aws.dynamoDb.queryPaginator(request -> request.tableName(tableName)
                        .consistentRead(true)
                        .keyConditionExpression("incidentId = :id")
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(incidentId))))
                .items().stream().toList();
    }

    /** Returns the incident's summary entry's status, or empty when it has none. */
    Optional<String> incidentStatus(String tableName, String incidentId) {
        return incidentEntries(tableName, incidentId).stream()
                .filter(item -> "incident".equals(item.get("entry").s()))
                .map(item -> item.get("status").s())
                .findFirst();
    }

    /** Returns the incident's action entries' outcomes, by action name. */
    Map<String, String> actionOutcomes(String tableName, String incidentId) {
        return incidentEntries(tableName, incidentId).stream()
                .filter(item -> item.get("entry").s().startsWith("action#"))
                .collect(Collectors.toMap(item -> item.get("action").s(),
                        item -> item.get("outcome").s(), (a, b) -> a + "," + b,
                        LinkedHashMap::new));
    }

    private static Filter filter(String name, String value) {
        return filter(name, List.of(value));
    }

    private static Filter filter(String name, List<String> values) {
        return Filter.builder().name(name).values(values).build();
    }

    static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    }

    private static List<String> groupIds(List<GroupIdentifier> groups) {
        return groups.stream().map(GroupIdentifier::groupId).sorted().toList();
    }
}

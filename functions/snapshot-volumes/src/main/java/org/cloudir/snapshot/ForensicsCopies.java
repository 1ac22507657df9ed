package org.cloudir.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.Incident;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumePermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Copies evidence snapshots for a separate forensics account: each copy is encrypted with a
 * KMS key that account may use (a snapshot encrypted with the default EBS key cannot be shared
 * at all) and its create-volume permission is granted to that account. Copies are found again
 * by their {@code ir:copy-of} tag, so a repeat copies nothing twice; nothing is ever deleted.
 */
final class ForensicsCopies {
    static final String ACCOUNT_VARIABLE = "FORENSICS_ACCOUNT_ID";
    static final String KEY_VARIABLE = "FORENSICS_KMS_KEY_ID";
    static final String COPY_OF = "ir:copy-of";
    static final String COPY_FOR_INCIDENT = "ir:copy-for-incident";

    private final Ec2Client ec2;
    private final String accountId;
    private final String kmsKeyId;
    private final String region;

    private ForensicsCopies(Ec2Client ec2, String accountId, String kmsKeyId, String region) {
        this.ec2 = ec2;
        this.accountId = accountId;
        this.kmsKeyId = kmsKeyId;
        this.region = region;
    }

    /** Returns the copier when a forensics account is configured; its key is then required. */
    static Optional<ForensicsCopies> configured(Ec2Client ec2, Env env) {
        return env.get(ACCOUNT_VARIABLE).map(account -> {
            if (!account.matches("\\d{12}")) {
                throw new IllegalStateException(ACCOUNT_VARIABLE + " is '" + account
                        + "'; expected a 12-digit AWS account id or nothing");
            }
            return new ForensicsCopies(ec2, account, env.require(KEY_VARIABLE),
                    env.get("AWS_REGION").orElseGet(() -> env.require("AWS_DEFAULT_REGION")));
        });
    }

    String accountId() {
        return accountId;
    }

    /** What was copied (copy id by source id) and which sources were not completed yet. */
    record Copies(Map<String, String> copies, List<String> pending, int created) {
    }

    /**
     * Copies and shares each completed snapshot. EC2 copies only completed snapshots, and a
     * large volume's snapshot can take hours, so pending ones are reported, not waited for:
     * containment (isolation next) must never wait on the evidence copy. Calling again later
     * copies the rest; copies already made are found by their tag.
     */
    Copies copyAndShare(Incident incident, List<Snapshot> sources) {
        Map<String, String> copies = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>();
        int created = 0;
        for (Snapshot source : sources) {
            if (source.state() != SnapshotState.COMPLETED) {
                pending.add(source.snapshotId());
                continue;
            }
            Optional<String> existing = existingCopy(source.snapshotId());
            String copyId = existing.orElseGet(() -> copy(incident, source));
            created += existing.isPresent() ? 0 : 1;
            share(copyId);
            copies.put(source.snapshotId(), copyId);
        }
        return new Copies(copies, pending, created);
    }

    List<String> verify(Map<String, String> copies) {
        List<String> verified = new ArrayList<>();
        for (String copyId : copies.values()) {
            List<String> allowed = AwsErrors.call("DescribeSnapshotAttribute", () -> ec2
                    .describeSnapshotAttribute(request -> request.snapshotId(copyId)
                            .attribute("createVolumePermission"))
                    .createVolumePermissions().stream()
                    .map(CreateVolumePermission::userId).toList());
            Snapshot copy = AwsErrors.call("DescribeSnapshots", () -> ec2.describeSnapshots(
                    request -> request.snapshotIds(copyId)).snapshots().get(0));
            if (!allowed.contains(accountId) || !Boolean.TRUE.equals(copy.encrypted())) {
                throw new VerificationFailedException("forensics copy " + copyId + " is shared"
                        + " with " + allowed + ", encrypted " + copy.encrypted()
                        + "; expected encrypted and shared with " + accountId);
            }
            verified.add("copy " + copyId + " encrypted with " + copy.kmsKeyId()
                    + " and shared with " + accountId);
        }
        return verified;
    }

    private Optional<String> existingCopy(String sourceId) {
        return AwsErrors.call("DescribeSnapshots", () -> ec2.describeSnapshots(request -> request
                        .ownerIds("self")
                        .filters(filter -> filter.name("tag:" + COPY_OF).values(sourceId)))
                .snapshots().stream().map(Snapshot::snapshotId).findFirst());
    }

    private String copy(Incident incident, Snapshot source) {
        return AwsErrors.call("CopySnapshot", () -> ec2.copySnapshot(request -> request
                .sourceSnapshotId(source.snapshotId())
                .sourceRegion(region)
                // Same-region copy. Named explicitly so the SDK's presigning step does not
                // have to guess the region from the endpoint's host name.
                .destinationRegion(region)
                .encrypted(true)
                .kmsKeyId(kmsKeyId)
                .description("Evidence copy for forensics account " + accountId + ", incident "
                        + incident.incidentId())
                .tagSpecifications(spec -> spec.resourceType(ResourceType.SNAPSHOT).tags(
                        tag(Tags.MANAGED, "true"),
                        // Not ir:incident-id: a copy must never count as the evidence itself.
                        tag(COPY_FOR_INCIDENT, incident.incidentId()),
                        tag(COPY_OF, source.snapshotId()))))
                .snapshotId());
    }

    private void share(String copyId) {
        AwsErrors.run("ModifySnapshotAttribute", () -> ec2.modifySnapshotAttribute(request ->
                request.snapshotId(copyId)
                        .attribute("createVolumePermission")
                        .operationType("add")
                        .userIds(accountId)));
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}

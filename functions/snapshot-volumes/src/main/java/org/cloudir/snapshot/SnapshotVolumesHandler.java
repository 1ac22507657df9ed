package org.cloudir.snapshot;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.ec2.Ec2Instances;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Snapshots every EBS volume attached to an instance before anything destructive happens, so
 * the disk evidence is preserved. Snapshots are tagged with the incident, instance, device and
 * finding type, found again by those tags on a repeat, and never deleted by the responder.
 */
public final class SnapshotVolumesHandler extends ActionHandler {
    static final String ACTION = "snapshot-volumes";

    private final Ec2Client ec2;
    private final Optional<ForensicsCopies> forensics;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public SnapshotVolumesHandler() {
        this(Env.system());
    }

    public SnapshotVolumesHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(), env, Clock.systemUTC());
    }

    public SnapshotVolumesHandler(Ec2Client ec2, Env env, Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.forensics = ForensicsCopies.configured(ec2, env);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        String instanceId = incident.resource().id();
        Instance instance = Ec2Instances.describe(ec2, instanceId);
        Protection.refuseIfProtected(Ec2Instances.tags(instance.tags()), ACTION,
                "instance " + instanceId, incident.incidentId());

        Map<String, String> devicesByVolume = attachedVolumes(instance);
        Map<String, Snapshot> existing = existingSnapshots(incident, devicesByVolume);
        List<String> missing = devicesByVolume.keySet().stream()
                .filter(volumeId -> !existing.containsKey(volumeId))
                .toList();
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would snapshot " + missing.size()
                    + " of " + devicesByVolume.size() + " volumes", existing, devicesByVolume,
                    List.of(), started);
        }

        Map<String, Snapshot> all = new LinkedHashMap<>(existing);
        if (!missing.isEmpty()) {
            createSnapshots(incident, instanceId, devicesByVolume, missing)
                    .forEach(snapshot -> all.put(snapshot.volumeId(), snapshot));
        }
        boolean untagged = all.values().stream()
                .anyMatch(snapshot -> !Ec2Instances.tags(snapshot.tags())
                        .containsKey(Tags.DEVICE));
        tagDevices(all, devicesByVolume);
        List<String> verified = verify(incident, devicesByVolume, all);
        Optional<ForensicsCopies.Copies> copies = forensics.map(copier -> copier.copyAndShare(
                incident, describe(all.values().stream().map(Snapshot::snapshotId).toList())));
        copies.ifPresent(made -> verified.addAll(forensics.get().verify(made.copies())));
        Outcome outcome = missing.isEmpty() && !untagged ? Outcome.ALREADY_DONE : Outcome.DONE;
        String summary = missing.isEmpty()
                ? "all " + all.size() + " volumes already snapshotted for this incident"
                : "snapshotted " + missing.size() + " volumes";
        ActionResult result = result(incident, outcome, summary, all, devicesByVolume,
                verified, started);
        return copies.map(made -> withCopies(result, made)).orElse(result);
    }

    private static Map<String, String> attachedVolumes(Instance instance) {
        Map<String, String> devicesByVolume = new LinkedHashMap<>();
        instance.blockDeviceMappings().stream()
                .filter(mapping -> mapping.ebs() != null)
                .forEach(mapping -> devicesByVolume.put(
                        mapping.ebs().volumeId(), mapping.deviceName()));
        return devicesByVolume;
    }

    private Map<String, Snapshot> existingSnapshots(
            Incident incident, Map<String, String> devicesByVolume) {
        if (devicesByVolume.isEmpty()) {
            return Map.of();
        }
        Map<String, Snapshot> byVolume = new LinkedHashMap<>();
        AwsErrors.run("DescribeSnapshots", () -> ec2.describeSnapshotsPaginator(request -> request
                        .ownerIds("self")
                        .filters(
                                filter("tag:" + Tags.INCIDENT, incident.incidentId()),
                                Filter.builder().name("volume-id")
                                        .values(devicesByVolume.keySet()).build()))
                .snapshots()
                .forEach(snapshot -> byVolume.putIfAbsent(snapshot.volumeId(), snapshot)));
        return byVolume;
    }

    /**
     * Takes one crash-consistent multi-volume snapshot set when every volume is missing;
     * after a partial earlier run, snapshots only the missing volumes one by one.
     */
    private List<Snapshot> createSnapshots(Incident incident, String instanceId,
            Map<String, String> devicesByVolume, List<String> missing) {
        TagSpecification tags = TagSpecification.builder()
                .resourceType(ResourceType.SNAPSHOT)
                .tags(Tags.forSnapshot(incident, instanceId))
                .build();
        String description = "Evidence for incident " + incident.incidentId();
        List<String> created = new ArrayList<>();
        if (missing.size() == devicesByVolume.size()) {
            AwsErrors.run("CreateSnapshots", () -> ec2.createSnapshots(request -> request
                            .instanceSpecification(spec -> spec.instanceId(instanceId)
                                    .excludeBootVolume(false))
                            .description(description)
                            .tagSpecifications(tags))
                    .snapshots()
                    .forEach(info -> created.add(info.snapshotId())));
        } else {
            for (String volumeId : missing) {
                created.add(AwsErrors.call("CreateSnapshot", () -> ec2.createSnapshot(
                        request -> request.volumeId(volumeId)
                                .description(description)
                                .tagSpecifications(tags))).snapshotId());
            }
        }
        return describe(created);
    }

    /**
     * Tags each snapshot that lacks its device tag. Run on every snapshot of the incident, not
     * only new ones, so a run that failed between creating and tagging is completed by a retry
     * instead of failing its verification forever.
     */
    private void tagDevices(Map<String, Snapshot> snapshotsByVolume,
            Map<String, String> devicesByVolume) {
        for (Snapshot snapshot : snapshotsByVolume.values()) {
            if (Ec2Instances.tags(snapshot.tags()).containsKey(Tags.DEVICE)) {
                continue;
            }
            String device = devicesByVolume.getOrDefault(snapshot.volumeId(), "unknown");
            AwsErrors.run("CreateTags", () -> ec2.createTags(request -> request
                    .resources(snapshot.snapshotId())
                    .tags(Tag.builder().key(Tags.DEVICE).value(device).build())));
        }
    }

    private List<String> verify(Incident incident, Map<String, String> devicesByVolume,
            Map<String, Snapshot> snapshotsByVolume) {
        List<Snapshot> reread = describe(snapshotsByVolume.values().stream()
                .map(Snapshot::snapshotId).toList());
        List<String> verified = new ArrayList<>();
        for (String volumeId : devicesByVolume.keySet()) {
            Snapshot snapshot = reread.stream()
                    .filter(candidate -> volumeId.equals(candidate.volumeId()))
                    .findFirst()
                    .orElseThrow(() -> new VerificationFailedException("no snapshot of volume "
                            + volumeId + " found after snapshotting for incident "
                            + incident.incidentId()));
            Map<String, String> tags = Ec2Instances.tags(snapshot.tags());
            if (!incident.incidentId().equals(tags.get(Tags.INCIDENT))
                    || !devicesByVolume.get(volumeId).equals(tags.get(Tags.DEVICE))
                    || "error".equals(snapshot.stateAsString())) {
                throw new VerificationFailedException("snapshot " + snapshot.snapshotId()
                        + " of volume " + volumeId + " is in state " + snapshot.stateAsString()
                        + " with tags " + tags + "; expected incident and device tags");
            }
            verified.add("snapshot " + snapshot.snapshotId() + " of " + volumeId + " ("
                    + devicesByVolume.get(volumeId) + ") exists, state "
                    + snapshot.stateAsString() + ", tagged");
        }
        return verified;
    }

    private List<Snapshot> describe(List<String> snapshotIds) {
        if (snapshotIds.isEmpty()) {
            return List.of();
        }
        return AwsErrors.call("DescribeSnapshots", () -> ec2.describeSnapshots(request -> request
                .snapshotIds(snapshotIds)).snapshots());
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Map<String, Snapshot> snapshots, Map<String, String> devicesByVolume,
            List<String> verified, Instant started) {
        List<Map<String, Object>> evidence = snapshots.values().stream()
                .map(snapshot -> Map.<String, Object>of(
                        "snapshotId", snapshot.snapshotId(),
                        "volumeId", snapshot.volumeId(),
                        "device", devicesByVolume.getOrDefault(snapshot.volumeId(), "unknown"),
                        "encrypted", Boolean.TRUE.equals(snapshot.encrypted()),
                        "kmsKeyId", snapshot.kmsKeyId() == null ? "" : snapshot.kmsKeyId()))
                .toList();
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary,
                Map.of("volumes", List.copyOf(devicesByVolume.keySet()), "snapshots", evidence),
                verified, started, clock().instant());
    }

    private ActionResult withCopies(ActionResult result, ForensicsCopies.Copies made) {
        Map<String, Object> details = new LinkedHashMap<>(result.details());
        details.put("forensicsAccountId", forensics.orElseThrow().accountId());
        details.put("forensicsCopies", made.copies());
        details.put("forensicsPending", made.pending());
        String note = made.pending().isEmpty() ? "" : "; " + made.pending().size()
                + " still pending, copied when this action runs again after they complete";
        // A run that only makes the copies pending earlier did change something.
        Outcome outcome = made.created() > 0 ? Outcome.DONE : result.outcome();
        return new ActionResult(result.action(), result.incidentId(), result.resourceId(),
                outcome, result.summary() + "; copied and shared "
                        + made.copies().size() + " with the forensics account" + note, details,
                result.verified(), result.startedAt(), result.finishedAt());
    }

    private static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }
}

package org.cloudir.eradicate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.ResourceType;
import org.cloudir.ec2.Ec2Instances;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Stops a compromised instance, so whatever runs on it stops too, but only once every attached
 * EBS volume has an evidence snapshot of this incident: a stop loses memory and instance-store
 * data, so the disks at least must be kept first. Containment turned stop protection on; this
 * lifts it, records that it did (instance tags and the result), stops the instance, and waits
 * until EC2 reports it stopping or stopped. Termination protection stays on.
 */
public final class StopInstanceHandler extends ActionHandler {
    static final String ACTION = "stop-instance";
    static final String STOPPED_BY_TAG = "ir:stopped-by";
    static final String PRE_STOP_STATE_TAG = "ir:pre-stop-state";
    static final String STOP_PROTECTION_LIFTED_TAG = "ir:stop-protection-lifted";
    /** The tag snapshot-volumes puts on each evidence snapshot. */
    static final String SNAPSHOT_INCIDENT_TAG = "ir:incident-id";
    static final String WAIT_VARIABLE = "STOP_WAIT_SECONDS";
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final Set<String> HALTED = Set.of("stopping", "stopped");

    private final Ec2Client ec2;
    private final Waiter waiter;
    private final Duration wait;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public StopInstanceHandler() {
        this(Env.system());
    }

    public StopInstanceHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(), env, Clock.systemUTC());
    }

    public StopInstanceHandler(Ec2Client ec2, Env env, Clock clock) {
        this(ec2, env, clock, Waiter.Pause.sleeping());
    }

    StopInstanceHandler(Ec2Client ec2, Env env, Clock clock, Waiter.Pause pause) {
        super(env, clock);
        this.ec2 = ec2;
        this.waiter = new Waiter(clock, pause);
        this.wait = env.get(WAIT_VARIABLE).map(Long::parseLong).map(Duration::ofSeconds)
                .orElse(DEFAULT_WAIT);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        Recorded.requireType(incident, ResourceType.INSTANCE, ACTION);
        String instanceId = incident.resource().id();
        Instance instance = Ec2Instances.describe(ec2, instanceId);
        Map<String, String> tags = Ec2Instances.tags(instance.tags());
        Protection.refuseIfProtected(tags, ACTION, "instance " + instanceId,
                incident.incidentId());
        String state = instance.state().nameAsString();
        if (HALTED.contains(state)) {
            return alreadyHalted(incident, instance, tags, started);
        }

        Plan plan = plan(incident, instance, tags);
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, plan.describe(instanceId), plan, state,
                    List.of(), started);
        }
        plan.refuseWithoutEvidence(incident, instanceId);
        record(incident, instanceId, plan);
        if (plan.stopProtected()) {
            AwsErrors.run("ModifyInstanceAttribute DisableApiStop", () -> ec2
                    .modifyInstanceAttribute(r -> r.instanceId(instanceId)
                            .disableApiStop(value -> value.value(false))));
        }
        AwsErrors.run("StopInstances " + instanceId, () -> ec2.stopInstances(r -> r
                .instanceIds(instanceId)));
        waiter.until(wait, () -> Optional.of(currentState(instanceId))
                .filter(HALTED::contains));
        List<String> verified = verify(instanceId, plan);
        String now = currentState(instanceId);
        return result(incident, Outcome.DONE, "stopped instance " + instanceId + " (" + now
                + ")" + (plan.stopProtected() ? " after lifting its stop protection" : "")
                + "; every attached volume has an evidence snapshot", plan, now, verified,
                started);
    }

    /** Everything read before acting: the evidence found and what recovery needs. */
    private record Plan(String previousState, boolean stopProtected, boolean liftedEarlier,
            boolean instanceStore, Map<String, List<String>> snapshotsByVolume,
            List<String> unsnapshotted) {
        String describe(String instanceId) {
            if (instanceStore || !unsnapshotted.isEmpty()) {
                return "would refuse to stop " + instanceId + ": " + evidenceGap();
            }
            return "would " + (stopProtected ? "lift stop protection and " : "") + "stop "
                    + instanceId + " (" + previousState + "); evidence snapshots of "
                    + snapshotsByVolume.keySet() + " exist";
        }

        String evidenceGap() {
            return instanceStore ? "its root device is instance store, whose data a stop"
                    + " destroys; image it by hand first"
                    : "volumes " + unsnapshotted + " have no evidence snapshot of this"
                    + " incident; run snapshot-volumes first";
        }

        void refuseWithoutEvidence(Incident incident, String instanceId) {
            if (instanceStore || !unsnapshotted.isEmpty()) {
                throw new EvidenceMissingException("stop-instance refused for incident "
                        + incident.incidentId() + ": instance " + instanceId + " is still "
                        + previousState + " and " + evidenceGap());
            }
        }

        /** True when this incident lifted stop protection, now or in an earlier attempt. */
        boolean lifted() {
            return stopProtected || liftedEarlier;
        }
    }

    private Plan plan(Incident incident, Instance instance, Map<String, String> tags) {
        String instanceId = instance.instanceId();
        List<String> volumes = instance.blockDeviceMappings().stream()
                .filter(mapping -> mapping.ebs() != null)
                .map(mapping -> mapping.ebs().volumeId())
                .toList();
        Map<String, List<String>> snapshots = evidenceSnapshots(incident, volumes);
        List<String> unsnapshotted = volumes.stream()
                .filter(volumeId -> !snapshots.containsKey(volumeId))
                .toList();
        boolean ours = incident.incidentId().equals(tags.get(STOPPED_BY_TAG));
        // A retry after lifting protection reads it off: the tag keeps what the first saw.
        String previous = ours ? tags.getOrDefault(PRE_STOP_STATE_TAG,
                instance.state().nameAsString()) : instance.state().nameAsString();
        boolean liftedEarlier = ours && "true".equals(tags.get(STOP_PROTECTION_LIFTED_TAG));
        return new Plan(previous, stopProtected(instanceId), liftedEarlier,
                "instance-store".equals(instance.rootDeviceTypeAsString()), snapshots,
                unsnapshotted);
    }

    /** Returns the snapshot ids of this incident for each volume, leaving out failed ones. */
    private Map<String, List<String>> evidenceSnapshots(Incident incident, List<String> volumes) {
        Map<String, List<String>> byVolume = new LinkedHashMap<>();
        if (volumes.isEmpty()) {
            return byVolume;
        }
        // A pending snapshot already holds the volume's data as of its start: stopping now
        // cannot change it, so only failed snapshots do not count.
        AwsErrors.call("DescribeSnapshots", () -> ec2.describeSnapshotsPaginator(r -> r
                        .ownerIds("self")
                        .filters(Filter.builder().name("tag:" + SNAPSHOT_INCIDENT_TAG)
                                        .values(incident.incidentId()).build(),
                                Filter.builder().name("volume-id").values(volumes).build()))
                .snapshots().stream().toList())
                .stream()
                .filter(snapshot -> !"error".equals(snapshot.stateAsString()))
                .forEach(snapshot -> byVolume.computeIfAbsent(snapshot.volumeId(),
                        volumeId -> new ArrayList<>()).add(snapshot.snapshotId()));
        return byVolume;
    }

    /** Tags the instance with what recovery needs before anything changes. */
    private void record(Incident incident, String instanceId, Plan plan) {
        AwsErrors.run("CreateTags " + instanceId, () -> ec2.createTags(r -> r
                .resources(instanceId)
                .tags(tag(STOPPED_BY_TAG, incident.incidentId()),
                        tag(PRE_STOP_STATE_TAG, plan.previousState()),
                        tag(STOP_PROTECTION_LIFTED_TAG, String.valueOf(plan.lifted())))));
    }

    private boolean stopProtected(String instanceId) {
        return Boolean.TRUE.equals(AwsErrors.call("DescribeInstanceAttribute DisableApiStop",
                () -> ec2.describeInstanceAttribute(r -> r.instanceId(instanceId)
                        .attribute(InstanceAttributeName.DISABLE_API_STOP)))
                .disableApiStop().value());
    }

    private String currentState(String instanceId) {
        return Ec2Instances.describe(ec2, instanceId).state().nameAsString();
    }

    private List<String> verify(String instanceId, Plan plan) {
        List<String> verified = new ArrayList<>();
        String state = currentState(instanceId);
        if (!HALTED.contains(state)) {
            throw new VerificationFailedException("instance " + instanceId + " is " + state
                    + " " + wait.toSeconds() + " s after StopInstances; expected stopping or"
                    + " stopped. Run stop-instance again, or stop it by hand");
        }
        verified.add("instance " + instanceId + " is " + state);
        if (stopProtected(instanceId)) {
            throw new VerificationFailedException("instance " + instanceId + " still has stop"
                    + " protection after lifting it");
        }
        verified.add("stop protection of " + instanceId + " is off"
                + (plan.lifted() ? " (lifted by the responder)" : ""));
        plan.snapshotsByVolume().forEach((volumeId, snapshots) -> verified.add("volume "
                + volumeId + " has evidence snapshots " + snapshots));
        return verified;
    }

    private ActionResult alreadyHalted(Incident incident, Instance instance,
            Map<String, String> tags, Instant started) {
        String instanceId = instance.instanceId();
        String state = instance.state().nameAsString();
        boolean ours = incident.incidentId().equals(tags.get(STOPPED_BY_TAG));
        Plan plan = new Plan(ours ? tags.getOrDefault(PRE_STOP_STATE_TAG, state) : state,
                false, ours && "true".equals(tags.get(STOP_PROTECTION_LIFTED_TAG)),
                false, Map.of(), List.of());
        return result(incident, Outcome.ALREADY_DONE, "instance " + instanceId + " is already "
                + state + (ours ? " (stopped for this incident)" : "") + "; nothing changed",
                plan, state, List.of("instance " + instanceId + " is " + state), started);
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, Plan plan,
            String state, List<String> verified, Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("instanceId", incident.resource().id());
        details.put("previousState", plan.previousState());
        details.put("state", state);
        details.put("stopProtectionLifted", outcome != Outcome.DRY_RUN && plan.lifted());
        details.put("evidenceSnapshots", plan.snapshotsByVolume());
        details.put("volumesWithoutEvidence", plan.unsnapshotted());
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary, details, verified, started, clock().instant());
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}

package org.cloudir.isolate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Protection;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.ec2.Ec2Instances;
import org.cloudir.isolate.SubnetAcls.Association;
import org.cloudir.isolate.SubnetAcls.Original;
import org.cloudir.isolate.SubnetAcls.Quarantine;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Reservation;

/**
 * Quarantines the subnets of an instance with a network ACL that allows nothing, for use
 * behind an approval gate: the ACL cuts every interface in those subnets (other instances,
 * load balancer, NAT and Lambda interfaces alike) and, being stateless, established flows too.
 * Each subnet's ACL association before the change is recorded on the subnet as the
 * {@code ir:original-nacl} tag and in the result's details, so restore-subnet-acl can put it
 * back. It refuses when the instance, its VPC, one of the subnets, or any instance with an
 * interface in them is tagged ir:protected=true. Network ACLs filter only traffic that
 * crosses the subnet boundary: hosts inside one quarantined subnet still reach each other,
 * which is why isolate-instance's security groups remain the per-instance containment.
 */
public final class QuarantineSubnetHandler extends ActionHandler {
    static final String ACTION = "quarantine-subnet";
    static final String TO_BE_CREATED = "(to be created)";

    private final Ec2Client ec2;
    private final SubnetAcls acls;

    /** Creates the handler Lambda runs, with a client built from the environment. */
    public QuarantineSubnetHandler() {
        this(Env.system());
    }

    public QuarantineSubnetHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(), env, Clock.systemUTC());
    }

    public QuarantineSubnetHandler(Ec2Client ec2, Env env, Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.acls = new SubnetAcls(ec2);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        Instance instance = Ec2Instances.describe(ec2, incident.resource().id());
        Plan plan = plan(instance);
        refuseIfAnyProtected(incident, instance, plan);
        if (dryRun) {
            String aclId = acls.findQuarantine(plan.vpcId()).orElse(TO_BE_CREATED);
            return result(incident, Outcome.DRY_RUN, "would associate " + plan.describe()
                    + " with quarantine network ACL " + aclId, plan, originals(plan),
                    aclId, List.of(), started);
        }

        Quarantine quarantine = acls.ensureQuarantine(plan.vpcId(), incident.incidentId());
        Map<String, Original> originals = new LinkedHashMap<>();
        boolean changed = quarantine.changed();
        for (Association current : plan.associations().values()) {
            originals.put(current.subnetId(), recordOriginal(current,
                    plan.subnetTags().get(current.subnetId()), quarantine));
            if (!quarantine.aclId().equals(current.aclId())) {
                acls.replace(current, quarantine.aclId());
                changed = true;
            }
        }
        List<String> verified = verify(plan, quarantine.aclId());
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                (changed ? "quarantined " : "already quarantined ") + plan.describe()
                        + " in network ACL " + quarantine.aclId(),
                plan, originals, quarantine.aclId(), verified, started);
    }

    /** Everything read before acting: the subnets, their ACLs and who else they cut off. */
    private record Plan(String vpcId, Map<String, Association> associations,
            Map<String, Map<String, String>> subnetTags, List<String> otherInstances,
            int otherInterfaces) {
        String describe() {
            return associations.size() + " subnets " + associations.keySet() + " of " + vpcId
                    + " (also cutting off " + otherInstances.size() + " other instances there, "
                    + otherInterfaces + " network interfaces besides this instance's)";
        }
    }

    private Plan plan(Instance instance) {
        String instanceId = instance.instanceId();
        if (instance.vpcId() == null || instance.subnetId() == null) {
            throw new ResourceNotFoundException("instance " + instanceId + " has no VPC subnet,"
                    + " so there is no network ACL to quarantine it with");
        }
        Set<String> subnets = new LinkedHashSet<>();
        subnets.add(instance.subnetId());
        interfaces("attachment.instance-id", List.of(instanceId))
                .forEach(eni -> subnets.add(eni.subnetId()));
        Map<String, Association> associations = new LinkedHashMap<>();
        Map<String, Map<String, String>> tags = new LinkedHashMap<>();
        for (String subnetId : subnets) {
            associations.put(subnetId, acls.association(subnetId));
            tags.put(subnetId, acls.subnetTags(subnetId));
        }
        List<NetworkInterface> neighbours = interfaces("subnet-id", List.copyOf(subnets))
                .stream()
                .filter(eni -> eni.attachment() == null
                        || !instanceId.equals(eni.attachment().instanceId()))
                .toList();
        List<String> otherInstances = neighbours.stream()
                .filter(eni -> eni.attachment() != null && eni.attachment().instanceId() != null)
                .map(eni -> eni.attachment().instanceId())
                .distinct()
                .toList();
        return new Plan(instance.vpcId(), associations, tags, otherInstances,
                neighbours.size());
    }

    private List<NetworkInterface> interfaces(String filterName, List<String> values) {
        return AwsErrors.call("DescribeNetworkInterfaces", () -> ec2
                .describeNetworkInterfacesPaginator(request -> request.filters(filter -> filter
                        .name(filterName).values(values)))
                .networkInterfaces().stream().toList());
    }

    /**
     * Refuses when anything the ACL would cut is protected: the instance, its VPC, a subnet,
     * or another instance in one of the subnets (a protected neighbour would lose its network
     * just the same).
     */
    private void refuseIfAnyProtected(Incident incident, Instance instance, Plan plan) {
        String incidentId = incident.incidentId();
        Protection.refuseIfProtected(Ec2Instances.tags(instance.tags()), ACTION,
                "instance " + instance.instanceId(), incidentId);
        Protection.refuseIfProtected(acls.vpcTags(plan.vpcId()), ACTION, "VPC " + plan.vpcId(),
                incidentId);
        plan.subnetTags().forEach((subnetId, tags) -> Protection.refuseIfProtected(tags,
                ACTION, "subnet " + subnetId, incidentId));
        if (plan.otherInstances().isEmpty()) {
            return;
        }
        List<Instance> neighbours = AwsErrors.call("DescribeInstances", () -> ec2
                .describeInstances(request -> request.instanceIds(plan.otherInstances()))
                .reservations().stream()
                .map(Reservation::instances)
                .flatMap(List::stream)
                .toList());
        for (Instance neighbour : neighbours) {
            Protection.refuseIfProtected(Ec2Instances.tags(neighbour.tags()), ACTION,
                    "instance " + neighbour.instanceId() + ", which shares a subnet with "
                            + instance.instanceId() + ",", incidentId);
        }
    }

    /** The originals a dry run reports: recorded ones, else the current associations. */
    private static Map<String, Original> originals(Plan plan) {
        Map<String, Original> originals = new LinkedHashMap<>();
        plan.associations().forEach((subnetId, current) -> originals.put(subnetId,
                Original.parse(plan.subnetTags().get(subnetId).get(SubnetAcls.ORIGINAL_TAG))
                        .orElse(new Original(current.aclId(), current.associationId()))));
        return originals;
    }

    /**
     * Writes the subnet's current association on the subnet before it changes, and returns
     * what to restore. A subnet already in the quarantine ACL keeps the record an earlier run
     * wrote; one that is not gets a fresh record, since its present ACL is what undo restores.
     */
    private Original recordOriginal(Association current, Map<String, String> tags,
            Quarantine quarantine) {
        Optional<Original> recorded = Original.parse(tags.get(SubnetAcls.ORIGINAL_TAG));
        if (quarantine.isQuarantine(current.aclId())) {
            return recorded.orElseThrow(() -> new VerificationFailedException("subnet "
                    + current.subnetId() + " already uses quarantine network ACL "
                    + current.aclId() + " but has no " + SubnetAcls.ORIGINAL_TAG + " tag, so"
                    + " its original ACL is unknown; tag it " + SubnetAcls.ORIGINAL_TAG
                    + "=acl=<original acl id> by hand before retrying"));
        }
        Original original = new Original(current.aclId(), current.associationId());
        if (!recorded.equals(Optional.of(original))) {
            acls.recordOriginal(current.subnetId(), original);
        }
        return original;
    }

    private List<String> verify(Plan plan, String quarantineAclId) {
        List<String> verified = new ArrayList<>();
        for (String subnetId : plan.associations().keySet()) {
            verified.add(acls.verifyAssociated(subnetId, quarantineAclId));
            if (Original.parse(acls.subnetTags(subnetId).get(SubnetAcls.ORIGINAL_TAG))
                    .isEmpty()) {
                throw new VerificationFailedException("subnet " + subnetId + " has no "
                        + SubnetAcls.ORIGINAL_TAG + " tag after recording its original ACL");
            }
            verified.add("subnet " + subnetId + " records its original ACL in "
                    + SubnetAcls.ORIGINAL_TAG);
        }
        verified.add(acls.verifyDenyAll(quarantineAclId));
        return verified;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary, Plan plan,
            Map<String, Original> originals, String quarantineAclId, List<String> verified,
            Instant started) {
        List<Map<String, Object>> subnets = new ArrayList<>();
        originals.forEach((subnetId, original) -> subnets.add(Map.of(
                "subnetId", subnetId,
                "originalAclId", original.aclId(),
                "originalAssociationId", original.associationId(),
                "quarantineAclId", quarantineAclId)));
        Map<String, Object> details = Map.of(
                "vpcId", plan.vpcId(),
                "quarantineAclId", quarantineAclId,
                "subnets", subnets,
                "otherInstances", plan.otherInstances(),
                "otherInterfaceCount", plan.otherInterfaces());
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

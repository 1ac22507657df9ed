package org.cloudir.isolate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.aws.UndoRequest;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.isolate.SubnetAcls.Association;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Undoes quarantine-subnet: re-associates each recorded subnet with the network ACL it used
 * before, verifies it, and removes the subnet's {@code ir:original-nacl} tag. It reads
 * {@code {"incident": ..., "undo": <the quarantine-subnet result>}}. A subnet found in an ACL
 * that is neither the quarantine ACL nor its original one was changed by someone since, and is
 * left alone with a {@link VerificationFailedException}. The quarantine ACL itself is never
 * deleted: other subnets of the VPC may still use it, and an empty ACL left behind costs
 * nothing; a responder deletes it by hand once no subnet uses it.
 */
public final class RestoreSubnetAclHandler extends ActionHandler {
    static final String ACTION = "restore-subnet-acl";

    private final SubnetAcls acls;

    /** Creates the handler Lambda runs, with a client built from the environment. */
    public RestoreSubnetAclHandler() {
        this(Env.system());
    }

    public RestoreSubnetAclHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(), env, Clock.systemUTC());
    }

    public RestoreSubnetAclHandler(Ec2Client ec2, Env env, Clock clock) {
        super(env, clock);
        this.acls = new SubnetAcls(ec2);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException(ACTION + " needs the " + QuarantineSubnetHandler.ACTION
                + " result in field '" + UndoRequest.FIELD + "'");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        JsonNode recorded = UndoRequest.details(request, QuarantineSubnetHandler.ACTION,
                incident.incidentId());
        List<Recorded> subnets = recorded(recorded);
        String vpcId = text(recorded, "vpcId", "undo.details.vpcId");
        Protection.refuseIfProtected(acls.vpcTags(vpcId), ACTION, "VPC " + vpcId,
                incident.incidentId());
        List<Step> steps = new ArrayList<>();
        for (Recorded subnet : subnets) {
            Map<String, String> tags = acls.subnetTags(subnet.subnetId());
            Protection.refuseIfProtected(tags, ACTION, "subnet " + subnet.subnetId(),
                    incident.incidentId());
            steps.add(step(subnet, acls.association(subnet.subnetId()),
                    tags.containsKey(SubnetAcls.ORIGINAL_TAG)));
        }
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would re-associate "
                    + steps.stream().filter(Step::reassociate).count() + " of " + steps.size()
                    + " subnets with their original network ACLs", subnets, List.of(),
                    started);
        }

        boolean changed = false;
        for (Step step : steps) {
            if (step.reassociate()) {
                acls.requireAcl(step.subnet().originalAclId(), "the original ACL of "
                        + step.subnet().subnetId());
                acls.replace(step.current(), step.subnet().originalAclId());
                changed = true;
            }
        }
        List<String> verified = new ArrayList<>();
        for (Step step : steps) {
            verified.add(acls.verifyAssociated(step.subnet().subnetId(),
                    step.subnet().originalAclId()));
            if (step.tagged()) {
                acls.removeOriginal(step.subnet().subnetId());
                changed = true;
            }
        }
        String left = leftInQuarantine(subnets);
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                (changed ? "restored " : "already restored ") + steps.size()
                        + " subnets to their original network ACLs" + left,
                subnets, verified, started);
    }

    /** One subnet as the quarantine result recorded it. */
    private record Recorded(String subnetId, String originalAclId, String quarantineAclId) {
        Map<String, Object> details() {
            return Map.of("subnetId", subnetId, "aclId", originalAclId);
        }
    }

    /** What restore does to one subnet, decided from its current association. */
    private record Step(Recorded subnet, Association current, boolean reassociate,
            boolean tagged) {
    }

    private static Step step(Recorded subnet, Association current, boolean tagged) {
        if (current.aclId().equals(subnet.originalAclId())) {
            return new Step(subnet, current, false, tagged);
        }
        if (!current.aclId().equals(subnet.quarantineAclId())) {
            throw new VerificationFailedException("subnet " + subnet.subnetId() + " uses network"
                    + " ACL " + current.aclId() + ", neither its quarantine ACL "
                    + subnet.quarantineAclId() + " nor its original " + subnet.originalAclId()
                    + "; someone changed it since the quarantine, so it is left as it is");
        }
        return new Step(subnet, current, true, tagged);
    }

    private static List<Recorded> recorded(JsonNode details) {
        JsonNode subnets = details.path("subnets");
        if (!subnets.isArray() || subnets.isEmpty()) {
            throw new MalformedEventException("field 'undo.details.subnets' is missing or empty;"
                    + " pass the whole " + QuarantineSubnetHandler.ACTION + " result");
        }
        List<Recorded> recorded = new ArrayList<>();
        for (int i = 0; i < subnets.size(); i++) {
            JsonNode entry = subnets.get(i);
            String field = "undo.details.subnets[" + i + "].";
            recorded.add(new Recorded(text(entry, "subnetId", field + "subnetId"),
                    acl(entry, "originalAclId", field + "originalAclId"),
                    acl(entry, "quarantineAclId", field + "quarantineAclId")));
        }
        return recorded;
    }

    private static String acl(JsonNode node, String name, String field) {
        String value = text(node, name, field);
        if (!value.startsWith("acl-")) {
            throw new MalformedEventException("field '" + field + "' is '" + value + "'; expected"
                    + " a network ACL id (acl-...): undo a result that was not a dry run");
        }
        return value;
    }

    private static String text(JsonNode node, String name, String field) {
        String value = node.path(name).asText("");
        if (value.isBlank()) {
            throw new MalformedEventException("field '" + field + "' is missing");
        }
        return value;
    }

    /** Says which quarantine ACLs other subnets still use; those ACLs stay as they are. */
    private String leftInQuarantine(List<Recorded> subnets) {
        Set<String> quarantineAcls = new LinkedHashSet<>();
        subnets.forEach(subnet -> quarantineAcls.add(subnet.quarantineAclId()));
        List<String> notes = new ArrayList<>();
        for (String aclId : quarantineAcls) {
            List<String> using = acls.subnetsUsing(aclId);
            notes.add(using.isEmpty() ? aclId + " is unused and kept"
                    : aclId + " still quarantines " + using);
        }
        return "; quarantine ACL " + String.join(", ", notes);
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            List<Recorded> subnets, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary,
                Map.of("restoredSubnets", subnets.stream().map(Recorded::details).toList()),
                verified, started, clock().instant());
    }
}

package org.cloudir.posture;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.Env;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.triage.Catalogue;
import org.cloudir.posture.internal.GroupRules;
import org.cloudir.posture.internal.PostureClients;
import org.cloudir.posture.internal.Targets;
import org.cloudir.posture.model.IngressRule;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Revokes exactly the ingress rules an AuthorizeSecurityGroupIngress call opened to every
 * IPv4 or IPv6 address on an admin port (the catalogue's list: SSH, RDP, WinRM): the rules the
 * call's response names, else those with the call's protocol, ports and range. Other rules of
 * the group, and the call's narrower ranges, stay. A rule over a port range is revoked whole.
 */
public final class RevokeOpenIngressHandler extends ActionHandler {
    static final String ACTION = "revoke-open-ingress";

    private final GroupRules groups;
    private final List<Integer> adminPorts;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RevokeOpenIngressHandler() {
        this(Env.system());
    }

    public RevokeOpenIngressHandler(Env env) {
        this(PostureClients.ec2(env), env, Clock.systemUTC());
    }

    public RevokeOpenIngressHandler(Ec2Client ec2, Env env, Clock clock) {
        super(env, clock);
        this.groups = new GroupRules(ec2);
        this.adminPorts = adminPorts(Catalogue.bundled());
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        String groupId = Targets.groupId(incident);
        List<IngressRule> opened = openedAdminPorts(incident);
        List<String> createdIds = Targets.ruleIds(incident);
        Map<String, String> tags = groups.tags(groupId);
        Protection.refuseIfProtected(tags, ACTION, "security group " + groupId,
                incident.incidentId());
        List<IngressRule> found = groups.ingress(groupId).stream()
                .filter(rule -> opensAdminPort(rule, opened, createdIds))
                .toList();
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would revoke " + words(found) + " of "
                    + groupId, groupId, found, List.of(), started);
        }
        if (found.isEmpty()) {
            return nothingLeft(incident, groupId, opened, tags, createdIds, started);
        }

        // The tag goes first: a run cut short after the revoke still shows whose work it was.
        groups.tag(groupId, GroupRules.REVOKED_BY_TAG, incident.incidentId());
        groups.revoke(groupId, found.stream().map(IngressRule::ruleId).toList());
        List<String> verified = verify(groupId, opened, createdIds, incident.incidentId());
        return result(incident, Outcome.DONE, "revoked " + words(found) + " of " + groupId,
                groupId, found, verified, started);
    }

    private List<IngressRule> openedAdminPorts(Incident incident) {
        List<IngressRule> opened = Targets.openedToEveryone(incident).stream()
                .filter(rule -> rule.coversAny(adminPorts))
                .toList();
        if (opened.isEmpty()) {
            throw new MalformedEventException("field 'incident.finding.target.openedToEveryone'"
                    + " of incident " + incident.incidentId() + " opens no admin port "
                    + adminPorts + " to 0.0.0.0/0 or ::/0; " + ACTION + " has nothing to do");
        }
        return opened;
    }

    /**
     * Answers a repeat: the rules are gone. When this incident's tag is on the group, this
     * action removed them earlier, and the call's permissions are what its undo needs.
     */
    private ActionResult nothingLeft(Incident incident, String groupId, List<IngressRule> opened,
            Map<String, String> tags, List<String> createdIds, Instant started) {
        boolean ours = incident.incidentId().equals(tags.get(GroupRules.REVOKED_BY_TAG));
        List<String> verified = verify(groupId, opened, createdIds, incident.incidentId());
        return result(incident, Outcome.ALREADY_DONE, ours
                        ? "revoked " + words(opened) + " of " + groupId + " in an earlier run"
                        : "no rule the call opened to everyone is left in " + groupId,
                groupId, ours ? opened : List.of(), verified, started);
    }

    private boolean opensAdminPort(IngressRule rule, List<IngressRule> opened,
            List<String> createdIds) {
        if (!rule.isEveryone() || !rule.coversAny(adminPorts)) {
            return false;
        }
        return createdIds.contains(rule.ruleId())
                || opened.stream().anyMatch(call -> call.sameAccessAs(rule));
    }

    private List<String> verify(String groupId, List<IngressRule> opened,
            List<String> createdIds, String incidentId) {
        List<IngressRule> left = groups.ingress(groupId).stream()
                .filter(rule -> opensAdminPort(rule, opened, createdIds))
                .toList();
        if (!left.isEmpty()) {
            throw new VerificationFailedException("security group " + groupId + " still has "
                    + words(left) + " after revoking them for incident " + incidentId);
        }
        return List.of("DescribeSecurityGroupRules shows no rule of " + groupId + " opening "
                + words(opened) + " on admin ports " + adminPorts);
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            String groupId, List<IngressRule> revoked, List<String> verified, Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("groupId", groupId);
        details.put("revokedRules", revoked.stream().map(IngressRule::toDetails).toList());
        details.put("adminPorts", adminPorts);
        details.put("recordTag", GroupRules.REVOKED_BY_TAG);
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }

    private static List<Integer> adminPorts(Catalogue catalogue) {
        return catalogue.cloudTrail().stream()
                .filter(entry -> entry.playbook() == Playbook.REVOKE_OPEN_INGRESS)
                .flatMap(entry -> entry.adminPorts().stream())
                .distinct()
                .toList();
    }

    static String words(List<IngressRule> rules) {
        return rules.stream().map(IngressRule::describe).toList().toString();
    }
}

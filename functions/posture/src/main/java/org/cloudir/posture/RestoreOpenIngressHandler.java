package org.cloudir.posture;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.Env;
import org.cloudir.aws.UndoRequest;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.posture.internal.GroupRules;
import org.cloudir.posture.internal.PostureClients;
import org.cloudir.posture.model.IngressRule;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Undoes revoke-open-ingress: authorizes the recorded rules again (protocol, ports, range,
 * description; AWS gives them new rule ids) and removes the record tag. It opens admin ports
 * to the internet, so it runs only on a person's decision.
 */
public final class RestoreOpenIngressHandler extends ActionHandler {
    static final String ACTION = "restore-open-ingress";

    private final GroupRules groups;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RestoreOpenIngressHandler() {
        this(Env.system());
    }

    public RestoreOpenIngressHandler(Env env) {
        this(PostureClients.ec2(env), env, Clock.systemUTC());
    }

    public RestoreOpenIngressHandler(Ec2Client ec2, Env env, Clock clock) {
        super(env, clock);
        this.groups = new GroupRules(ec2);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException(ACTION + " needs the " + RevokeOpenIngressHandler.ACTION
                + " result in field '" + UndoRequest.FIELD + "'");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        JsonNode recorded = UndoRequest.details(request, RevokeOpenIngressHandler.ACTION,
                incident.incidentId());
        String groupId = recorded.path("groupId").asText("");
        if (!groupId.matches("sg-[0-9a-f]{8,17}")) {
            throw new MalformedEventException("field 'undo.details.groupId' must be a security"
                    + " group id (sg-...)");
        }
        List<IngressRule> rules = rules(recorded.path("revokedRules"));
        Map<String, String> tags = groups.tags(groupId);
        Protection.refuseIfProtected(tags, ACTION, "security group " + groupId,
                incident.incidentId());
        List<IngressRule> present = groups.ingress(groupId);
        List<IngressRule> missing = rules.stream()
                .filter(rule -> present.stream().noneMatch(rule::sameAccessAs))
                .toList();
        boolean tagged = incident.incidentId().equals(tags.get(GroupRules.REVOKED_BY_TAG));
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, "would authorize "
                    + RevokeOpenIngressHandler.words(missing) + " in " + groupId + " again",
                    groupId, missing, List.of(), started);
        }

        if (!missing.isEmpty()) {
            groups.authorize(groupId, missing);
        }
        if (tagged) {
            groups.untag(groupId, GroupRules.REVOKED_BY_TAG);
        }
        List<IngressRule> restored = new ArrayList<>();
        List<String> verified = verify(groupId, rules, restored, tagged);
        boolean changed = !missing.isEmpty() || tagged;
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                (changed ? "authorized " : "already present: ")
                        + RevokeOpenIngressHandler.words(restored) + " in " + groupId,
                groupId, restored, verified, started);
    }

    private static List<IngressRule> rules(JsonNode recorded) {
        if (!recorded.isArray()) {
            throw new MalformedEventException("field 'undo.details.revokedRules' must be a list");
        }
        List<IngressRule> rules = new ArrayList<>();
        for (JsonNode rule : recorded) {
            try {
                rules.add(Json.convert(rule, IngressRule.class).checked());
            } catch (IllegalArgumentException e) {
                throw new MalformedEventException("field 'undo.details.revokedRules' holds an"
                        + " invalid rule: " + e.getMessage(), e);
            }
        }
        return rules;
    }

    /** Re-reads the group: every recorded rule must be there again; collects their new ids. */
    private List<String> verify(String groupId, List<IngressRule> rules,
            List<IngressRule> restored, boolean untagged) {
        List<IngressRule> now = groups.ingress(groupId);
        for (IngressRule rule : rules) {
            IngressRule found = now.stream().filter(rule::sameAccessAs).findFirst()
                    .orElseThrow(() -> new VerificationFailedException("security group " + groupId
                            + " lacks " + rule.describe() + " after authorizing it again"));
            restored.add(found);
        }
        if (untagged && groups.tags(groupId).containsKey(GroupRules.REVOKED_BY_TAG)) {
            throw new VerificationFailedException("security group " + groupId + " still has tag "
                    + GroupRules.REVOKED_BY_TAG + " after the restore");
        }
        return List.of("DescribeSecurityGroupRules shows " + RevokeOpenIngressHandler.words(
                restored) + " in " + groupId);
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            String groupId, List<IngressRule> rules, List<String> verified, Instant started) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("groupId", groupId);
        details.put("restoredRules", rules.stream().map(IngressRule::toDetails).toList());
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

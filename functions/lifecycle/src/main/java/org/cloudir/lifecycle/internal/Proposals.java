package org.cloudir.lifecycle.internal;

import java.util.List;
import java.util.Map;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.ResourceType;

/** Says in plain words what a gate would let the responder do, for the approver to judge. */
public final class Proposals {
    private Proposals() {
    }

    public static String describe(String gate, String playbook, Incident incident) {
        String resource = incident.resource().key();
        boolean instance = incident.resource().type() == ResourceType.INSTANCE;
        return switch (gate) {
            case "containment" -> "Run playbook " + playbook + " on " + target(incident)
                    + " (" + incident.finding().type() + ").";
            case "subnetQuarantine" -> "Move every subnet of instance " + resource + " onto a"
                    + " deny-all network ACL: every other instance in those subnets is cut off"
                    + " too (the result names them).";
            case "eradication" -> instance
                    ? "Stop instance " + resource + " (its volumes are snapshotted first) and"
                            + " deny every session of its instance role issued before now."
                    : "Delete the compromised access key of " + resource + ", attach a deny-all"
                            + " policy, and remove access keys, login profiles and users the"
                            + " attacker created (from CloudTrail).";
            case "recovery" -> instance
                    ? "Put instance " + resource + " back as recorded before the incident:"
                            + " security groups, attributes, instance profile, Auto Scaling and"
                            + " load balancer membership; start it if the responder stopped it."
                    : "Give " + resource + " working credentials again (re-enable the key, or"
                            + " rotate it when it was deleted) and remove the deny policies.";
            default -> "Approve gate " + gate + " for " + resource + ".";
        };
    }

    /** Names what a playbook acts on: the role, bucket, trail or group a finding names. */
    private static String target(Incident incident) {
        Map<String, Object> target = incident.finding().target();
        for (String key : List.of("roleName", "bucketName", "trailName", "groupId",
                "detectorId")) {
            Object value = target == null ? null : target.get(key);
            if (value != null) {
                return key.replace("Name", "").replace("Id", "") + " " + value;
            }
        }
        return incident.resource().key();
    }
}

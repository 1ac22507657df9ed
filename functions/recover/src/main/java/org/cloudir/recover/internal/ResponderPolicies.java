package org.cloudir.recover.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.cloudir.core.MalformedEventException;

/**
 * Names the inline deny policies the responder puts on an IAM user during an incident:
 * {@code ir-deny-sessions-<incident>} (containment) and {@code ir-quarantine-<incident>}
 * (eradication). Recovery deletes only names that the recorded results give and that are
 * exactly one of these two, so a tampered record cannot make it delete any other policy.
 */
public final class ResponderPolicies {
    public static final String SESSION_DENY_PREFIX = "ir-deny-sessions-";
    public static final String QUARANTINE_PREFIX = "ir-quarantine-";
    /** Every inline policy the responder writes starts with this. */
    public static final String RESPONDER_PREFIX = "ir-";

    private ResponderPolicies() {
    }

    /** Returns the recorded names of the incident's deny policies on the user. */
    public static Set<String> recorded(Recorded recorded, String incidentId) {
        Set<String> names = new LinkedHashSet<>();
        recorded.acted("disableAccessKey", "disable-access-key").ifPresent(details ->
                add(names, details, "sessionDenyPolicy", "recorded.disableAccessKey",
                        incidentId));
        recorded.acted("quarantinePrincipal", "quarantine-principal").ifPresent(details -> {
            add(names, details, "quarantinePolicy", "recorded.quarantinePrincipal", incidentId);
            add(names, details, "sessionDenyPolicy", "recorded.quarantinePrincipal",
                    incidentId);
        });
        return names;
    }

    private static void add(Set<String> names, JsonNode details, String field, String path,
            String incidentId) {
        Optional.ofNullable(details.get(field)).filter(JsonNode::isTextual)
                .map(JsonNode::asText).filter(name -> !name.isBlank())
                .ifPresent(name -> names.add(check(name, path + ".details." + field,
                        incidentId)));
    }

    private static String check(String name, String path, String incidentId) {
        if (!name.equals(SESSION_DENY_PREFIX + incidentId)
                && !name.equals(QUARANTINE_PREFIX + incidentId)) {
            throw new MalformedEventException("field '" + path + "' is '" + name + "'; recovery"
                    + " removes only " + SESSION_DENY_PREFIX + incidentId + " and "
                    + QUARANTINE_PREFIX + incidentId);
        }
        return name;
    }
}

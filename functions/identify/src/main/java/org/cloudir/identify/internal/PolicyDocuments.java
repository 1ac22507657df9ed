package org.cloudir.identify.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cloudir.core.Json;

/**
 * Reads IAM policy documents and tells whether one grants everything. IAM returns documents
 * URL-encoded; a statement allowing {@code *} (or {@code *:*}) on resource {@code *} makes its
 * holder an administrator whatever the policy is called.
 */
public final class PolicyDocuments {
    private static final String ADMINISTRATOR_ACCESS = ":iam::aws:policy/AdministratorAccess";

    private PolicyDocuments() {
    }

    /** Parses a document as IAM returns it (URL-encoded) or as written (plain JSON). */
    public static JsonNode parse(String document, String what) {
        String text = document.trim().startsWith("{") ? document
                : URLDecoder.decode(document, StandardCharsets.UTF_8);
        return Json.parse(text, what);
    }

    /** Returns true for the AWS managed AdministratorAccess policy, in any partition. */
    public static boolean isAdministratorAccess(String policyArn) {
        return policyArn != null && policyArn.startsWith("arn:")
                && policyArn.endsWith(ADMINISTRATOR_ACCESS);
    }

    /**
     * Describes each statement that allows every action on every resource, e.g.
     * "statement 'Admin' allows * on *"; empty when none does.
     */
    public static List<String> grantsOfEverything(JsonNode document) {
        List<String> grants = new ArrayList<>();
        JsonNode statements = document.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(list::add);
        } else if (statements.isObject()) {
            list.add(statements);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode statement = list.get(i);
            if ("Allow".equals(statement.path("Effect").asText())
                    && anyOf(statement.path("Action"), "*", "*:*")
                    && anyOf(statement.path("Resource"), "*")) {
                String sid = statement.path("Sid").asText("");
                grants.add("statement " + (sid.isBlank() ? "#" + (i + 1) : "'" + sid + "'")
                        + " allows * on *"
                        + (statement.has("Condition") ? " (under a condition)" : ""));
            }
        }
        return grants;
    }

    private static boolean anyOf(JsonNode value, String... wanted) {
        List<String> values = new ArrayList<>();
        if (value.isTextual()) {
            values.add(value.asText());
        } else if (value.isArray()) {
            value.forEach(item -> values.add(item.asText()));
        }
        return values.stream().anyMatch(item -> List.of(wanted).contains(item.trim()));
    }
}

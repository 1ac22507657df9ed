package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cloudir.core.Json;

/**
 * Derives from the catalogue the EventBridge pattern each template rule must carry. A test
 * compares these with template.yaml, so the rules and the catalogue cannot drift apart;
 * {@link #main} prints them for pasting into the template after a catalogue change.
 */
public final class RulePatterns {
    private RulePatterns() {
    }

    /**
     * Returns the GuardDuty rule's pattern: every finding at or above {@code minSeverity}, and
     * every finding a catalogue entry lists at or above that entry's own floor.
     */
    public static ObjectNode guardDuty(Catalogue catalogue, double minSeverity) {
        ObjectNode pattern = envelope("aws.guardduty", EventParser.GUARDDUTY_DETAIL_TYPE);
        ArrayNode alternatives = pattern.putObject("detail").putArray("$or");
        alternatives.addObject().set("severity", atLeast(minSeverity));
        for (Catalogue.GuardDutyEntry entry : catalogue.guardDuty()) {
            ObjectNode alternative = alternatives.addObject();
            ArrayNode types = alternative.putArray("type");
            for (String type : entry.findingTypes()) {
                if (type.contains("*")) {
                    types.addObject().put("wildcard", type);
                } else {
                    types.add(type);
                }
            }
            alternative.set("severity", atLeast(entry.severityFloor()));
            if (entry.match() != null) {
                alternative.setAll((ObjectNode) entry.match().deepCopy());
            }
        }
        return pattern;
    }

    /** Returns, by rule logical id, the patterns of the CloudTrail rules, in catalogue order. */
    public static Map<String, ObjectNode> cloudTrail(Catalogue catalogue) {
        Map<String, ObjectNode> patterns = new LinkedHashMap<>();
        for (Catalogue.CloudTrailEntry entry : catalogue.cloudTrail()) {
            ObjectNode pattern = patterns.computeIfAbsent(entry.rule(), rule -> {
                ObjectNode created = envelope(entry.source(), entry.detailType());
                ObjectNode detail = created.putObject("detail");
                detail.putArray("eventSource").add(entry.eventSource());
                detail.putArray("eventName");
                if (entry.match() != null) {
                    detail.setAll((ObjectNode) entry.match().deepCopy());
                }
                // Failed calls changed nothing; they are no reason to respond.
                detail.putArray("errorCode").addObject().put("exists", false);
                return created;
            });
            ArrayNode names = (ArrayNode) pattern.path("detail").path("eventName");
            entry.eventNames().forEach(names::add);
        }
        return patterns;
    }

    /** Prints every rule's pattern as JSON, MinSeverity shown as the template's ${MinSeverity}. */
    public static void main(String[] args) {
        Catalogue catalogue = Catalogue.bundled();
        String guardDuty = Json.write(guardDuty(catalogue, -1)).replace("-1", "${MinSeverity}");
        System.out.println(catalogue.guardDutyRule() + ": " + guardDuty);
        cloudTrail(catalogue).forEach((rule, pattern) ->
                System.out.println(rule + ": " + Json.write(pattern)));
    }

    private static ObjectNode envelope(String source, String detailType) {
        ObjectNode pattern = Json.mapper().createObjectNode();
        pattern.putArray("source").add(source);
        pattern.putArray("detail-type").add(detailType);
        return pattern;
    }

    private static ArrayNode atLeast(double floor) {
        ArrayNode filters = Json.mapper().createArrayNode();
        ArrayNode numeric = filters.addObject().putArray("numeric").add(">=");
        if (floor == Math.rint(floor)) {
            numeric.add((int) floor);
        } else {
            numeric.add(floor);
        }
        return filters;
    }
}

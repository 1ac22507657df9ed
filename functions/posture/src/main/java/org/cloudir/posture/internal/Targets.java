package org.cloudir.posture.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Incident;
import org.cloudir.posture.model.IngressRule;

/**
 * Reads what a posture action acts on from the incident: the finding's target, which the
 * parser filled and checked, or else the resource id triage gave the incident
 * ({@code s3-bucket/<name>}, {@code cloudtrail-trail/<name>}, {@code security-group/<id>}).
 * Manual inputs reach the handlers unchecked by the parser, so every value is checked again.
 */
public final class Targets {
    private static final Pattern BUCKET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");
    private static final Pattern TRAIL = Pattern.compile("(arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+"
            + ":\\d{12}:trail/)?[A-Za-z0-9][A-Za-z0-9._-]{2,127}");
    private static final Pattern GROUP_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern RULE_ID = Pattern.compile("sgr-[0-9a-f]{8,17}");
    private static final Pattern API = Pattern.compile("[A-Za-z0-9]{1,128}");
    private static final String FIELD = "incident.finding.target.";

    private Targets() {
    }

    public static String bucketName(Incident incident) {
        return required(incident, "bucketName", "s3-bucket/", BUCKET_NAME, "an S3 bucket name");
    }

    public static String trail(Incident incident) {
        return required(incident, "trailName", "cloudtrail-trail/", TRAIL,
                "a trail name or ARN");
    }

    public static String groupId(Incident incident) {
        return required(incident, "groupId", "security-group/", GROUP_ID,
                "a security group id (sg-...)");
    }

    public static Optional<String> detectorId(Incident incident) {
        return optional(incident, "detectorId", "guardduty-detector/",
                Pattern.compile("[A-Za-z0-9]{1,300}"), "a detector id");
    }

    /**
     * Returns the API call the incident is about: the target's {@code api}, else the event
     * name in a CloudTrail finding type ({@code CloudTrail:<source>/<name>}).
     */
    public static Optional<String> api(Incident incident) {
        Optional<String> api = optional(incident, "api", null, API, "an API name");
        if (api.isPresent()) {
            return api;
        }
        String type = String.valueOf(incident.finding().type());
        if (type.startsWith("CloudTrail:") && type.contains("/")) {
            return Optional.of(type.substring(type.lastIndexOf('/') + 1))
                    .filter(name -> API.matcher(name).matches());
        }
        return Optional.empty();
    }

    /** Returns the permissions the call opened to every address, one per range. */
    public static List<IngressRule> openedToEveryone(Incident incident) {
        Object value = incident.finding().target().get("openedToEveryone");
        if (!(value instanceof List<?> list)) {
            throw new MalformedEventException("field '" + FIELD + "openedToEveryone' is missing"
                    + " for incident " + incident.incidentId() + ": revoke-open-ingress needs"
                    + " the permissions the AuthorizeSecurityGroupIngress call opened");
        }
        try {
            return list.stream()
                    .map(entry -> Json.convert(entry, IngressRule.class).checked())
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("field '" + FIELD + "openedToEveryone' of incident "
                    + incident.incidentId() + " is invalid: " + e.getMessage(), e);
        }
    }

    /** Returns the ids of the ingress rules the call created, as its response named them. */
    public static List<String> ruleIds(Incident incident) {
        Object value = incident.finding().target().getOrDefault("ruleIds", List.of());
        if (!(value instanceof List<?> list)) {
            throw new MalformedEventException("field '" + FIELD + "ruleIds' must be a list");
        }
        return list.stream().map(String::valueOf).peek(id -> {
            if (!RULE_ID.matcher(id).matches()) {
                throw new MalformedEventException("field '" + FIELD + "ruleIds' holds '"
                        + shortened(id) + "', not a security group rule id (sgr-...)");
            }
        }).toList();
    }

    /** Returns the names of the settings an UpdateTrail call changed, when the parser read them. */
    public static List<String> changedSettings(Incident incident) {
        Object value = incident.finding().target().getOrDefault("changedSettings", List.of());
        return value instanceof List<?> list
                ? list.stream().map(String::valueOf)
                        .filter(name -> API.matcher(name).matches()).toList()
                : List.of();
    }

    private static String required(Incident incident, String key, String resourcePrefix,
            Pattern shape, String shapeName) {
        return optional(incident, key, resourcePrefix, shape, shapeName).orElseThrow(() ->
                new MalformedEventException("field '" + FIELD + key + "' is missing for incident "
                        + incident.incidentId() + ", and its resource id names no "
                        + resourcePrefix.replace("/", "") + "; give " + shapeName));
    }

    private static Optional<String> optional(Incident incident, String key,
            String resourcePrefix, Pattern shape, String shapeName) {
        Map<String, Object> target = incident.finding().target();
        String value = null;
        String field = FIELD + key;
        if (target.get(key) != null) {
            value = String.valueOf(target.get(key));
        } else if (resourcePrefix != null && incident.resource().id() != null
                && incident.resource().id().startsWith(resourcePrefix)) {
            value = incident.resource().id().substring(resourcePrefix.length());
            field = "incident.resource.id";
        }
        if (value == null) {
            return Optional.empty();
        }
        if (!shape.matcher(value).matches()) {
            throw new MalformedEventException("field '" + field + "' of incident "
                    + incident.incidentId() + " is '" + shortened(value) + "', not " + shapeName);
        }
        return Optional.of(value);
    }

    private static String shortened(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}

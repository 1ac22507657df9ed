package org.cloudir.eradicate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cloudir.core.Json;

/**
 * Picks, from CloudTrail events, the IAM credentials a compromised principal made: successful
 * {@code CreateAccessKey}, {@code CreateLoginProfile} and {@code CreateUser} calls whose
 * {@code userIdentity} is that principal. Events come as {@link
 * org.cloudir.core.evidence.ActivityTrail} holds them: a map per event whose
 * {@code cloudTrailEvent} is the full record (a JSON object, or its text).
 */
final class AttackerCreations {
    static final String IAM_SOURCE = "iam.amazonaws.com";
    static final Set<String> EVENT_NAMES = Set.of("CreateAccessKey", "CreateLoginProfile",
            "CreateUser");

    private AttackerCreations() {
    }

    /** Names what was created. */
    enum Kind {
        ACCESS_KEY, LOGIN_PROFILE, USER
    }

    /**
     * Holds one credential the principal created.
     *
     * @param accessKeyId the new key's id; null unless {@code kind} is ACCESS_KEY
     */
    record Creation(Kind kind, String userName, String accessKeyId, Instant eventTime,
            String eventId) {
    }

    /**
     * Identifies the compromised principal as CloudTrail records its calls.
     *
     * @param lookupName the name LookupEvents finds its calls by (user or session name)
     * @param userName the IAM user's name; null for an instance role session
     */
    record Principal(String lookupName, String userName) {
        static Principal user(String userName) {
            return new Principal(userName, userName);
        }

        /** EC2 names the sessions of an instance's role after the instance id. */
        static Principal instanceRole(String instanceId) {
            return new Principal(instanceId, null);
        }

        boolean made(JsonNode identity) {
            if (userName != null) {
                return "IAMUser".equals(identity.path("type").asText())
                        && userName.equals(identity.path("userName").asText());
            }
            return "AssumedRole".equals(identity.path("type").asText())
                    && identity.path("arn").asText().endsWith("/" + lookupName);
        }

        String describe() {
            return userName != null ? "IAM user " + userName
                    : "the role sessions of instance " + lookupName;
        }
    }

    /** Returns the principal's successful creations, oldest first, each event once. */
    static List<Creation> select(List<Map<String, Object>> events, Principal principal) {
        Map<String, Creation> byEvent = new LinkedHashMap<>();
        for (Map<String, Object> event : events) {
            Optional<JsonNode> record = record(event);
            if (record.isEmpty()) {
                continue;
            }
            JsonNode trail = record.get();
            if (!IAM_SOURCE.equals(trail.path("eventSource").asText())
                    || !EVENT_NAMES.contains(trail.path("eventName").asText())
                    || trail.hasNonNull("errorCode")
                    || !principal.made(trail.path("userIdentity"))) {
                continue;
            }
            creation(trail, principal).ifPresent(creation -> byEvent.putIfAbsent(
                    creation.eventId().isEmpty() ? creation.toString() : creation.eventId(),
                    creation));
        }
        List<Creation> creations = new ArrayList<>(byEvent.values());
        creations.sort((a, b) -> a.eventTime().compareTo(b.eventTime()));
        return creations;
    }

    private static Optional<JsonNode> record(Map<String, Object> event) {
        Object raw = event.get("cloudTrailEvent");
        if (raw == null) {
            return Optional.empty();
        }
        JsonNode node = raw instanceof String text ? Json.parse(text, "CloudTrail event")
                : Json.mapper().valueToTree(raw);
        return node.isObject() ? Optional.of(node) : Optional.empty();
    }

    private static Optional<Creation> creation(JsonNode trail, Principal principal) {
        String eventId = trail.path("eventID").asText("");
        Instant time = time(trail.path("eventTime").asText(""));
        JsonNode request = trail.path("requestParameters");
        JsonNode response = trail.path("responseElements");
        // Without a user name in the request, IAM acts on the caller itself.
        String target = text(request.path("userName")).orElse(principal.userName());
        return switch (trail.path("eventName").asText()) {
            case "CreateAccessKey" -> text(response.path("accessKey").path("accessKeyId"))
                    .map(keyId -> new Creation(Kind.ACCESS_KEY,
                            text(response.path("accessKey").path("userName")).orElse(target),
                            keyId, time, eventId));
            case "CreateLoginProfile" -> Optional.ofNullable(
                    text(response.path("loginProfile").path("userName")).orElse(target))
                    .map(user -> new Creation(Kind.LOGIN_PROFILE, user, null, time, eventId));
            case "CreateUser" -> text(response.path("user").path("userName"))
                    .or(() -> text(request.path("userName")))
                    .map(user -> new Creation(Kind.USER, user, null, time, eventId));
            default -> Optional.empty();
        };
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText())
                : Optional.empty();
    }

    private static Instant time(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}

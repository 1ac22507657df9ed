package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.cloudir.core.MalformedEventException;

/** Reads required fields from an event by dotted path, naming the path and event when absent. */
final class Fields {
    private final JsonNode root;
    private final String eventName;

    Fields(JsonNode root, String eventName) {
        this.root = root;
        this.eventName = eventName;
    }

    JsonNode node(String path) {
        JsonNode node = at(path);
        if (node.isMissingNode() || node.isNull()) {
            throw missing(path);
        }
        return node;
    }

    JsonNode optional(String path) {
        return at(path);
    }

    String text(String path) {
        JsonNode node = node(path);
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(path, "a non-empty string");
        }
        return node.asText();
    }

    String text(String path, Pattern shape, String shapeName) {
        String value = text(path);
        if (!shape.matcher(value).matches()) {
            throw invalid(path, shapeName);
        }
        return value;
    }

    String optionalText(String path) {
        JsonNode node = at(path);
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    boolean bool(String path) {
        JsonNode node = node(path);
        if (!node.isBoolean()) {
            throw invalid(path, "true or false (a JSON boolean)");
        }
        return node.asBoolean();
    }

    double number(String path, double min, double max) {
        JsonNode node = node(path);
        if (!node.isNumber() || node.asDouble() < min || node.asDouble() > max) {
            throw invalid(path, "a number from " + min + " to " + max);
        }
        return node.asDouble();
    }

    Instant instant(String path) {
        String value = text(path);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException(
                    eventName + ": field '" + path + "' is not an ISO-8601 UTC time", e);
        }
    }

    MalformedEventException missing(String path) {
        return new MalformedEventException(eventName + " is missing required field '" + path + "'");
    }

    MalformedEventException invalid(String path, String expected) {
        return new MalformedEventException(
                eventName + ": field '" + path + "' must be " + expected);
    }

    private JsonNode at(String path) {
        return root.at("/" + path.replace(".", "/"));
    }
}

package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cloudir.core.CatalogueException;
import org.cloudir.core.Json;

/**
 * Evaluates the subset of EventBridge event patterns the playbook catalogue uses, with
 * EventBridge's semantics: nested objects, arrays in the event matched by any element (arrays
 * of objects included), {@code $or}, and the operators exact value, {@code prefix},
 * {@code wildcard}, {@code exists}, {@code anything-but} and {@code numeric}. Triage applies
 * the same pattern text the template's rules carry, so the two agree on what fits.
 */
public final class EventPatterns {
    private EventPatterns() {
    }

    /** Returns true when the event object fits the pattern object. */
    public static boolean matches(JsonNode pattern, JsonNode event) {
        for (Map.Entry<String, JsonNode> field : pattern.properties()) {
            JsonNode value = field.getValue();
            boolean fits;
            if (field.getKey().equals("$or")) {
                fits = false;
                for (JsonNode alternative : value) {
                    fits = fits || matches(alternative, event);
                }
            } else if (value.isObject()) {
                fits = matches(value, child(event, field.getKey()));
            } else {
                fits = anyFilterFits(value, leaves(child(event, field.getKey())));
            }
            if (!fits) {
                return false;
            }
        }
        return true;
    }

    /** Checks that a pattern uses only what {@link #matches} understands. */
    public static void validate(JsonNode pattern, String where) {
        if (!pattern.isObject()) {
            throw new CatalogueException(where + " must be an object");
        }
        for (Map.Entry<String, JsonNode> field : pattern.properties()) {
            String path = where + "." + field.getKey();
            JsonNode value = field.getValue();
            if (field.getKey().equals("$or")) {
                if (!value.isArray() || value.size() < 2) {
                    throw new CatalogueException(path + " must list two or more patterns");
                }
                value.forEach(alternative -> validate(alternative, path));
            } else if (value.isObject()) {
                validate(value, path);
            } else if (!value.isArray() || value.isEmpty()) {
                throw new CatalogueException(path + " must be an object or a non-empty array");
            } else {
                value.forEach(filter -> validateFilter(filter, path));
            }
        }
    }

    private static void validateFilter(JsonNode filter, String path) {
        if (filter.isValueNode()) {
            return;
        }
        if (!filter.isObject() || filter.size() != 1) {
            throw new CatalogueException(path + ": each filter is a value or an object with one"
                    + " operator");
        }
        String operator = filter.fieldNames().next();
        if (!List.of("prefix", "wildcard", "exists", "anything-but", "numeric")
                .contains(operator)) {
            throw new CatalogueException(path + ": operator '" + operator + "' is not supported;"
                    + " use prefix, wildcard, exists, anything-but or numeric");
        }
    }

    /** Navigates one key down, through arrays of objects, keeping every element's child. */
    private static JsonNode child(JsonNode node, String key) {
        if (!node.isArray()) {
            return node.path(key);
        }
        ArrayNode children = Json.mapper().createArrayNode();
        for (JsonNode element : node) {
            JsonNode value = child(element, key);
            if (value.isArray()) {
                value.forEach(children::add);
            } else if (!value.isMissingNode()) {
                children.add(value);
            }
        }
        return children;
    }

    private static List<JsonNode> leaves(JsonNode node) {
        List<JsonNode> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(element -> values.addAll(leaves(element)));
        } else if (!node.isMissingNode()) {
            values.add(node);
        }
        return values;
    }

    private static boolean anyFilterFits(JsonNode filters, List<JsonNode> values) {
        for (JsonNode filter : filters) {
            if (filter.isObject() && filter.has("exists")) {
                if (filter.get("exists").asBoolean() == !values.isEmpty()) {
                    return true;
                }
                continue;
            }
            for (JsonNode value : values) {
                if (fits(filter, value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean fits(JsonNode filter, JsonNode value) {
        if (filter.isValueNode()) {
            return filter.equals(value)
                    || filter.isNumber() && value.isNumber()
                    && filter.asDouble() == value.asDouble();
        }
        Map.Entry<String, JsonNode> operator = filter.properties().iterator().next();
        JsonNode argument = operator.getValue();
        return switch (operator.getKey()) {
            case "prefix" -> value.isTextual() && value.asText().startsWith(argument.asText());
            case "wildcard" -> value.isTextual() && wildcard(argument.asText())
                    .matcher(value.asText()).matches();
            case "anything-but" -> {
                boolean listed = false;
                for (JsonNode excluded : argument.isArray() ? argument : List.of(argument)) {
                    listed = listed || fits(excluded, value);
                }
                yield !listed;
            }
            case "numeric" -> value.isNumber() && numeric(argument, value.asDouble());
            default -> false;
        };
    }

    private static boolean numeric(JsonNode comparisons, double value) {
        for (int i = 0; i + 1 < comparisons.size(); i += 2) {
            double bound = comparisons.get(i + 1).asDouble();
            boolean holds = switch (comparisons.get(i).asText()) {
                case "<" -> value < bound;
                case "<=" -> value <= bound;
                case "=" -> value == bound;
                case ">=" -> value >= bound;
                case ">" -> value > bound;
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    /** Turns an EventBridge wildcard (only {@code *} is special) into a regular expression. */
    static Pattern wildcard(String wildcard) {
        return Pattern.compile(Arrays.stream(wildcard.split("\\*", -1))
                .map(Pattern::quote)
                .collect(Collectors.joining(".*")), Pattern.DOTALL);
    }
}

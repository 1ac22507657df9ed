package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;

/**
 * Reads GuardDuty's sample marker. In EventBridge events it is a boolean
 * {@code additionalInfo.sample}; read through the GuardDuty API it is inside a JSON string in
 * {@code additionalInfo.value}. Both shapes count.
 */
final class SampleFlag {
    private SampleFlag() {
    }

    static boolean isSample(JsonNode additionalInfo) {
        if (additionalInfo == null || !additionalInfo.isObject()) {
            return false;
        }
        if (isTrue(additionalInfo.get("sample"))) {
            return true;
        }
        JsonNode value = additionalInfo.get("value");
        if (value == null || !value.isTextual()) {
            return false;
        }
        try {
            return isTrue(Json.parse(value.asText(), "additionalInfo.value").get("sample"));
        } catch (MalformedEventException notJson) {
            return false;
        }
    }

    private static boolean isTrue(JsonNode node) {
        return node != null
                && (node.isBoolean() && node.asBoolean()
                || node.isTextual() && "true".equalsIgnoreCase(node.asText()));
    }
}

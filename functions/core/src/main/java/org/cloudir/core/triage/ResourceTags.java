package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the resource tags a GuardDuty finding carries (instance tags, bucket tags), so
 * suppressions by tag need no AWS call. CloudTrail events carry no tags of the resource.
 */
final class ResourceTags {
    private ResourceTags() {
    }

    static Map<String, String> of(JsonNode event) {
        Map<String, String> tags = new LinkedHashMap<>();
        JsonNode resource = event.path("detail").path("resource");
        add(resource.path("instanceDetails").path("tags"), tags);
        for (JsonNode bucket : resource.path("s3BucketDetails")) {
            add(bucket.path("tags"), tags);
        }
        return tags;
    }

    private static void add(JsonNode list, Map<String, String> into) {
        for (JsonNode tag : list) {
            if (tag.path("key").isTextual()) {
                into.put(tag.path("key").asText(), tag.path("value").asText(""));
            }
        }
    }
}

package org.cloudir.evidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/**
 * Looks up CloudTrail management events with LookupEvents: once by user name for the principal
 * and once by resource name, since a request takes a single lookup attribute. Pages are capped
 * so a noisy principal cannot stall containment.
 */
public final class CloudTrailActivityLookup implements ActivityLookup {
    static final int MAX_PAGES = 4;
    static final int PAGE_SIZE = 50;

    private final CloudTrailClient cloudTrail;

    public CloudTrailActivityLookup(CloudTrailClient cloudTrail) {
        this.cloudTrail = cloudTrail;
    }

    @Override
    public ActivityTrail lookUp(ActivityQuery query) {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        query.principal().ifPresent(name ->
                lookUp(LookupAttributeKey.USERNAME, name, query, byId));
        query.resourceName().ifPresent(name ->
                lookUp(LookupAttributeKey.RESOURCE_NAME, name, query, byId));
        return new ActivityTrail("cloudtrail:LookupEvents", true, "management events from "
                + query.from() + " to " + query.to(), new ArrayList<>(byId.values()));
    }

    private void lookUp(LookupAttributeKey key, String value, ActivityQuery query,
            Map<String, Map<String, Object>> into) {
        String token = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String pageToken = token;
            LookupEventsResponse response = AwsErrors.call("LookupEvents " + key + "=" + value,
                    () -> cloudTrail.lookupEvents(request -> request
                            .lookupAttributes(attribute -> attribute.attributeKey(key)
                                    .attributeValue(value))
                            .startTime(query.from())
                            .endTime(query.to())
                            .maxResults(PAGE_SIZE)
                            .nextToken(pageToken)));
            for (Event event : response.events()) {
                into.putIfAbsent(event.eventId(), asMap(event));
            }
            token = response.nextToken();
            if (token == null) {
                return;
            }
        }
    }

    private static Map<String, Object> asMap(Event event) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("eventId", event.eventId());
        out.put("eventName", event.eventName());
        out.put("eventSource", event.eventSource());
        out.put("eventTime", String.valueOf(event.eventTime()));
        out.put("username", event.username());
        out.put("resources", event.resources().stream()
                .map(resource -> Map.of("type", String.valueOf(resource.resourceType()),
                        "name", String.valueOf(resource.resourceName())))
                .toList());
        Optional.ofNullable(event.cloudTrailEvent())
                .ifPresent(raw -> out.put("cloudTrailEvent", Json.parse(raw, "CloudTrail event")));
        return out;
    }
}

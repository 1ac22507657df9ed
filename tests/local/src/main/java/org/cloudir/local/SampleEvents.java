package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.cloudir.core.Json;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Loads the real-shaped events of {@code events/}, points their placeholder ids at seeded
 * resources, and injects them with EventBridge PutEvents under their real source and
 * detail-type, so the template's rules route them exactly as in AWS.
 */
public final class SampleEvents {
    private final Path folder;

    public SampleEvents(Path repositoryRoot) {
        this.folder = repositoryRoot.resolve("events");
    }

    /** Returns the event in {@code events/<file>} with every placeholder replaced. */
    public ObjectNode load(String file, Map<String, String> placeholders) {
        String text;
        try {
            text = Files.readString(folder.resolve(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read events/" + file, e);
        }
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
            text = text.replace(placeholder.getKey(), placeholder.getValue());
        }
        return (ObjectNode) Json.parse(text, "events/" + file);
    }

    /**
     * Moves a GuardDuty event's times to just now, as a live finding would have them, so time
     * to triage and to contain are meaningful; returns the same event.
     */
    public static ObjectNode fresh(ObjectNode event) {
        Instant now = Instant.now();
        ObjectNode detail = (ObjectNode) event.path("detail");
        ObjectNode service = (ObjectNode) detail.path("service");
        service.put("eventFirstSeen", now.minusSeconds(600).toString());
        service.put("eventLastSeen", now.minusSeconds(5).toString());
        detail.put("createdAt", now.minusSeconds(300).toString());
        detail.put("updatedAt", now.minusSeconds(2).toString());
        event.put("time", now.toString());
        return event;
    }

    /** Sends one event to the default bus; fails if EventBridge rejected it. */
    public static void put(LocalAws aws, JsonNode event) {
        put(aws, event, "default");
    }

    public static void put(LocalAws aws, JsonNode event, String busName) {
        PutEventsResponse response = aws.events.putEvents(request -> request.entries(entry -> {
            entry.eventBusName(busName)
                    .source(event.path("source").asText())
                    .detailType(event.path("detail-type").asText())
                    .detail(Json.write(event.path("detail")));
            if (event.path("resources").size() > 0) {
                entry.resources(Json.convert(event.path("resources"), String[].class));
            }
        }));
        if (response.failedEntryCount() > 0) {
            throw new IllegalStateException("EventBridge rejected the event: "
                    + response.entries());
        }
    }
}

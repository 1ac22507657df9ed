package org.cloudir.core.evidence;

import java.util.List;
import java.util.Map;

/**
 * Holds the API events found for an {@link ActivityQuery}, and says where they came from.
 *
 * @param available false when no trail could be searched; {@code note} then says why
 * @param events the events as the source returned them, one JSON object each
 */
public record ActivityTrail(String source, boolean available, String note,
        List<Map<String, Object>> events) {

    public ActivityTrail {
        events = List.copyOf(events);
    }

    public static ActivityTrail unavailable(String source, String note) {
        return new ActivityTrail(source, false, note, List.of());
    }
}

package org.cloudir.identify.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sums up the recorded API activity around the finding: how much, which calls, when, from where.
 *
 * @param available false when no trail could be searched; {@code note} then says why
 * @param eventsByName how many events of each name, sorted by name
 * @param sourceIps the distinct caller addresses, sorted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActivityOverview(String source, boolean available, String note, Instant from,
        Instant to, int eventCount, Map<String, Integer> eventsByName, Instant firstEventTime,
        Instant lastEventTime, List<String> sourceIps) {

    public ActivityOverview {
        eventsByName = Map.copyOf(eventsByName);
        sourceIps = List.copyOf(sourceIps);
    }
}

package org.cloudir.identify.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.identify.model.ActivityOverview;

/** Sums up the events an activity lookup found: counts per call, time span, caller addresses. */
public final class ActivitySummaries {
    private ActivitySummaries() {
    }

    public static ActivityOverview of(ActivityQuery query, ActivityTrail trail) {
        Map<String, Integer> byName = new TreeMap<>();
        TreeSet<String> sourceIps = new TreeSet<>();
        Instant first = null;
        Instant last = null;
        for (Map<String, Object> event : trail.events()) {
            byName.merge(String.valueOf(event.getOrDefault("eventName", "unknown")), 1,
                    Integer::sum);
            Optional<Instant> time = time(event.get("eventTime"));
            if (time.isPresent()) {
                first = first == null || time.get().isBefore(first) ? time.get() : first;
                last = last == null || time.get().isAfter(last) ? time.get() : last;
            }
            sourceIp(event).ifPresent(sourceIps::add);
        }
        return new ActivityOverview(trail.source(), trail.available(), trail.note(),
                query.from(), query.to(), trail.events().size(), byName, first, last,
                sourceIps.stream().toList());
    }

    private static Optional<Instant> time(Object value) {
        if (value instanceof Instant instant) {
            return Optional.of(instant);
        }
        try {
            return value == null ? Optional.empty() : Optional.of(Instant.parse(value.toString()));
        } catch (DateTimeParseException unreadable) {
            return Optional.empty();
        }
    }

    /** Reads the caller's address from the raw CloudTrail record, or from the event itself. */
    private static Optional<String> sourceIp(Map<String, Object> event) {
        Object raw = event.get("cloudTrailEvent");
        JsonNode record = raw instanceof String text ? Json.parse(text, "CloudTrail event")
                : Json.mapper().valueToTree(raw == null ? event : raw);
        String ip = record.path("sourceIPAddress").asText("");
        if (ip.isBlank()) {
            ip = String.valueOf(event.getOrDefault("sourceIPAddress", ""));
        }
        return ip.isBlank() ? Optional.empty() : Optional.of(ip);
    }
}

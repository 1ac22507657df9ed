package org.cloudir.identify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.identify.model.ActivityOverview;
import org.junit.jupiter.api.Test;

class ActivitySummariesTest {
    private static final ActivityQuery QUERY = new ActivityQuery(Optional.of("u"),
            Optional.empty(), Instant.parse("2026-01-05T08:00:00Z"),
            Instant.parse("2026-01-05T11:00:00Z"));

    private static Map<String, Object> event(String name, String time, String ip) {
        return Map.of("eventId", name + time, "eventName", name, "eventTime", time,
                "cloudTrailEvent", Json.parse("{\"sourceIPAddress\": \"" + ip + "\"}", "e"));
    }

    @Test
    void countsCallsByNameAndSpansTheirTimesAndAddresses() {
        ActivityTrail trail = new ActivityTrail("cloudtrail:LookupEvents", true, "n", List.of(
                event("ListBuckets", "2026-01-05T09:10:00Z", "198.51.100.7"),
                event("GetObject", "2026-01-05T09:00:00Z", "198.51.100.7"),
                event("GetObject", "2026-01-05T09:30:00Z", "203.0.113.9")));

        ActivityOverview overview = ActivitySummaries.of(QUERY, trail);

        assertThat(overview.eventCount()).isEqualTo(3);
        assertThat(overview.eventsByName()).containsExactlyInAnyOrderEntriesOf(
                Map.of("GetObject", 2, "ListBuckets", 1));
        assertThat(overview.firstEventTime()).isEqualTo("2026-01-05T09:00:00Z");
        assertThat(overview.lastEventTime()).isEqualTo("2026-01-05T09:30:00Z");
        assertThat(overview.sourceIps()).containsExactly("198.51.100.7", "203.0.113.9");
        assertThat(overview.from()).isEqualTo(QUERY.from());
    }

    @Test
    void unavailableTrailIsReportedWithItsNoteAndNoEvents() {
        ActivityOverview overview = ActivitySummaries.of(QUERY,
                ActivityTrail.unavailable("none", "no LookupEvents here"));

        assertThat(overview.available()).isFalse();
        assertThat(overview.note()).isEqualTo("no LookupEvents here");
        assertThat(overview.eventCount()).isZero();
        assertThat(overview.firstEventTime()).isNull();
        assertThat(overview.sourceIps()).isEmpty();
    }
}

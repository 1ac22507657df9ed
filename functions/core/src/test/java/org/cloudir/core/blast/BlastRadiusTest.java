package org.cloudir.core.blast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.cloudir.core.blast.BlastRadius.Acted;
import org.cloudir.core.blast.BlastRadius.Decision;
import org.junit.jupiter.api.Test;

class BlastRadiusTest {
    private static final Instant NOW = Instant.parse("2025-03-16T15:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final BlastRadius limits = new BlastRadius(3, 5, CLOCK);

    private static Acted acted(String incident, String resource, int minutesAgo) {
        return new Acted(incident, resource, NOW.minusSeconds(60L * minutesAgo));
    }

    @Test
    void withinBothLimitsIsAutomatic() {
        Decision decision = limits.decide("ir-1", List.of("i-1", "i-2"), List.of());

        assertThat(decision.automatic()).isTrue();
        assertThat(decision.reason()).contains("2/3 in the incident");
    }

    @Test
    void beyondThePerIncidentLimitNeedsApproval() {
        Decision decision = limits.decide("ir-1", List.of("i-3", "i-4"),
                List.of(acted("ir-1", "i-1", 5), acted("ir-1", "i-2", 4)));

        assertThat(decision.automatic()).isFalse();
        assertThat(decision.reason()).contains("limit per incident is 3");
    }

    @Test
    void beyondTheHourlyLimitAcrossIncidentsNeedsApproval() {
        List<Acted> history = List.of(acted("ir-1", "i-1", 10), acted("ir-2", "i-2", 20),
                acted("ir-3", "i-3", 30), acted("ir-4", "i-4", 59));

        Decision decision = limits.decide("ir-5", List.of("i-5", "i-6"), history);

        assertThat(decision.automatic()).isFalse();
        assertThat(decision.reason()).contains("hourly limit of 5");
    }

    @Test
    void actionsOlderThanAnHourDoNotCount() {
        List<Acted> history = List.of(acted("ir-1", "i-1", 61), acted("ir-2", "i-2", 90),
                acted("ir-3", "i-3", 120), acted("ir-4", "i-4", 59));

        Decision decision = limits.decide("ir-5", List.of("i-5", "i-6"), history);

        assertThat(decision.automatic()).isTrue();
    }

    @Test
    void aResourceTheIncidentAlreadyActedOnIsNotCountedTwice() {
        Decision decision = limits.decide("ir-1", List.of("i-1", "i-2", "i-3"),
                List.of(acted("ir-1", "i-1", 1), acted("ir-1", "i-2", 1)));

        assertThat(decision.automatic()).isTrue();
        assertThat(decision.reason()).contains("3/3 in the incident");
    }

    @Test
    void limitsThatCanNeverBeMetAreRefused() {
        assertThatThrownBy(() -> new BlastRadius(0, 5, CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perIncident");
        assertThatThrownBy(() -> new BlastRadius(4, 3, CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perHour");
    }
}

package org.cloudir.eradicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaiterTest {
    /** A clock that moves only when the waiter pauses, so the test never sleeps. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-04T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    @Test
    void returnsTheFirstValueTheProbeFinds() {
        ManualClock clock = new ManualClock();
        AtomicInteger probes = new AtomicInteger();
        Waiter waiter = new Waiter(clock, clock::advance);

        Optional<String> found = waiter.until(Duration.ofSeconds(30), () ->
                probes.incrementAndGet() == 3 ? Optional.of("stopped") : Optional.empty());

        assertThat(found).contains("stopped");
        assertThat(probes).hasValue(3);
    }

    @Test
    void givesUpAtTheDeadlineWithoutPausingPastIt() {
        ManualClock clock = new ManualClock();
        Instant start = clock.instant();
        List<Duration> pauses = new ArrayList<>();
        Waiter waiter = new Waiter(clock, pause -> {
            pauses.add(pause);
            clock.advance(pause);
        });

        Optional<String> found = waiter.until(Duration.ofSeconds(5), Optional::empty);

        assertThat(found).isEmpty();
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofSeconds(5));
        assertThat(pauses).allSatisfy(pause -> assertThat(pause)
                .isLessThanOrEqualTo(Waiter.INTERVAL));
    }
}

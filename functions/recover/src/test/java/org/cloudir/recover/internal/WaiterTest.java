package org.cloudir.recover.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Checks that polling stops at its deadline, whatever the clock does. */
class WaiterTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock that moves on by a step each time it is read. */
    private static Clock ticking(Duration step) {
        return new Clock() {
            private Instant now = START;

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
                Instant current = now;
                now = now.plus(step);
                return current;
            }
        };
    }

    @Test
    void returnsTheFirstValueTheProbeFinds() {
        AtomicInteger polls = new AtomicInteger();
        Waiter waiter = new Waiter(Clock.fixed(START, ZoneOffset.UTC), Duration.ofSeconds(1),
                Duration.ofMillis(1));

        Optional<String> found = waiter.until(() -> polls.incrementAndGet() == 3
                ? Optional.of("running") : Optional.empty());

        assertThat(found).contains("running");
        assertThat(polls).hasValue(3);
    }

    @Test
    void givesUpOnceTheClockPassesTheDeadline() {
        AtomicInteger polls = new AtomicInteger();
        Waiter waiter = new Waiter(ticking(Duration.ofSeconds(30)), Duration.ofSeconds(40),
                Duration.ofMillis(1));

        Optional<String> found = waiter.until(() -> {
            polls.incrementAndGet();
            return Optional.empty();
        });

        assertThat(found).isEmpty();
        assertThat(polls).hasValue(2);
    }

    @Test
    void aClockThatNeverMovesStillStopsAfterTheBoundedNumberOfPolls() {
        AtomicInteger polls = new AtomicInteger();
        Waiter waiter = new Waiter(Clock.fixed(START, ZoneOffset.UTC), Duration.ofMillis(5),
                Duration.ofMillis(1));

        Optional<String> found = waiter.until(() -> {
            polls.incrementAndGet();
            return Optional.empty();
        });

        assertThat(found).isEmpty();
        assertThat(polls).hasValue(6);
    }
}

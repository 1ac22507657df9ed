package org.cloudir.eradicate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls AWS state until a probe finds what it waits for or a deadline on the injected clock
 * passes; the pause between probes is injected too, so tests never sleep.
 */
final class Waiter {
    static final Duration INTERVAL = Duration.ofSeconds(2);

    /** Waits between two probes. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration);

        /** Returns a pause that sleeps the thread, the one Lambda uses. */
        static Pause sleeping() {
            return duration -> {
                try {
                    Thread.sleep(duration.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting", e);
                }
            };
        }
    }

    private final Clock clock;
    private final Pause pause;

    Waiter(Clock clock, Pause pause) {
        this.clock = clock;
        this.pause = pause;
    }

    /** Returns the probe's first value, or empty once the timeout has passed without one. */
    <T> Optional<T> until(Duration timeout, Supplier<Optional<T>> probe) {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent() || !clock.instant().isBefore(deadline)) {
                return found;
            }
            Duration left = Duration.between(clock.instant(), deadline);
            pause.pause(left.compareTo(INTERVAL) < 0 ? left : INTERVAL);
        }
    }
}

package org.cloudir.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for emulator state by polling it until a deadline; tests never sleep for results. */
final class Polling {
    private static final Duration INTERVAL = Duration.ofMillis(150);

    private Polling() {
    }

    /** Polls until the condition holds; fails naming what was awaited when the time is up. */
    static void until(String what, Duration timeout, BooleanSupplier condition) {
        poll(what, timeout, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
    }

    /** Polls until the supplier finds a value and returns it. */
    static <T> T poll(String what, Duration timeout, Supplier<Optional<T>> probe) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}

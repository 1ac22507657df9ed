package org.cloudir.recover.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.cloudir.core.TransientAwsException;

/**
 * Polls AWS state until it shows what is wanted or a deadline passes. The deadline is read
 * from the injected clock; the number of polls is bounded as well, so a fixed test clock
 * cannot make it wait forever.
 */
public final class Waiter {
    private final Clock clock;
    private final Duration timeout;
    private final Duration interval;

    public Waiter(Clock clock, Duration timeout, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.clock = clock;
        this.timeout = timeout;
        this.interval = interval;
    }

    /** Returns the first value the probe finds, or empty when the deadline passed first. */
    public <T> Optional<T> until(Supplier<Optional<T>> probe) {
        Instant deadline = clock.instant().plus(timeout);
        long attempts = Math.max(1, timeout.toMillis() / interval.toMillis()) + 1;
        for (long attempt = 1; ; attempt++) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found;
            }
            if (attempt >= attempts || !clock.instant().isBefore(deadline)) {
                return Optional.empty();
            }
            pause();
        }
    }

    public Duration timeout() {
        return timeout;
    }

    private void pause() {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientAwsException("interrupted while waiting for AWS state", e);
        }
    }
}

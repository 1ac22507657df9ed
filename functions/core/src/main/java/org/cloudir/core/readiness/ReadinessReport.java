package org.cloudir.core.readiness;

import java.time.Instant;
import java.util.List;

/**
 * Sums up a readiness probe: ready when no check is MISSING (UNKNOWN checks are listed, not
 * counted against readiness, since they say nothing either way).
 *
 * @param missing the names of the MISSING checks
 */
public record ReadinessReport(boolean ready, String region, Instant checkedAt,
        List<ReadinessCheck> checks, List<String> missing) {

    public ReadinessReport {
        checks = List.copyOf(checks);
        missing = List.copyOf(missing);
    }

    public static ReadinessReport of(String region, Instant checkedAt,
            List<ReadinessCheck> checks) {
        List<String> missing = checks.stream()
                .filter(check -> check.status() == CheckStatus.MISSING)
                .map(ReadinessCheck::name)
                .toList();
        return new ReadinessReport(missing.isEmpty(), region, checkedAt, checks, missing);
    }
}

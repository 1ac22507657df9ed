package org.cloudir.core.blast;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether automated containment may act on more resources, or must wait for a human's
 * approval: at most {@code perIncident} resources in one incident and {@code perHour}
 * resources across all incidents in the last hour. A pure decision over the record of earlier
 * actions, so one component serves every state machine's approval gate.
 */
public final class BlastRadius {
    private static final Duration WINDOW = Duration.ofHours(1);

    private final int perIncident;
    private final int perHour;
    private final Clock clock;

    public BlastRadius(int perIncident, int perHour, Clock clock) {
        if (perIncident < 1) {
            throw new IllegalArgumentException("perIncident is " + perIncident
                    + "; the limit must allow at least one resource");
        }
        if (perHour < perIncident) {
            throw new IllegalArgumentException("perHour (" + perHour + ") is below perIncident ("
                    + perIncident + "); one incident could never use its own limit");
        }
        this.perIncident = perIncident;
        this.perHour = perHour;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One resource acted on: by which incident, and when. */
    public record Acted(String incidentId, String resourceId, Instant at) {
    }

    /** The verdict: proceed automatically, or ask for approval, and why. */
    public record Decision(boolean automatic, String reason) {
    }

    /**
     * Decides for {@code resources} new resources of an incident, given what was already acted
     * on (across all incidents). A resource acted on before is not counted again.
     */
    public Decision decide(String incidentId, List<String> resources, List<Acted> history) {
        Instant since = clock.instant().minus(WINDOW);
        List<String> fresh = resources.stream().distinct()
                .filter(id -> history.stream().noneMatch(a -> a.resourceId().equals(id)
                        && a.incidentId().equals(incidentId)))
                .toList();
        long inIncident = history.stream().filter(a -> a.incidentId().equals(incidentId))
                .map(Acted::resourceId).distinct().count();
        long inHour = history.stream().filter(a -> !a.at().isBefore(since))
                .map(a -> a.incidentId() + "/" + a.resourceId()).distinct().count();
        if (inIncident + fresh.size() > perIncident) {
            return new Decision(false, "incident " + incidentId + " would act on "
                    + (inIncident + fresh.size()) + " resources; the limit per incident is "
                    + perIncident + ": approval required");
        }
        if (inHour + fresh.size() > perHour) {
            return new Decision(false, (inHour + fresh.size()) + " resources in the last hour"
                    + " would exceed the hourly limit of " + perHour + ": approval required");
        }
        return new Decision(true, "within limits: " + (inIncident + fresh.size()) + "/"
                + perIncident + " in the incident, " + (inHour + fresh.size()) + "/" + perHour
                + " in the last hour");
    }
}

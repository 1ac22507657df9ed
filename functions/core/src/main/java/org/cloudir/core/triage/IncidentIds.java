package org.cloudir.core.triage;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.cloudir.core.Hashes;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;

/**
 * Derives an incident id from what defines an incident: the account, region and resource, and
 * the UTC day the activity was first seen. Every delivery of a finding, and every other finding
 * on the same resource that day, maps to the same id. The id is also the Step Functions
 * execution name, so it stays under 80 characters and has no ':' or '/'.
 */
public final class IncidentIds {
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private IncidentIds() {
    }

    public static String of(Finding finding) {
        String day = DAY.format(finding.firstSeen());
        String identity = String.join("|",
                finding.accountId(),
                finding.region(),
                finding.resource().type().wireName(),
                finding.resource().key(),
                day);
        return "ir-" + day + "-" + Hashes.sha256Hex(identity).substring(0, 20);
    }

    /**
     * Returns the incident table key of the window entry triage keeps for the incident's
     * resource (account, region, kind and name): it names the incident open for the resource
     * and how many incidents the resource has had.
     */
    public static String windowKey(Incident incident) {
        Finding finding = incident.finding();
        return "window#" + Hashes.sha256Hex(String.join("|", finding.accountId(),
                finding.region(), incident.resource().type().wireName(),
                String.valueOf(incident.resource().key()))).substring(0, 32);
    }
}

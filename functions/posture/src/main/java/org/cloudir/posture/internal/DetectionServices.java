package org.cloudir.posture.internal;

import java.util.List;
import java.util.Optional;

/**
 * Reads and turns on the regional detection services restore-logging brings back: a GuardDuty
 * detector and Security Hub. An interface, as these calls go through the responder's own
 * signed adapter ({@link SignedDetectionServices}) rather than an SDK client.
 */
public interface DetectionServices {
    /** Returns the region's detector ids; GuardDuty allows one per account and region. */
    List<String> detectorIds();

    boolean detectorEnabled(String detectorId);

    /** Creates an enabled detector tagged with the incident; returns its id. */
    String createDetector(String incidentId);

    void enableDetector(String detectorId);

    /** Returns the hub's ARN, or empty when Security Hub is not enabled in the region. */
    Optional<String> hubArn();

    /** Enables Security Hub, tagged with the incident, without its default standards. */
    void enableHub(String incidentId);
}

package org.cloudir.core.readiness;

import java.util.List;

/**
 * Lists the region's threat-detection detectors (GuardDuty in AWS). Kept behind this interface
 * so the readiness probe does not depend on one SDK and tests can see its exact requests.
 */
public interface ThreatDetectors {

    /** One detector and its status as the service reports it ("ENABLED", "DISABLED"). */
    record Detector(String id, String status) {

        public boolean enabled() {
            return "ENABLED".equals(status);
        }
    }

    List<Detector> detectors();
}

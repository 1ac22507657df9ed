package org.cloudir.prepare.internal;

import java.util.ArrayList;
import java.util.List;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.readiness.ReadinessCheck;
import org.cloudir.core.readiness.ThreatDetectors;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * Checks that findings and API calls will reach the responder: an enabled GuardDuty detector in
 * the region, and a multi-region CloudTrail trail that is logging (EventBridge receives API
 * calls only through CloudTrail).
 */
public final class DetectionChecks {
    public static final String DETECTOR = "guardduty-detector";
    public static final String TRAIL = "cloudtrail-multi-region-trail";

    private final ThreatDetectors detectors;
    private final CloudTrailClient cloudTrail;

    public DetectionChecks(ThreatDetectors detectors, CloudTrailClient cloudTrail) {
        this.detectors = detectors;
        this.cloudTrail = cloudTrail;
    }

    public ReadinessCheck detector(String region) {
        List<ThreatDetectors.Detector> found;
        try {
            found = detectors.detectors();
        } catch (RuntimeException e) {
            return Failures.unknown(DETECTOR, "GuardDuty detectors in " + region, e);
        }
        if (found.isEmpty()) {
            return ReadinessCheck.missing(DETECTOR, "no GuardDuty detector in " + region
                    + "; enable GuardDuty there, or no finding will ever arrive");
        }
        return found.stream().filter(ThreatDetectors.Detector::enabled).findFirst()
                .map(detector -> ReadinessCheck.ok(DETECTOR, "detector " + detector.id()
                        + " is ENABLED in " + region))
                .orElseGet(() -> ReadinessCheck.missing(DETECTOR, "every GuardDuty detector in "
                        + region + " is switched off: " + found));
    }

    public ReadinessCheck trail(String region) {
        try {
            List<Trail> trails = AwsErrors.call("DescribeTrails", () -> cloudTrail
                    .describeTrails(request -> request.includeShadowTrails(true)).trailList());
            List<String> notes = new ArrayList<>();
            for (Trail trail : trails) {
                if (!Boolean.TRUE.equals(trail.isMultiRegionTrail())) {
                    notes.add(trail.name() + " is single-region");
                    continue;
                }
                boolean logging = Boolean.TRUE.equals(AwsErrors.call("GetTrailStatus "
                        + trail.name(), () -> cloudTrail.getTrailStatus(request -> request
                                .name(trail.trailARN())).isLogging()));
                if (logging) {
                    return ReadinessCheck.ok(TRAIL, "multi-region trail " + trail.name()
                            + " (home " + trail.homeRegion() + ") is logging");
                }
                notes.add(trail.name() + " is multi-region but not logging");
            }
            return ReadinessCheck.missing(TRAIL, "no multi-region trail is logging as seen from "
                    + region + (notes.isEmpty() ? ": there are no trails" : ": " + notes)
                    + "; create one or StartLogging");
        } catch (RuntimeException e) {
            return Failures.unknown(TRAIL, "CloudTrail trails", e);
        }
    }
}

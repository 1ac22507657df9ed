package org.cloudir.posture;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.Env;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.posture.internal.DetectionServices;
import org.cloudir.posture.internal.PostureClients;
import org.cloudir.posture.internal.Targets;
import org.cloudir.posture.internal.TrailLogging;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * Turns logging and detection back on after a call switched them off: StartLogging for a
 * stopped trail; for an updated trail, its current settings recorded for review (the old ones
 * are not guessed) and logging started if it stopped; a GuardDuty detector enabled or created
 * after DeleteDetector; Security Hub enabled after DisableSecurityHub. A deleted trail cannot
 * be restored automatically and fails with {@link TrailDeletedException}.
 */
public final class RestoreLoggingHandler extends ActionHandler {
    static final String ACTION = "restore-logging";
    static final String LOGGING_DISABLED_FINDING = "Stealth:IAMUser/CloudTrailLoggingDisabled";

    private final TrailLogging trails;
    private final DetectionServices detection;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RestoreLoggingHandler() {
        this(Env.system());
    }

    public RestoreLoggingHandler(Env env) {
        this(PostureClients.cloudTrail(env), PostureClients.detection(env), env,
                Clock.systemUTC());
    }

    public RestoreLoggingHandler(CloudTrailClient cloudTrail, DetectionServices detection,
            Env env, Clock clock) {
        super(env, clock);
        this.trails = new TrailLogging(cloudTrail);
        this.detection = detection;
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        String api = api(incident);
        return switch (api) {
            case "StopLogging" -> restartTrail(incident, api, dryRun, started, false);
            case "UpdateTrail" -> restartTrail(incident, api, dryRun, started, true);
            case "DeleteTrail" -> recreatedTrail(incident, api, dryRun, started);
            case "DeleteDetector" -> restoreDetector(incident, dryRun, started);
            case "DisableSecurityHub" -> restoreHub(incident, dryRun, started);
            default -> throw new MalformedEventException("field 'incident.finding.target.api' of"
                    + " incident " + incident.incidentId() + " is " + api + "; " + ACTION
                    + " answers StopLogging, UpdateTrail, DeleteTrail, DeleteDetector and"
                    + " DisableSecurityHub");
        };
    }

    private static String api(Incident incident) {
        return Targets.api(incident).orElseGet(() -> {
            if (LOGGING_DISABLED_FINDING.equals(incident.finding().type())) {
                return "StopLogging";
            }
            throw new MalformedEventException("field 'incident.finding.target.api' is missing"
                    + " for incident " + incident.incidentId() + ": name the call to answer");
        });
    }

    /** Starts the trail's logging; for an updated trail, also records its settings. */
    private ActionResult restartTrail(Incident incident, String api, boolean dryRun,
            Instant started, boolean review) {
        String name = Targets.trail(incident);
        Trail trail = trails.trail(name).orElseThrow(() -> deleted(incident, name));
        String arn = trail.trailARN();
        Protection.refuseIfProtected(trails.tags(arn), ACTION, "CloudTrail trail " + arn,
                incident.incidentId());
        boolean wasLogging = trails.isLogging(arn);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("api", api);
        details.put("trailName", trail.name());
        details.put("trailArn", arn);
        details.put("wasLogging", wasLogging);
        String reviewNote = "";
        if (review) {
            details.put("currentSettings", TrailLogging.settings(trail));
            details.put("changedSettings", Targets.changedSettings(incident));
            reviewNote = "; review its current settings (recorded): the call changed "
                    + Targets.changedSettings(incident);
        }
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, (wasLogging ? "trail " + arn
                    + " is logging" : "would start logging of trail " + arn) + reviewNote,
                    details, List.of(), started);
        }
        if (wasLogging) {
            return result(incident, Outcome.ALREADY_DONE, "trail " + arn + " is logging"
                    + reviewNote, details, List.of("GetTrailStatus shows IsLogging true for "
                            + arn), started);
        }

        trails.startLogging(arn);
        if (!trails.isLogging(arn)) {
            throw new VerificationFailedException("trail " + arn + " is not logging after"
                    + " StartLogging for incident " + incident.incidentId());
        }
        return result(incident, Outcome.DONE, "started logging of trail " + arn + reviewNote,
                details, List.of("GetTrailStatus shows IsLogging true for " + arn), started);
    }

    /** A deleted trail a person has recreated since only needs its logging on. */
    private ActionResult recreatedTrail(Incident incident, String api, boolean dryRun,
            Instant started) {
        String name = Targets.trail(incident);
        if (trails.trail(name).isEmpty()) {
            throw deleted(incident, name);
        }
        return restartTrail(incident, api, dryRun, started, false);
    }

    private static TrailDeletedException deleted(Incident incident, String name) {
        return new TrailDeletedException("CloudTrail trail " + name + " was deleted and cannot"
                + " be restored automatically (incident " + incident.incidentId() + "): recreate"
                + " the trail with its earlier settings (S3 bucket and prefix, multi-region, log"
                + " file validation, KMS key, event selectors) and start its logging");
    }

    /** Enables the region's detector, or creates one when DeleteDetector left none. */
    private ActionResult restoreDetector(Incident incident, boolean dryRun, Instant started) {
        String deletedId = Targets.detectorId(incident).orElse("unknown");
        List<String> ids = detection.detectorIds();
        Optional<String> existing = ids.stream().findFirst();
        boolean enabled = existing.map(detection::detectorEnabled).orElse(false);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("api", "DeleteDetector");
        details.put("deletedDetectorId", deletedId);
        if (dryRun || enabled) {
            existing.ifPresent(id -> details.put("detectorId", id));
            details.put("created", false);
            return result(incident, dryRun ? Outcome.DRY_RUN : Outcome.ALREADY_DONE, enabled
                    ? "GuardDuty detector " + existing.get() + " is enabled"
                    : existing.map(id -> "would enable GuardDuty detector " + id)
                            .orElse("would create an enabled GuardDuty detector"),
                    details, enabled ? List.of("GetDetector shows " + existing.get()
                            + " ENABLED") : List.of(), started);
        }

        String detectorId = existing.orElseGet(() -> detection.createDetector(
                incident.incidentId()));
        if (existing.isPresent()) {
            detection.enableDetector(detectorId);
        }
        if (!detection.detectorEnabled(detectorId)) {
            throw new VerificationFailedException("GuardDuty detector " + detectorId + " is not"
                    + " enabled after restoring it for incident " + incident.incidentId());
        }
        details.put("detectorId", detectorId);
        details.put("created", existing.isEmpty());
        return result(incident, Outcome.DONE, (existing.isEmpty() ? "created" : "enabled")
                + " GuardDuty detector " + detectorId + " (deleted: " + deletedId + "); the"
                + " deleted detector's findings, filters, members and protection plans are not"
                + " restored: review them", details,
                List.of("GetDetector shows " + detectorId + " ENABLED"), started);
    }

    private ActionResult restoreHub(Incident incident, boolean dryRun, Instant started) {
        Optional<String> hub = detection.hubArn();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("api", "DisableSecurityHub");
        details.put("defaultStandardsEnabled", false);
        hub.ifPresent(arn -> details.put("hubArn", arn));
        if (dryRun || hub.isPresent()) {
            return result(incident, dryRun ? Outcome.DRY_RUN : Outcome.ALREADY_DONE,
                    hub.map(arn -> "Security Hub is enabled (" + arn + ")")
                            .orElse("would enable Security Hub"), details,
                    hub.map(arn -> List.of("DescribeHub answers " + arn)).orElse(List.of()),
                    started);
        }

        detection.enableHub(incident.incidentId());
        String arn = detection.hubArn().orElseThrow(() -> new VerificationFailedException(
                "Security Hub is not enabled after EnableSecurityHub for incident "
                        + incident.incidentId()));
        details.put("hubArn", arn);
        return result(incident, Outcome.DONE, "enabled Security Hub again (" + arn + "); its"
                + " standards and integrations are not restored: subscribe the standards the"
                + " account used", details, List.of("DescribeHub answers " + arn), started);
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Map<String, Object> details, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

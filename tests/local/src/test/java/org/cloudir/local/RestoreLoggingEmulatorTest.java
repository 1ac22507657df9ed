package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.posture.RestoreLoggingHandler;
import org.cloudir.posture.TrailDeletedException;
import org.cloudir.posture.internal.SignedJsonClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

/**
 * Turns logging and detection back on in the emulator after the sample calls switched them
 * off: a stopped or updated trail, a deleted GuardDuty detector, a disabled Security Hub. The
 * test reads GuardDuty and Security Hub through a signed client of its own, as the SDK has no
 * module for them in this build.
 */
class RestoreLoggingEmulatorTest {
    private static final String STOP_LOGGING = "cloudtrail-stop-logging.json";
    private static final String LOGGING_DISABLED = "guardduty-cloudtrail-logging-disabled.json";
    private static final String DELETE_DETECTOR = "cloudtrail-delete-detector.json";
    private static final String DISABLE_HUB = "cloudtrail-disable-security-hub.json";
    private static final String SAMPLE_TRAIL = "drill-trail";

    private static LocalAws aws;
    private static Env env;
    private static SampleEvents samples;
    private static CloudTrailClient cloudTrail;
    private static SignedJsonClient guardDuty;
    private static SignedJsonClient securityHub;
    private static String logBucket;

    @BeforeAll
    static void connect() {
        aws = TestSupport.emulator();
        env = aws.envFor(Map.of());
        samples = new SampleEvents(TestSupport.repositoryRoot());
        cloudTrail = AwsClients.configure(CloudTrailClient.builder(), env).build();
        guardDuty = SignedJsonClient.forService("guardduty", env);
        securityHub = SignedJsonClient.forService("securityhub", env);
        logBucket = "it-trail-logs-" + LocalHarness.shortRandom();
        aws.s3.createBucket(request -> request.bucket(logBucket));
    }

    @Test
    void startsLoggingOfTheStoppedTrailAndARepeatDoesNothingMore() {
        String trail = stoppedTrail(false);

        ActionResult result = restore(incident(STOP_LOGGING, trail, false));
        ActionResult repeat = restore(incident(STOP_LOGGING, trail, false));

        assertThat(isLogging(trail)).isTrue();
        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(result.details()).containsEntry("wasLogging", false);
        assertThat(repeat.outcome()).isEqualTo(Outcome.ALREADY_DONE);
    }

    @Test
    void theGuardDutyLoggingDisabledFindingStartsTheTrailItNames() {
        String trail = stoppedTrail(false);

        ActionResult result = restore(incident(LOGGING_DISABLED, trail, false));

        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(isLogging(trail)).isTrue();
    }

    @Test
    void anUpdatedTrailHasItsCurrentSettingsRecordedForReviewAndItsLoggingStarted() {
        String trail = stoppedTrail(false);
        ObjectNode event = event(STOP_LOGGING, trail);
        ((ObjectNode) event.path("detail")).put("eventName", "UpdateTrail");
        ((ObjectNode) event.at("/detail/requestParameters")).put("s3BucketName", logBucket)
                .put("enableLogFileValidation", false);

        ActionResult result = restore(LocalHarness.triage(event, false));

        assertThat(isLogging(trail)).isTrue();
        assertThat(result.details()).containsEntry("changedSettings",
                List.of("s3BucketName", "enableLogFileValidation"));
        assertThat(Json.write(result.details().get("currentSettings")))
                .contains("\"s3BucketName\":\"" + logBucket + "\"");
        assertThat(result.summary()).contains("review");
    }

    @Test
    void aDeletedTrailFailsLoudlyAskingForItToBeRecreated() {
        ObjectNode event = event(STOP_LOGGING, "it-gone-" + LocalHarness.shortRandom());
        ((ObjectNode) event.path("detail")).put("eventName", "DeleteTrail");
        Incident incident = LocalHarness.triage(event, false);

        assertThatThrownBy(() -> restore(incident))
                .isInstanceOf(TrailDeletedException.class)
                .hasMessageContaining("recreate the trail");
    }

    @Test
    void dryRunLeavesTheTrailStopped() {
        String trail = stoppedTrail(false);

        ActionResult result = restore(incident(STOP_LOGGING, trail, true));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(isLogging(trail)).isFalse();
    }

    @Test
    void refusesAProtectedTrailAndLeavesItStopped() {
        String trail = stoppedTrail(true);

        assertThatThrownBy(() -> restore(incident(STOP_LOGGING, trail, false)))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining(trail);
        assertThat(isLogging(trail)).isFalse();
    }

    /** One test for the whole detector story: the region holds one detector at most. */
    @Test
    void createsAnEnabledDetectorAfterDeleteDetectorOnlyOnceAndNotInDryRun() {
        deleteAllDetectors();
        Incident dry = incident(DELETE_DETECTOR, null, true);
        Incident real = incident(DELETE_DETECTOR, null, false);

        ActionResult planned = restore(dry);
        List<String> afterDryRun = detectorIds();
        ActionResult created = restore(real);
        ActionResult repeat = restore(real);

        assertThat(planned.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(afterDryRun).isEmpty();
        assertThat(created.outcome()).isEqualTo(Outcome.DONE);
        assertThat(repeat.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        assertThat(detectorIds()).singleElement().satisfies(id -> {
            JsonNode detector = guardDuty.call("GET", "/detector/" + id, Map.of(), null).get();
            assertThat(detector.path("status").asText()).isEqualTo("ENABLED");
            assertThat(detector.at("/tags/ir:incident-id").asText())
                    .isEqualTo(real.incidentId());
        });
    }

    @Test
    void enablesSecurityHubAfterDisableSecurityHubOnlyOnceAndNotInDryRun() {
        disableHub();
        Incident dry = incident(DISABLE_HUB, null, true);
        Incident real = incident(DISABLE_HUB, null, false);

        ActionResult planned = restore(dry);
        boolean enabledAfterDryRun = hubEnabled();
        ActionResult enabled = restore(real);
        ActionResult repeat = restore(real);

        assertThat(planned.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(enabledAfterDryRun).isFalse();
        assertThat(enabled.outcome()).isEqualTo(Outcome.DONE);
        assertThat(hubEnabled()).isTrue();
        assertThat(repeat.outcome()).isEqualTo(Outcome.ALREADY_DONE);
    }

    private static ActionResult restore(Incident incident) {
        return new RestoreLoggingHandler(env).handle(LocalHarness.input(incident));
    }

    private static Incident incident(String sample, String trail, boolean dryRun) {
        return LocalHarness.triage(event(sample, trail), dryRun);
    }

    private static ObjectNode event(String sample, String trail) {
        return samples.load(sample, trail == null ? Map.of() : Map.of(SAMPLE_TRAIL, trail));
    }

    private static String stoppedTrail(boolean protectedTrail) {
        String name = "it-trail-" + LocalHarness.shortRandom();
        String arn = cloudTrail.createTrail(request -> request.name(name)
                .s3BucketName(logBucket)).trailARN();
        if (protectedTrail) {
            cloudTrail.addTags(request -> request.resourceId(arn)
                    .tagsList(tag -> tag.key("ir:protected").value("true")));
        }
        cloudTrail.startLogging(request -> request.name(arn));
        cloudTrail.stopLogging(request -> request.name(arn));
        return name;
    }

    private static boolean isLogging(String trail) {
        return cloudTrail.getTrailStatus(request -> request.name(trail)).isLogging();
    }

    private static List<String> detectorIds() {
        List<String> ids = new ArrayList<>();
        guardDuty.call("GET", "/detector", Map.of(), null).get().path("detectorIds")
                .forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Deletes the region's detectors, as the sample DeleteDetector call did. */
    private static void deleteAllDetectors() {
        for (String id : detectorIds()) {
            guardDuty.call("DELETE", "/detector/" + id, Map.of(), null).get();
        }
    }

    private static boolean hubEnabled() {
        try {
            return securityHub.call("GET", "/accounts", Map.of(), null).get().has("HubArn");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void disableHub() {
        if (hubEnabled()) {
            securityHub.call("DELETE", "/accounts", Map.of(), null).get();
        }
    }
}

package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.cloudir.aws.AwsClients;
import org.cloudir.core.Json;
import org.cloudir.posture.internal.SignedJsonClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Runs the preparation machine alone in the local deployment's account. The test first works
 * out from the emulator, with clients of its own, what a responder lacks there (an enabled
 * GuardDuty detector, a multi-region trail that logs, both isolation groups of every VPC); the
 * run must fail through "Not ready" naming exactly those checks. The test then creates them
 * and a second run ends "Ready". What it created is removed afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreparationAloneTest {
    private static final String DETECTOR = "guardduty-detector";
    private static final String TRAIL = "cloudtrail-multi-region-trail";
    private static final String GROUPS = "isolation-groups:";

    private PhaseRuns phases;
    private CloudTrailClient cloudTrail;
    private SignedJsonClient guardDuty;
    private Set<String> expectedMissing;
    private ManualRuns.Progress notReady;
    private ManualRuns.Progress ready;
    private final List<String> createdGroups = new ArrayList<>();
    private String createdTrail;
    private String createdDetector;

    @BeforeAll
    void probeFixThenProbeAgain() {
        phases = PhaseRuns.get();
        cloudTrail = AwsClients.configure(CloudTrailClient.builder(),
                phases.harness.aws.envFor(Map.of())).build();
        guardDuty = SignedJsonClient.forService("guardduty", phases.harness.aws.envFor(Map.of()));
        expectedMissing = missingAsSeenByTheTest();

        notReady = phases.start("preparation", "preparation-" + LocalHarness.shortRandom(),
                Json.mapper().createObjectNode());
        createWhatIsMissing();
        ready = phases.start("preparation", "preparation-" + LocalHarness.shortRandom(),
                Json.mapper().createObjectNode());
    }

    @AfterAll
    void removeWhatTheTestCreated() {
        if (phases == null) {
            return;
        }
        createdGroups.forEach(groupId -> phases.harness.aws.ec2.deleteSecurityGroup(request ->
                request.groupId(groupId)));
        if (createdTrail != null) {
            cloudTrail.stopLogging(request -> request.name(createdTrail));
            cloudTrail.deleteTrail(request -> request.name(createdTrail));
        }
        if (createdDetector != null) {
            guardDuty.call("DELETE", "/detector/" + createdDetector, Map.of(), null).get();
        }
        cloudTrail.close();
    }

    @Test
    void incompleteAccountFailsThroughNotReady() {
        PhaseRuns.assertFinished(notReady, "FAILED");
        assertThat(notReady.states()).containsExactly("Check readiness", "Route by readiness",
                "Not ready");
        PhaseRuns.assertBranch(notReady.states(), "Route by readiness", "Not ready");
        assertThat(notReady.error()).isEqualTo("NotReady");
    }

    @Test
    void notReadyRunNamesExactlyTheMissingChecks() {
        JsonNode readiness = readinessOf(notReady.executionArn());

        assertThat(expectedMissing).as("what the test found missing").isNotEmpty();
        assertThat(readiness.path("ready").asBoolean(true)).isFalse();
        assertThat(texts(readiness.path("missing")))
                .containsExactlyInAnyOrderElementsOf(expectedMissing);
        assertThat(statusOf(readiness, "incident-table")).isEqualTo("OK");
        assertThat(statusOf(readiness, "evidence-bucket")).isEqualTo("OK");
        assertThat(statusOf(readiness, "notification-topic")).isEqualTo("OK");
    }

    @Test
    void accountWithEverythingInPlaceIsReady() {
        PhaseRuns.assertFinished(ready, "SUCCEEDED");
        assertThat(ready.states()).containsExactly("Check readiness", "Route by readiness",
                "Ready");
        JsonNode readiness = readinessOf(ready.executionArn());
        assertThat(readiness.path("missing")).isEmpty();
        assertThat(statusOf(readiness, DETECTOR)).isEqualTo("OK");
        assertThat(statusOf(readiness, TRAIL)).isEqualTo("OK");
    }

    /** Reads the readiness check's result from the history: a Fail state has no output. */
    private JsonNode readinessOf(String executionArn) {
        for (HistoryEvent event : phases.harness.aws.sfn.getExecutionHistoryPaginator(request ->
                request.executionArn(executionArn)).events()) {
            if (event.stateExitedEventDetails() != null
                    && event.stateExitedEventDetails().name().equals("Check readiness")) {
                return Json.parse(event.stateExitedEventDetails().output(), "readiness")
                        .path("readiness").path("result");
            }
        }
        throw new AssertionError("no 'Check readiness' exit in the history of " + executionArn);
    }

    private static String statusOf(JsonNode readiness, String name) {
        for (JsonNode check : readiness.path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check.path("status").asText();
            }
        }
        throw new AssertionError("no check " + name + " in " + readiness);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** Returns the checks that must be MISSING, from the emulator's state as read here. */
    private Set<String> missingAsSeenByTheTest() {
        Set<String> missing = new TreeSet<>();
        if (enabledDetectors().isEmpty()) {
            missing.add(DETECTOR);
        }
        if (loggingMultiRegionTrails().isEmpty()) {
            missing.add(TRAIL);
        }
        vpcsWithoutBothGroups().forEach(vpcId -> missing.add(GROUPS + vpcId));
        return missing;
    }

    private List<String> enabledDetectors() {
        List<String> enabled = new ArrayList<>();
        for (JsonNode id : guardDuty.call("GET", "/detector", Map.of(), null).get()
                .path("detectorIds")) {
            JsonNode detector = guardDuty.call("GET", "/detector/" + id.asText(), Map.of(),
                    null).get();
            if ("ENABLED".equals(detector.path("status").asText())) {
                enabled.add(id.asText());
            }
        }
        return enabled;
    }

    private List<String> loggingMultiRegionTrails() {
        return cloudTrail.describeTrails(request -> request.includeShadowTrails(true))
                .trailList().stream()
                .filter(trail -> Boolean.TRUE.equals(trail.isMultiRegionTrail()))
                .filter(trail -> Boolean.TRUE.equals(cloudTrail.getTrailStatus(request ->
                        request.name(trail.trailARN())).isLogging()))
                .map(Trail::name)
                .toList();
    }

    private List<String> vpcsWithoutBothGroups() {
        Set<String> groups = phases.harness.aws.ec2.describeSecurityGroupsPaginator(request ->
                        request.filters(filter -> filter.name("group-name")
                                .values("ir-isolation-*", "ir-untracking-*")))
                .securityGroups().stream()
                .map(group -> group.vpcId() + "/" + group.groupName())
                .collect(Collectors.toSet());
        return phases.harness.aws.ec2.describeVpcsPaginator(request -> { }).vpcs().stream()
                .map(Vpc::vpcId)
                .filter(vpcId -> !groups.contains(vpcId + "/ir-isolation-" + vpcId)
                        || !groups.contains(vpcId + "/ir-untracking-" + vpcId))
                .toList();
    }

    private void createWhatIsMissing() {
        if (expectedMissing.contains(DETECTOR)) {
            createdDetector = guardDuty.call("POST", "/detector", Map.of(),
                    Json.mapper().createObjectNode().put("enable", true)).get()
                    .path("detectorId").asText();
        }
        if (expectedMissing.contains(TRAIL)) {
            String bucket = "it-prep-trail-" + LocalHarness.shortRandom();
            phases.harness.aws.s3.createBucket(request -> request.bucket(bucket));
            createdTrail = cloudTrail.createTrail(request -> request.name(bucket)
                    .s3BucketName(bucket).isMultiRegionTrail(true)).trailARN();
            cloudTrail.startLogging(request -> request.name(createdTrail));
        }
        for (String check : expectedMissing) {
            if (check.startsWith(GROUPS)) {
                String vpcId = check.substring(GROUPS.length());
                for (String prefix : List.of("ir-isolation-", "ir-untracking-")) {
                    if (!groupExists(vpcId, prefix + vpcId)) {
                        createdGroups.add(phases.harness.aws.ec2.createSecurityGroup(request ->
                                request.vpcId(vpcId).groupName(prefix + vpcId)
                                        .description("readiness test")).groupId());
                    }
                }
            }
        }
    }

    private boolean groupExists(String vpcId, String name) {
        List<SecurityGroup> found = phases.harness.aws.ec2.describeSecurityGroups(request ->
                request.filters(filter -> filter.name("vpc-id").values(vpcId),
                        filter -> filter.name("group-name").values(name))).securityGroups();
        return !found.isEmpty();
    }
}

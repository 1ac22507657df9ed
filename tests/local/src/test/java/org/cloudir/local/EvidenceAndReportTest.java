package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.Env;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.cloudir.evidence.EvidenceStore;
import org.cloudir.report.VerifyCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * Contains an instance through the deployed state machine on the emulator, then checks its
 * evidence, report and notifications from the emulator's own S3, DynamoDB and SQS, and finally
 * alters evidence in the bucket to show that {@code verify} names what changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvidenceAndReportTest {
    private static LocalAws aws;
    private static Stack stack;
    private static Incident incident;
    private static DescribeExecutionResponse run;
    private static List<String> notifications;
    private static EvidenceChecks checks;
    private static String bucket;

    @BeforeAll
    static void containAnInstance() {
        aws = Emulator.aws();
        stack = Emulator.stack();
        bucket = stack.bucketName("EvidenceBucket");
        checks = new EvidenceChecks(aws, bucket, stack.tableName("IncidentTable"));
        String queue = EvidenceChecks.subscribeQueue(aws,
                stack.topicArn("IncidentNotificationTopic"), "test-notifications");
        Victim victim = new VictimSeeder(aws, "evidence-" + System.currentTimeMillis())
                .ensure("evidence-user");
        JsonNode finding = SampleEvents.fresh(new SampleEvents(Emulator.repositoryRoot())
                .load("guardduty-ec2-backdoor.json", victim.placeholders()));
        incident = new Triage(Clock.systemUTC(), false).triage(Json.write(finding));
        String machine = stack.stateMachineArn("ContainmentStateMachine");
        try (LocalWorker worker = LocalWorker.start(aws, stack)) {
            aws.sfn.startExecution(request -> request.stateMachineArn(machine)
                    .name(incident.incidentId())
                    .input(Json.write(Map.of("incident", incident))));
            run = new Executions(aws).awaitFinished(
                    Executions.arn(machine, incident.incidentId()), Duration.ofSeconds(90));
        }
        notifications = EvidenceChecks.notificationKinds(aws, queue, incident.incidentId(), 3,
                Duration.ofSeconds(10));
    }

    @Test
    @Order(1)
    void executionRunsEvidenceAndReportStatesOfTheDeployedMachine() {
        List<String> states = new Executions(aws).statesEntered(run.executionArn());

        assertThat(run.statusAsString()).isEqualTo("SUCCEEDED");
        assertThat(states).containsExactly("Begin containment", "Collect evidence",
                "Containment approval needed?", "Adopt playbook", "Route by resource type",
                "Snapshot volumes", "Isolate instance", "Subnet quarantine asked?",
                "Record containment", "Write report",
                "Route by outcome", "Contained");
    }

    @Test
    @Order(2)
    void bucketHoldsTheManifestAndEveryObjectItLists() {
        Manifest manifest = store().manifest(incident.incidentId());

        assertThat(manifest.items()).extracting(EvidenceItem::kind).containsExactlyInAnyOrder(
                "finding", "resource-before", "api-activity", "resource-after", "actions",
                "report-json", "report-markdown", "report-timeline");
        assertThat(manifest.items()).allSatisfy(item -> assertThat(store().read(item.key()))
                .hasValueSatisfying(bytes -> assertThat(Hashes.sha256Hex(bytes))
                        .isEqualTo(item.sha256())));
    }

    @Test
    @Order(3)
    void beforeAndAfterDescriptionsShowTheIsolation() {
        JsonNode before = json("before/resource.json");
        JsonNode after = json("after/resource.json");

        assertThat(before.path("securityGroups").get(0).path("groupName").asText())
                .doesNotStartWith("ir-isolation-");
        assertThat(after.path("securityGroups")).singleElement().satisfies(group ->
                assertThat(group.path("groupName").asText()).startsWith("ir-isolation-"));
        assertThat(after.path("disableApiTermination").asBoolean()).isTrue();
        assertThat(json("activity/api-events.json").path("note").asText())
                .contains("not available in the local emulator");
        assertThat(json("actions.json").toString()).contains("snap-");
    }

    @Test
    @Order(4)
    void bucketKeepsVersionsUnderGovernanceObjectLock() {
        var lock = aws.s3.getObjectLockConfiguration(request -> request.bucket(bucket))
                .objectLockConfiguration();
        String versioning = aws.s3.getBucketVersioning(request -> request.bucket(bucket))
                .statusAsString();

        assertThat(lock.rule().defaultRetention().mode())
                .isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
        assertThat(lock.rule().defaultRetention().days()).isEqualTo(365);
        assertThat(versioning).isEqualTo("Enabled");
    }

    @Test
    @Order(5)
    void reportJsonValidatesAndHoldsTheIncident() {
        JsonNode report = checks.reportJson(incident.incidentId());

        assertThat(new ReportSchema(Emulator.repositoryRoot()).violations(report)).isEmpty();
        assertThat(report.path("status").asText()).isEqualTo("CONTAINED");
        assertThat(report.path("actions")).extracting(action -> action.path("action").asText())
                .containsExactly("snapshot-volumes", "isolate-instance");
        assertThat(report.path("actions")).allSatisfy(action -> {
            assertThat(action.path("actor").asText()).isEqualTo("automation");
            assertThat(action.path("verified")).isNotEmpty();
        });
        assertThat(report.path("times").path("timeToContainSeconds").asDouble()).isPositive();
        assertThat(report.path("rootCauseHints").toString())
                .contains("attacker infrastructure").doesNotContain("Open to the internet");
    }

    @Test
    @Order(6)
    void markdownReportListsEveryPreReportObjectWithItsHash() {
        String markdown = text("report/report.md");
        Manifest manifest = store().manifest(incident.incidentId());

        assertThat(markdown).startsWith("# Incident " + incident.incidentId() + ": CONTAINED")
                .contains("## Timeline", "![timeline](timeline.svg)",
                        "## Actions and their verification", "## Evidence",
                        "## Root-cause hints", "## Lessons", "## Follow-ups",
                        "| Time to contain |", "verified: ");
        assertThat(manifest.items()).filteredOn(item -> !item.kind().startsWith("report-"))
                .allSatisfy(item -> assertThat(markdown)
                        .contains("`" + item.key() + "`", "`" + item.sha256() + "`"));
    }

    @Test
    @Order(7)
    void timelinePictureShowsTheStepsInOrder() {
        List<String> steps = EvidenceChecks.svgSteps(text("report/timeline.svg"));

        assertThat(steps).containsExactly("Activity first seen", "Finding reported", "Triaged",
                "Evidence collected", "Action snapshot-volumes", "Action isolate-instance",
                "Contained", "Report written");
        assertThat(checks.timelineInOrder(incident.incidentId()).passed()).isTrue();
    }

    @Test
    @Order(8)
    void notificationsReachASubscribedQueue() {
        assertThat(notifications).containsExactly("OPENED", "CONTAINED", "CLOSED");
    }

    @Test
    @Order(9)
    void verifyCommandPassesOnUntouchedEvidence() {
        Result result = verify();

        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).startsWith("OK 8 evidence objects of incident "
                + incident.incidentId());
    }

    @Test
    @Order(10)
    void verifyCommandNamesTheObjectAlteredInTheBucket() {
        String key = Manifest.prefixFor(incident.incidentId()) + "before/resource.json";
        EvidenceItem original = store().manifest(incident.incidentId()).item(key).orElseThrow();
        aws.s3.putObject(request -> request.bucket(bucket).key(key),
                RequestBody.fromString("{\"state\": \"nothing to see here\"}"));

        Result result = verify();

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("MISMATCH " + key + ": manifest sha256 "
                + original.sha256()).doesNotContain("MISMATCH " + Manifest.keyFor(
                        incident.incidentId()));
        byte[] kept = aws.s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)
                .versionId(original.versionId())).asByteArray();
        assertThat(Hashes.sha256Hex(kept)).isEqualTo(original.sha256());
    }

    @Test
    @Order(11)
    void verifyCommandNamesAnAlteredManifest() {
        String key = Manifest.keyFor(incident.incidentId());
        String manifest = text("manifest.json");
        aws.s3.putObject(request -> request.bucket(bucket).key(key),
                RequestBody.fromString(manifest.replace("\"resource-after\"", "\"other\"")));

        Result result = verify();

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("MISMATCH " + key + ": incident record holds");
    }

    @Test
    @Order(12)
    void verifyCommandRejectsMissingArguments() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = VerifyCommand.run(new String[] {"--bucket", bucket}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(err), new Env(Map.of()));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--incident");
    }

    private Result verify() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = {"--bucket", bucket, "--incident", incident.incidentId(),
            "--table", stack.tableName("IncidentTable"), "--endpoint", aws.endpoint()};
        int code = VerifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, new Env(Map.of("AWS_REGION", LocalAws.REGION)));
        return new Result(code, out.toString(StandardCharsets.UTF_8));
    }

    private static EvidenceStore store() {
        return new EvidenceStore(aws.s3, bucket, Clock.systemUTC());
    }

    private static String text(String name) {
        return new String(store().read(Manifest.prefixFor(incident.incidentId()) + name)
                .orElseThrow(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String name) {
        return Json.parse(text(name), name);
    }

    private record Result(int exitCode, String output) {
    }
}

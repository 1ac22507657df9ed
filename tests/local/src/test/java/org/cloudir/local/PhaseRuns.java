package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.Json;
import org.cloudir.core.model.ResourceRef;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs phase machines by hand for the phase tests, as a responder would with scripts/ir: starts
 * a run through {@link ManualRuns}, follows it to its end or to a gate, answers the gate, and
 * reads back what the run left in the incident table, the evidence bucket and its history.
 * Setup runs contain through an approved gate (low severity), so no test spends the shared
 * blast-radius allowance that automatic containment counts against.
 */
final class PhaseRuns {
    static final Duration FOLLOW = Duration.ofSeconds(90);
    static final String APPROVER = "alice";
    static final double LOW_SEVERITY = 2.0;

    final LocalHarness harness;
    final ManualRuns runs;

    private PhaseRuns(LocalHarness harness) {
        this.harness = harness;
        this.runs = new ManualRuns(harness.aws, harness.stack, Clock.systemUTC());
    }

    /** Returns the shared deployment's runner; the test is skipped without an emulator. */
    static PhaseRuns get() {
        TestSupport.emulator().close();
        return new PhaseRuns(LocalHarness.get());
    }

    /** Returns a manual instance incident of low severity, so containment waits at its gate. */
    static ObjectNode instanceIncident(Victim victim, boolean dryRun) {
        return ManualRuns.inputForResource(ResourceRef.instance(victim.instanceId()), dryRun,
                LOW_SEVERITY, Clock.systemUTC());
    }

    /** Returns a manual incident on the victim's access key, of low severity. */
    static ObjectNode keyIncident(Victim victim) {
        return ManualRuns.inputForResource(ResourceRef.accessKey(victim.accessKeyId(),
                victim.userName()), false, LOW_SEVERITY, Clock.systemUTC());
    }

    static String incidentId(JsonNode input) {
        return input.path("incident").path("incidentId").asText();
    }

    /** Returns the execution name of a phase run: the orchestrator's naming, plus a suffix. */
    static String runName(JsonNode input, String phase, String suffix) {
        String name = phase.equals("containment") ? incidentId(input)
                : incidentId(input) + "-" + phase;
        name = name + suffix;
        return name.length() > 80 ? name.substring(name.length() - 80) : name;
    }

    /** Starts a phase run and follows it until it ends or waits at a gate. */
    ManualRuns.Progress start(String phase, JsonNode input) {
        return start(phase, runName(input, phase, ""), input);
    }

    ManualRuns.Progress start(String phase, String name, JsonNode input) {
        Instant since = Instant.now().minusSeconds(1);
        String executionArn = runs.start(phase, name, input);
        String incidentId = incidentId(input);
        return runs.follow(executionArn, incidentId.isEmpty() ? null : incidentId, since,
                FOLLOW);
    }

    /** Starts a phase run and follows it to its end, leaving any gate unanswered. */
    ManualRuns.Progress startUnanswered(String phase, JsonNode input) {
        Instant since = Instant.now();
        String executionArn = runs.start(phase, runName(input, phase, ""), input);
        return runs.follow(executionArn, null, since, FOLLOW);
    }

    /** Approves the gate the run waits at and follows the run on. */
    ManualRuns.Progress approve(ManualRuns.Progress waiting, String expectedGate) {
        String incidentId = gateOf(waiting, expectedGate);
        Instant since = Instant.now();
        runs.approvals().approve(incidentId, Optional.of(expectedGate), APPROVER,
                "approved by the phase test");
        return runs.follow(waiting.executionArn(), incidentId, since, FOLLOW);
    }

    /** Rejects the gate the run waits at and follows the run on. */
    ManualRuns.Progress reject(ManualRuns.Progress waiting, String expectedGate) {
        String incidentId = gateOf(waiting, expectedGate);
        Instant since = Instant.now();
        runs.approvals().reject(incidentId, Optional.of(expectedGate), "bob",
                "rejected by the phase test");
        return runs.follow(waiting.executionArn(), incidentId, since, FOLLOW);
    }

    /** Runs containment, approving its gate; fails unless the incident ends up contained. */
    ManualRuns.Progress contain(JsonNode input) {
        ManualRuns.Progress progress = start("containment", input);
        if (progress.waiting()) {
            progress = approve(progress, "containment");
        }
        assertFinished(progress, "SUCCEEDED");
        assertThat(progress.states()).as("containment of " + incidentId(input))
                .endsWith("Contained");
        return progress;
    }

    /** Runs a phase whose gate is approved (when it has one); fails unless it succeeds. */
    ManualRuns.Progress approved(String phase, JsonNode input) {
        ManualRuns.Progress progress = start(phase, input);
        if (progress.waiting()) {
            progress = approve(progress, progress.gate().orElseThrow().gate());
        }
        assertFinished(progress, "SUCCEEDED");
        return progress;
    }

    static void assertFinished(ManualRuns.Progress progress, String status) {
        assertThat(progress.waiting()).as("run " + progress.executionArn() + " waits at a gate"
                + " (states " + progress.states() + ")").isFalse();
        assertThat(progress.status()).as(progress.executionArn() + " " + progress.states()
                + " " + progress.error() + ": " + progress.cause()).isEqualTo(status);
    }

    /** Asserts that the run went from the Choice state straight to the given branch. */
    static void assertBranch(List<String> states, String choice, String next) {
        int at = states.indexOf(choice);
        assertThat(at).as("Choice '" + choice + "' entered in " + states).isNotNegative();
        assertThat(at + 1).as("a state after '" + choice + "' in " + states)
                .isLessThan(states.size());
        assertThat(states.get(at + 1)).as("branch taken at '" + choice + "' in " + states)
                .isEqualTo(next);
    }

    List<Map<String, AttributeValue>> entries(String incidentId, String prefix) {
        return new EmulatorState(harness.aws).incidentEntries(harness.incidentTable(),
                incidentId).stream()
                .filter(item -> item.get("entry").s().startsWith(prefix))
                .toList();
    }

    /** Returns the outcome the phase entry of one run holds. */
    String phaseOutcome(String incidentId, String phase, String run) {
        List<Map<String, AttributeValue>> entries = entries(incidentId,
                "phase#" + phase + "#" + run);
        assertThat(entries).as(phase + " entry of run " + run).hasSize(1);
        assertThat(entries.get(0)).as(phase + " entry of run " + run).containsKey("outcome");
        return entries.get(0).get("outcome").s();
    }

    /** Returns the status the approval entry of one run's gate holds. */
    String approvalStatus(String incidentId, String run, String gate) {
        List<Map<String, AttributeValue>> entries = entries(incidentId,
                "approval#" + run + "#" + gate);
        assertThat(entries).as(gate + " approval of run " + run).hasSize(1);
        return entries.get(0).get("status").s();
    }

    Optional<String> incidentStatus(String incidentId) {
        return new EmulatorState(harness.aws).incidentStatus(harness.incidentTable(),
                incidentId);
    }

    Map<String, String> actionOutcomes(String incidentId) {
        return new EmulatorState(harness.aws).actionOutcomes(harness.incidentTable(),
                incidentId);
    }

    /** Returns the execution's output, read back from the emulator. */
    JsonNode output(String executionArn) {
        return Json.parse(harness.aws.sfn.describeExecution(request -> request
                .executionArn(executionArn)).output(), "output of " + executionArn);
    }

    /** Returns report.json of the incident, read from the evidence bucket. */
    JsonNode report(String incidentId) {
        String bucket = harness.stack.bucketName("EvidenceBucket");
        byte[] bytes = harness.aws.s3.getObjectAsBytes(request -> request.bucket(bucket)
                .key("incidents/" + incidentId + "/report/report.json")).asByteArray();
        return Json.parse(new String(bytes, StandardCharsets.UTF_8), "report.json");
    }

    String instanceState(String instanceId) {
        return harness.aws.ec2.describeInstances(request -> request.instanceIds(instanceId))
                .reservations().get(0).instances().get(0).state().nameAsString();
    }

    void tagInstance(String instanceId, String key, String value) {
        harness.aws.ec2.createTags(request -> request.resources(instanceId)
                .tags(tag -> tag.key(key).value(value)));
    }

    void untagInstance(String instanceId, String key) {
        harness.aws.ec2.deleteTags(request -> request.resources(instanceId)
                .tags(tag -> tag.key(key)));
    }

    private static String gateOf(ManualRuns.Progress waiting, String expectedGate) {
        assertThat(waiting.waiting()).as("run " + waiting.executionArn() + " waits at the "
                + expectedGate + " gate (states " + waiting.states() + ", status "
                + waiting.status() + " " + waiting.error() + ": " + waiting.cause() + ")")
                .isTrue();
        assertThat(waiting.gate().orElseThrow().gate()).isEqualTo(expectedGate);
        return waiting.gate().orElseThrow().incidentId();
    }
}

package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.lifecycle.internal.ApprovalStatus;
import org.cloudir.lifecycle.internal.PendingApproval;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs the containment machine's approval gate on the emulator: a low-severity incident waits
 * for a person; approve lets containment act, reject and timeout leave the instance untouched.
 * The token, the proposal and the decision are read back from the incident table and the
 * notification topic; the instance from EC2.
 */
class ApprovalGateTest {
    private static final Duration FOLLOW = Duration.ofSeconds(60);
    private static LocalHarness harness;
    private static ManualRuns runs;
    private static String notifications;

    @BeforeAll
    static void deploy() {
        TestSupport.emulator().close();
        harness = LocalHarness.get();
        runs = new ManualRuns(harness.aws, harness.stack, Clock.systemUTC());
        notifications = EvidenceChecks.subscribeQueue(harness.aws,
                harness.stack.topicArn("IncidentNotificationTopic"),
                TestSupport.unique("gate-notifications"));
    }

    @Test
    void approvedGateLetsContainmentActAndRecordsTheApprover() {
        Victim victim = harness.newVictim();
        ObjectNode input = lowSeverity(victim);
        String incidentId = input.path("incident").path("incidentId").asText();

        ManualRuns.Progress waiting = startContainment(input, incidentId);

        assertThat(waiting.waiting()).as("run stops at the gate").isTrue();
        assertThat(waiting.states()).endsWith("Containment approval needed?",
                "Ask approval to contain");
        Map<String, AttributeValue> pending = approvalEntry(incidentId);
        assertThat(pending.get("status").s()).isEqualTo("PENDING");
        assertThat(pending.get("taskToken").s()).isNotBlank();
        assertThat(pending.get("proposal").s()).contains(victim.instanceId());
        assertThat(EvidenceChecks.notificationKinds(harness.aws, notifications, incidentId, 2,
                Duration.ofSeconds(10))).contains("APPROVAL_NEEDED");
        VictimAssertions.assertInstanceUntouched(new EmulatorState(harness.aws), victim);

        Instant answered = Instant.now();
        PendingApproval approved = runs.approvals().approve(incidentId, Optional.empty(),
                "alice", "confirmed with the owner");
        ManualRuns.Progress done = runs.follow(waiting.executionArn(), incidentId, answered,
                FOLLOW);

        assertThat(approved.gate()).isEqualTo("containment");
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.states()).contains("Ask approval to contain", "Adopt playbook",
                "Snapshot volumes", "Isolate instance", "Subnet quarantine asked?",
                "Record containment")
                .endsWith("Contained");
        assertThat(new EmulatorChecks(harness.aws).instanceIsolated(victim.instanceId()))
                .allSatisfy(check -> assertThat(check.passed()).as(check.toString()).isTrue());
        Map<String, AttributeValue> decided = approvalEntry(incidentId);
        assertThat(decided.get("status").s()).isEqualTo("APPROVED");
        assertThat(decided.get("decidedBy").s()).isEqualTo("alice");
        assertThat(decided).doesNotContainKey("taskToken");
        assertThat(actionActors(incidentId)).containsOnly("person:alice");
    }

    @Test
    void rejectedGateLeavesTheInstanceUntouched() {
        Victim victim = harness.newVictim();
        ObjectNode input = lowSeverity(victim);
        String incidentId = input.path("incident").path("incidentId").asText();
        ManualRuns.Progress waiting = startContainment(input, incidentId);

        Instant answered = Instant.now();
        runs.approvals().reject(incidentId, Optional.of("containment"), "bob",
                "maintenance window, expected traffic");
        ManualRuns.Progress done = runs.follow(waiting.executionArn(), incidentId, answered,
                FOLLOW);

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.states()).contains("Note containment rejected",
                "Record notify-only incident").doesNotContain("Snapshot volumes")
                .endsWith("Notified");
        VictimAssertions.assertInstanceUntouched(new EmulatorState(harness.aws), victim);
        Map<String, AttributeValue> decided = approvalEntry(incidentId);
        assertThat(decided.get("status").s()).isEqualTo("REJECTED");
        assertThat(decided.get("reason").s()).isEqualTo("maintenance window, expected traffic");
        assertThat(phaseOutcome(incidentId, "containment")).isEqualTo("REJECTED");
    }

    @Test
    void gateThatTimesOutGoesOnWithoutActing() {
        Victim victim = harness.newVictim();
        ObjectNode input = lowSeverity(victim);
        input.putObject("options").put("approvalTimeoutSeconds", 2);
        String incidentId = input.path("incident").path("incidentId").asText();
        Instant since = Instant.now();

        String executionArn = runs.start("containment", incidentId, input);
        ManualRuns.Progress done = runs.follow(executionArn, null, since, FOLLOW);

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.states()).contains("Ask approval to contain",
                "Note containment timed out").endsWith("Notified");
        VictimAssertions.assertInstanceUntouched(new EmulatorState(harness.aws), victim);
        assertThat(approvalEntry(incidentId).get("status").s())
                .isEqualTo(ApprovalStatus.TIMED_OUT.name());
        assertThat(phaseOutcome(incidentId, "containment")).isEqualTo("TIMED_OUT");
    }

    @Test
    void answeringAGateTwiceIsRefused() {
        Victim victim = harness.newVictim();
        ObjectNode input = lowSeverity(victim);
        String incidentId = input.path("incident").path("incidentId").asText();
        ManualRuns.Progress waiting = startContainment(input, incidentId);
        Instant answered = Instant.now();
        runs.approvals().reject(incidentId, Optional.empty(), "bob", "not now");
        runs.follow(waiting.executionArn(), incidentId, answered, FOLLOW);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runs.approvals()
                .approve(incidentId, Optional.empty(), "mallory", "late"))
                .isInstanceOf(org.cloudir.core.ResourceNotFoundException.class)
                .hasMessageContaining("has no pending");
        assertThat(approvalEntry(incidentId).get("decidedBy").s()).isEqualTo("bob");
    }

    @Test
    void approvedRoleSessionRevocationDeniesTheRolesEarlierSessions() {
        String role = "it-web-role-" + LocalHarness.shortRandom();
        harness.aws.iam.createRole(request -> request.roleName(role)
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                        + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
        ObjectNode event = SampleEvents.fresh(harness.samples.load(
                "invalid/guardduty-role-credentials.json", Map.of("drill-web-role", role)));
        ObjectNode input = ManualRuns.inputFromFinding(event, false, Clock.systemUTC());
        String incidentId = "it-role-" + LocalHarness.shortRandom();
        ((ObjectNode) input.path("incident")).put("incidentId", incidentId);
        ManualRuns.Progress waiting = startContainment(input, incidentId);

        assertThat(waiting.waiting()).as("a gated catalogue entry waits").isTrue();
        Instant answered = Instant.now();
        runs.approvals().approve(incidentId, Optional.of("containment"), "alice", "confirmed");
        ManualRuns.Progress done = runs.follow(waiting.executionArn(), incidentId, answered,
                FOLLOW);

        assertThat(done.states()).contains("Adopt playbook", "Revoke role sessions",
                "Record containment").endsWith("Contained");
        String document = java.net.URLDecoder.decode(harness.aws.iam.getRolePolicy(request ->
                request.roleName(role).policyName("ir-deny-sessions-" + incidentId))
                .policyDocument(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(document).contains("\"Deny\"").contains("aws:TokenIssueTime");
    }

    private static ObjectNode lowSeverity(Victim victim) {
        return ManualRuns.inputForResource(ResourceRef.instance(victim.instanceId()), false,
                2.0, Clock.systemUTC());
    }

    private static ManualRuns.Progress startContainment(ObjectNode input, String incidentId) {
        Instant since = Instant.now();
        String executionArn = runs.start("containment", incidentId, input);
        return runs.follow(executionArn, incidentId, since, FOLLOW);
    }

    private static Map<String, AttributeValue> approvalEntry(String incidentId) {
        List<Map<String, AttributeValue>> entries = entries(incidentId, "approval#");
        assertThat(entries).as("approval entries of " + incidentId).hasSize(1);
        return entries.get(0);
    }

    private static String phaseOutcome(String incidentId, String phase) {
        List<Map<String, AttributeValue>> entries = entries(incidentId, "phase#" + phase + "#");
        assertThat(entries).as(phase + " entries of " + incidentId).hasSize(1);
        return entries.get(0).get("outcome").s();
    }

    private static List<String> actionActors(String incidentId) {
        return entries(incidentId, "action#").stream().map(item -> item.get("actor").s())
                .toList();
    }

    private static List<Map<String, AttributeValue>> entries(String incidentId, String prefix) {
        return new EmulatorState(harness.aws).incidentEntries(harness.incidentTable(),
                incidentId).stream()
                .filter(item -> item.get("entry").s().startsWith(prefix))
                .toList();
    }
}

package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * Runs a finding no automatic action applies to (a role session's credentials) through the
 * deployed machine and checks that people are asked to decide and still get a report.
 */
class NotifyOnlyReportTest {

    @Test
    void notifyOnlyIncidentAsksForApprovalAndIsReported() {
        LocalAws aws = Emulator.aws();
        Stack stack = Emulator.stack();
        String queue = EvidenceChecks.subscribeQueue(aws,
                stack.topicArn("IncidentNotificationTopic"), "test-notify-only");
        ObjectNode event = SampleEvents.fresh(new SampleEvents(Emulator.repositoryRoot())
                .load("invalid/guardduty-role-credentials.json", Map.of()));
        // A finding id of its own keeps repeated local runs apart; the incident id follows it.
        ((ObjectNode) event.path("detail").path("resource").path("accessKeyDetails"))
                .put("principalId", "AROAEXAMPLEDRILLROLE:test-" + System.nanoTime());
        Incident incident = new Triage(Clock.systemUTC(), false).triage(Json.write(event));
        String machine = stack.stateMachineArn("ContainmentStateMachine");

        DescribeExecutionResponse run;
        try (LocalWorker worker = LocalWorker.start(aws, stack)) {
            aws.sfn.startExecution(request -> request.stateMachineArn(machine)
                    .name(incident.incidentId())
                    .input(Json.write(Map.of("incident", incident))));
            run = new Executions(aws).awaitFinished(
                    Executions.arn(machine, incident.incidentId()), Duration.ofSeconds(90));
        }
        List<String> kinds = EvidenceChecks.notificationKinds(aws, queue, incident.incidentId(),
                2, Duration.ofSeconds(10));
        EvidenceChecks checks = new EvidenceChecks(aws, stack.bucketName("EvidenceBucket"),
                stack.tableName("IncidentTable"));
        JsonNode report = checks.reportJson(incident.incidentId());

        assertThat(new Executions(aws).statesEntered(run.executionArn())).containsExactly(
                "Begin containment", "Collect evidence", "Containment approval needed?",
                "Adopt playbook", "Route by resource type", "Record notify-only incident",
                "Write report", "Route by outcome", "Notified");
        assertThat(kinds).containsExactly("OPENED", "APPROVAL_NEEDED");
        assertThat(report.path("status").asText()).isEqualTo("NOTIFIED");
        assertThat(report.path("actions")).isEmpty();
        assertThat(new ReportSchema(Emulator.repositoryRoot()).violations(report)).isEmpty();
        assertThat(checks.evidenceVerified(incident.incidentId()).passed()).isTrue();
    }
}

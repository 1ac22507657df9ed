package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.triage.Triage;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Sends one GuardDuty finding 1,000 times through EventBridge (ten entries per PutEvents call)
 * into the deployed stack and checks, from the emulator's own state, that exactly one
 * containment ran: one execution through the deployed states, one snapshot per volume, one
 * set of action entries, and every delivery counted in the finding's ledger entry.
 */
class FindingStormEmulatorTest {
    private static final int DELIVERIES = 1_000;
    private static final Duration WAIT = Duration.ofMinutes(4);

    @Test
    void thousandDeliveriesOfOneFindingContainTheInstanceOnce() throws InterruptedException {
        try (LocalAws aws = TestSupport.emulator()) {
            Stack stack = LocalDeployment.deploy(aws,
                    Template.load(TestSupport.repositoryRoot()), LocalHarness.PARAMETERS);
            String machine = stack.stateMachineArn("ContainmentStateMachine");
            Victim victim = new VictimSeeder(aws, TestSupport.unique("storm"))
                    .ensure(TestSupport.unique("storm-user"));
            JsonNode finding = new SampleEvents(TestSupport.repositoryRoot())
                    .load("guardduty-ec2-backdoor.json", victim.placeholders());
            String incidentId = new Triage(Clock.systemUTC(), false)
                    .triage(Json.write(finding)).incidentId();

            try (LocalWorker worker = LocalWorker.start(aws, stack)) {
                TestSupport.putEvents(aws, "default",
                        new ArrayList<>(Collections.nCopies(DELIVERIES, finding)));
                awaitDeliveries(aws, stack, incidentId, finding);
                DescribeExecutionResponse run = new Executions(aws).awaitFinished(
                        Executions.arn(machine, incidentId), WAIT);

                assertThat(run.statusAsString()).isEqualTo("SUCCEEDED");
                assertThat(new Executions(aws).statesEntered(run.executionArn()))
                        .containsExactly("Begin containment", "Collect evidence",
                                "Containment approval needed?", "Adopt playbook",
                                "Route by resource type",
                                "Snapshot volumes", "Isolate instance",
                                "Subnet quarantine asked?", "Record containment",
                                "Write report", "Route by outcome", "Contained");
            }

            List<ExecutionListItem> runs = TestSupport.executions(aws, machine).stream()
                    .filter(execution -> execution.name().startsWith(incidentId)).toList();
            assertThat(runs).extracting(ExecutionListItem::name).containsExactly(incidentId);
            EmulatorChecks checks = new EmulatorChecks(aws);
            assertThat(checks.snapshotsOf(incidentId)).hasSize(victim.volumeIds().size());
            assertThat(checks.instanceIsolated(victim.instanceId())).allMatch(Check::passed);
            assertThat(actionEntries(aws, stack, incidentId))
                    .containsExactlyInAnyOrder("snapshot-volumes", "isolate-instance");
            Map<String, AttributeValue> ledger = ledgerEntry(aws, stack, incidentId, finding);
            // SQS delivers at least once: a message whose visibility ran out under load comes
            // back and is counted again, but never starts a second response.
            assertThat(Integer.parseInt(ledger.get("deliveries").n()))
                    .isGreaterThanOrEqualTo(DELIVERIES);
            assertThat(ledger).doesNotContainKey("versions");
            assertThat(waiting(aws, stack.queueUrl("TriageQueue"))).isZero();
            assertThat(waiting(aws, stack.queueUrl("TriageDeadLetterQueue"))).isZero();
        }
    }

    private static void awaitDeliveries(LocalAws aws, Stack stack, String incidentId,
            JsonNode finding) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            Map<String, AttributeValue> entry = ledgerEntry(aws, stack, incidentId, finding);
            if (entry.containsKey("deliveries")
                    && Integer.parseInt(entry.get("deliveries").n()) >= DELIVERIES) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("triage did not see " + DELIVERIES + " deliveries within "
                + WAIT.toMinutes() + " min");
    }

    private static Map<String, AttributeValue> ledgerEntry(LocalAws aws, Stack stack,
            String incidentId, JsonNode finding) {
        return aws.dynamoDb.getItem(request -> request.tableName(stack.tableName("IncidentTable"))
                .consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(incidentId),
                        "entry", AttributeValue.fromS("finding#guardduty#"
                                + finding.at("/detail/id").asText())))).item();
    }

    private static List<String> actionEntries(LocalAws aws, Stack stack, String incidentId) {
        return aws.dynamoDb.query(request -> request.tableName(stack.tableName("IncidentTable"))
                        .keyConditionExpression("incidentId = :id AND begins_with(#entry, :p)")
                        .expressionAttributeNames(Map.of("#entry", "entry"))
                        .expressionAttributeValues(Map.of(
                                ":id", AttributeValue.fromS(incidentId),
                                ":p", AttributeValue.fromS("action#"))))
                .items().stream().map(item -> item.get("action").s()).toList();
    }

    private static int waiting(LocalAws aws, String queueUrl) {
        Map<QueueAttributeName, String> attributes = aws.sqs.getQueueAttributes(request -> request
                .queueUrl(queueUrl).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }
}

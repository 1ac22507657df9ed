package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cloudir.local.VictimAssertions.assertInstanceUntouched;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.triage.TriageHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Sends findings through the deployed path, exactly as AWS delivers them: EventBridge PutEvents
 * on the default bus, the template's rules, the triage queue, the triage function, the
 * containment state machine and its tasks answered by the local worker. Each scenario sends its
 * finding once, for its own victim, and its tests check one outcome each from the emulator.
 */
class ContainmentEndToEndTest {
    private static final Duration EXECUTION_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> CONTAINED_INSTANCE = List.of("Begin containment",
            "Collect evidence",
            "Containment approval needed?", "Adopt playbook",
            "Route by resource type", "Snapshot volumes", "Isolate instance",
            "Subnet quarantine asked?", "Record containment", "Write report", "Route by outcome",
            "Contained");
    private static final List<String> CONTAINED_KEY = List.of("Begin containment",
            "Collect evidence",
            "Containment approval needed?", "Adopt playbook",
            "Route by resource type", "Disable access key", "Record containment",
            "Write report", "Route by outcome", "Contained");
    private static final List<String> REFUSED_INSTANCE = List.of("Begin containment",
            "Collect evidence",
            "Containment approval needed?", "Adopt playbook",
            "Route by resource type", "Snapshot volumes", "Record failure", "Write report",
            "Route by outcome", "Containment failed");

    private static LocalHarness harness;
    private static EmulatorState state;
    private static Executions executions;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
        executions = new Executions(harness.aws);
    }

    /** Sends the event and returns its incident, as triage will name it. */
    private static Incident send(ObjectNode event) {
        Incident incident = LocalHarness.triage(event, false);
        SampleEvents.put(harness.aws, event);
        return incident;
    }

    private static DescribeExecutionResponse awaitFinished(Incident incident) {
        return executions.awaitFinished(harness.executionArn(incident), EXECUTION_TIMEOUT);
    }

    private static long executionsNamed(Incident incident) {
        return executions.countNamed(harness.containmentArn(), incident.incidentId());
    }

    private static String triageQueueUrl() {
        return harness.stack.queueUrl(LocalHarness.TRIAGE_QUEUE);
    }

    /** Returns the messages the triage queue holds, visible or being handled. */
    private static int messagesInTriageQueue() {
        Map<QueueAttributeName, String> attributes = harness.aws.sqs.getQueueAttributes(
                request -> request.queueUrl(triageQueueUrl()).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }


    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class InstanceFinding {
        private Victim victim;
        private Incident incident;
        private DescribeExecutionResponse run;

        @BeforeAll
        void sendBackdoorFinding() {
            victim = harness.newVictim();
            incident = send(harness.event(LocalHarness.BACKDOOR, victim));
            run = awaitFinished(incident);
        }

        @Test
        void executionSucceeds() {
            assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        }

        @Test
        void executionSnapshotsThenIsolatesThenRecords() {
            assertThat(executions.statesEntered(run.executionArn()))
                    .isEqualTo(CONTAINED_INSTANCE);
        }

        @Test
        void everyNetworkInterfaceIsInTheIsolationGroupOnly() {
            String isolation = state.isolationGroup(victim.vpcId()).orElseThrow().groupId();

            assertThat(state.interfaceGroups(victim.instanceId())).isNotEmpty()
                    .allSatisfy((eni, groups) -> assertThat(groups).containsExactly(isolation));
            assertThat(state.instanceGroups(victim.instanceId())).containsExactly(isolation);
        }

        @Test
        void instanceIsProtectedFromTermination() {
            assertThat(state.terminationProtected(victim.instanceId())).isTrue();
        }

        @Test
        void eachVolumeHasOneEvidenceSnapshot() {
            assertThat(state.snapshotsOfIncident(incident.incidentId()))
                    .extracting(Snapshot::volumeId)
                    .containsExactlyInAnyOrderElementsOf(victim.volumeIds());
        }

        @Test
        void incidentIsRecordedAsContained() {
            assertThat(state.incidentStatus(harness.incidentTable(), incident.incidentId()))
                    .contains("CONTAINED");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AccessKeyFinding {
        private Victim victim;
        private DescribeExecutionResponse run;

        @BeforeAll
        void sendMaliciousIpCallerFinding() {
            victim = harness.newVictim();
            run = awaitFinished(send(harness.event(LocalHarness.MALICIOUS_IP, victim)));
        }

        @Test
        void executionSucceedsThroughDisableAccessKey() {
            assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(executions.statesEntered(run.executionArn())).isEqualTo(CONTAINED_KEY);
        }

        @Test
        void namedKeyIsInactive() {
            assertThat(state.keyStatuses(victim.userName()))
                    .containsEntry(victim.accessKeyId(), "Inactive");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RepeatedDelivery {
        private Incident incident;
        private int snapshotsAfterFirstDelivery;

        /**
         * Delivers the finding, waits for containment, then delivers it again as GuardDuty does
         * for recurring activity (higher count, later updatedAt) and waits until triage has
         * taken it off the queue.
         */
        @BeforeAll
        void deliverTheSameFindingTwice() {
            Victim victim = harness.newVictim();
            ObjectNode finding = harness.event(LocalHarness.BACKDOOR, victim);
            incident = send(finding);
            awaitFinished(incident);
            snapshotsAfterFirstDelivery = state.snapshotsOfIncident(incident.incidentId()).size();
            int triageRuns = harness.worker.invocationCounts().get("TriageFunction");

            ObjectNode again = finding.deepCopy();
            ((ObjectNode) again.path("detail").path("service")).put("count", 2);
            ((ObjectNode) again.path("detail")).put("updatedAt", Instant.now().toString());
            SampleEvents.put(harness.aws, again);

            Polling.until("triage to take the repeated finding off its queue",
                    Duration.ofSeconds(30),
                    () -> harness.worker.invocationCounts().get("TriageFunction") > triageRuns
                            && messagesInTriageQueue() == 0);
        }

        @Test
        void repeatStartsNoSecondExecution() {
            assertThat(executionsNamed(incident)).isEqualTo(1);
        }

        @Test
        void repeatTakesNoNewSnapshot() {
            assertThat(snapshotsAfterFirstDelivery).isEqualTo(2);
            assertThat(state.snapshotsOfIncident(incident.incidentId())).hasSize(2);
        }
    }

    /**
     * A run that failed (here: the instance was protected) must not hold the incident's
     * execution name for good: once a person lifts the protection, the next delivery of the
     * finding starts a rerun that contains the instance.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RerunAfterAFailedRun {
        private Victim victim;
        private Incident incident;
        private DescribeExecutionResponse firstRun;
        private DescribeExecutionResponse rerun;

        @BeforeAll
        void failThenDeliverAgainUnprotected() {
            victim = harness.newVictim();
            harness.aws.ec2.createTags(request -> request.resources(victim.instanceId())
                    .tags(Tag.builder().key("ir:protected").value("true").build()));
            ObjectNode finding = harness.event(LocalHarness.BACKDOOR, victim);
            incident = send(finding);
            firstRun = awaitFinished(incident);
            harness.aws.ec2.deleteTags(request -> request.resources(victim.instanceId())
                    .tags(Tag.builder().key("ir:protected").build()));

            ObjectNode again = finding.deepCopy();
            ((ObjectNode) again.path("detail").path("service")).put("count", 2);
            ((ObjectNode) again.path("detail")).put("updatedAt", Instant.now().toString());
            SampleEvents.put(harness.aws, again);
            rerun = executions.awaitFinished(harness.executionArn(incident) + "-rerun-2",
                    EXECUTION_TIMEOUT);
        }

        @Test
        void theFirstRunFailedAndTheRerunContained() {
            assertThat(firstRun.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(rerun.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(executions.statesEntered(rerun.executionArn()))
                    .isEqualTo(CONTAINED_INSTANCE);
        }

        @Test
        void theInstanceIsIsolatedAfterTheRerun() {
            Map<String, List<String>> groups = state.interfaceGroups(victim.instanceId());
            String isolation = state.isolationGroup(victim.vpcId()).orElseThrow().groupId();
            assertThat(groups.values()).allSatisfy(ids -> assertThat(ids)
                    .containsExactly(isolation));
            assertThat(state.terminationProtected(victim.instanceId())).isTrue();
        }
    }

    /**
     * A first installation runs with DryRun=true. A finding handled then must not keep the
     * real response from happening once the stack acts for real: the next delivery reruns it.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RealRunAfterADryRun {
        private Victim victim;
        private DescribeExecutionResponse dryRun;
        private Map<String, List<String>> groupsAfterDryRun;
        private DescribeExecutionResponse realRun;

        @BeforeAll
        void triageDryThenDeliverToTheRealStack() {
            victim = harness.newVictim();
            ObjectNode finding = harness.event(LocalHarness.BACKDOOR, victim);
            Incident incident = LocalHarness.triage(finding, false);
            Map<String, String> dryEnvironment = new HashMap<>(harness.stack
                    .functions().get("TriageFunction").environment());
            dryEnvironment.put("DRY_RUN", "true");
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId("dry-run-" + LocalHarness.shortRandom());
            message.setBody(Json.write(finding));
            assertThat(new TriageHandler(harness.aws.envFor(dryEnvironment))
                    .handleMessage(message)).isTrue();
            dryRun = awaitFinished(incident);
            groupsAfterDryRun = state.interfaceGroups(victim.instanceId());

            ObjectNode again = finding.deepCopy();
            ((ObjectNode) again.path("detail").path("service")).put("count", 2);
            ((ObjectNode) again.path("detail")).put("updatedAt", Instant.now().toString());
            SampleEvents.put(harness.aws, again);
            realRun = executions.awaitFinished(harness.executionArn(incident) + "-rerun-2",
                    EXECUTION_TIMEOUT);
        }

        @Test
        void theDryRunChangedNothing() {
            assertThat(dryRun.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(groupsAfterDryRun.values()).allSatisfy(ids -> assertThat(ids)
                    .containsExactly(victim.groupId()));
        }

        @Test
        void theRealRunIsolatedTheInstance() {
            assertThat(realRun.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            String isolation = state.isolationGroup(victim.vpcId()).orElseThrow().groupId();
            assertThat(state.interfaceGroups(victim.instanceId()).values())
                    .allSatisfy(ids -> assertThat(ids).containsExactly(isolation));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ProtectedInstance {
        private Victim victim;
        private Incident incident;
        private DescribeExecutionResponse run;

        @BeforeAll
        void sendFindingOnProtectedInstance() {
            victim = harness.newVictim();
            harness.aws.ec2.createTags(request -> request.resources(victim.instanceId())
                    .tags(Tag.builder().key("ir:protected").value("true").build()));
            incident = send(harness.event(LocalHarness.BACKDOOR, victim));
            run = awaitFinished(incident);
        }

        @Test
        void executionFailsThroughRecordFailure() {
            assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(executions.statesEntered(run.executionArn())).isEqualTo(REFUSED_INSTANCE);
        }

        @Test
        void instanceIsUntouched() {
            assertInstanceUntouched(state, victim);
        }

        @Test
        void incidentIsRecordedAsFailed() {
            assertThat(state.incidentStatus(harness.incidentTable(), incident.incidentId()))
                    .contains("FAILED");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class GuardDutySampleFinding {
        private Victim victim;
        private Incident incident;
        private DescribeExecutionResponse run;

        @BeforeAll
        void sendSampleFindingNamingTheVictim() {
            victim = harness.newVictim();
            incident = send(harness.sampleFinding(victim));
            run = awaitFinished(incident);
        }

        @Test
        void executionSucceedsThroughBothInstanceActions() {
            assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(executions.statesEntered(run.executionArn()))
                    .isEqualTo(CONTAINED_INSTANCE);
        }

        @Test
        void incidentIsRecordedAsDryRun() {
            assertThat(state.incidentStatus(harness.incidentTable(), incident.incidentId()))
                    .contains("DRY_RUN");
            assertThat(state.actionOutcomes(harness.incidentTable(), incident.incidentId()))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "snapshot-volumes", "DRY_RUN", "isolate-instance", "DRY_RUN"));
        }

        @Test
        void instanceIsUntouched() {
            assertInstanceUntouched(state, victim);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class MalformedFinding {
        private Incident wouldBe;
        private Message deadLetter;

        /**
         * Sends a GuardDuty finding without detail.resource and waits until it reaches the
         * dead-letter queue: triage has then refused it as often as the queue allows.
         */
        @BeforeAll
        void sendFindingWithoutResource() {
            Victim victim = harness.newVictim();
            ObjectNode finding = harness.event(LocalHarness.BACKDOOR, victim);
            wouldBe = LocalHarness.triage(finding, false);
            String findingId = LocalHarness.shortRandom() + LocalHarness.shortRandom();
            ObjectNode detail = (ObjectNode) finding.path("detail");
            detail.put("id", findingId);
            detail.remove("resource");

            SampleEvents.put(harness.aws, finding);

            deadLetter = awaitDeadLetter(findingId);
        }

        private Message awaitDeadLetter(String findingId) {
            String queueUrl = harness.stack.queueUrl(LocalHarness.TRIAGE_DEAD_LETTER_QUEUE);
            Message message = Polling.poll("the malformed finding in the dead-letter queue",
                    Duration.ofSeconds(40), () -> harness.aws.sqs.receiveMessage(request ->
                                    request.queueUrl(queueUrl).maxNumberOfMessages(10)
                                            .visibilityTimeout(1).waitTimeSeconds(1))
                            .messages().stream()
                            .filter(candidate -> candidate.body().contains(findingId))
                            .findFirst());
            harness.aws.sqs.deleteMessage(request -> request.queueUrl(queueUrl)
                    .receiptHandle(message.receiptHandle()));
            return message;
        }

        @Test
        void findingEndsInTheDeadLetterQueue() {
            assertThat(deadLetter.body()).contains("GuardDuty Finding");
        }

        @Test
        void noExecutionStarts() {
            assertThat(executionsNamed(wouldBe)).isZero();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class KeyQuarantineEvent {
        private Victim victim;
        private String secondKey;
        private DescribeExecutionResponse run;

        @BeforeAll
        void sendQuarantineOfTheVictimUser() {
            victim = harness.newVictim();
            secondKey = harness.aws.iam.createAccessKey(request -> request
                    .userName(victim.userName())).accessKey().accessKeyId();
            run = awaitFinished(send(harness.event(LocalHarness.KEY_QUARANTINE, victim)));
        }

        @Test
        void executionSucceedsThroughDisableAccessKey() {
            assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(executions.statesEntered(run.executionArn())).isEqualTo(CONTAINED_KEY);
        }

        @Test
        void everyKeyOfTheUserIsInactive() {
            assertThat(state.keyStatuses(victim.userName()))
                    .containsOnlyKeys(victim.accessKeyId(), secondKey)
                    .allSatisfy((key, status) -> assertThat(status).isEqualTo("Inactive"));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SeverityBelowTheFloor {
        private Victim victim;
        private Incident lowSeverity;

        /**
         * Sends the finding at severity 2 (the deployment's floor is 4), then a sample finding
         * on the same instance. Events reach the triage queue in order, so once the later
         * one's execution has finished, the earlier one would have started by then.
         */
        @BeforeAll
        void sendLowSeverityFindingThenAMarker() {
            victim = harness.newVictim();
            ObjectNode finding = harness.event(LocalHarness.BACKDOOR, victim);
            ((ObjectNode) finding.path("detail")).put("severity", 2);
            lowSeverity = send(finding);

            awaitFinished(send(harness.sampleFinding(victim)));
        }

        @Test
        void noExecutionStarts() {
            assertThat(executionsNamed(lowSeverity)).isZero();
        }

        @Test
        void instanceIsUntouched() {
            assertInstanceUntouched(state, victim);
        }
    }
}

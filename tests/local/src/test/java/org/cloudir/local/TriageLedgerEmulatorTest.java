package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.triage.Catalogue;
import org.cloudir.core.triage.Triage;
import org.cloudir.triage.TriageHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/**
 * Checks triage's dedupe, joining, escalation, incident windows and suppression against the
 * emulator: the real triage handler writes the template's incident table and starts a probe
 * state machine; the outcome is read back from both. Each test uses an instance of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriageLedgerEmulatorTest {
    private static final String BACKDOOR = "guardduty-ec2-backdoor.json";
    private static final String PLACEHOLDER = "i-0123456789abcdef0";

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private LocalAws aws;
    private String table;
    private String probe;
    private Map<String, String> environment;

    @BeforeAll
    void deploy() {
        aws = TestSupport.emulator();
        Stack stack = LocalDeployment.deploy(aws, Template.load(TestSupport.repositoryRoot()),
                LocalHarness.PARAMETERS);
        table = stack.tableName("IncidentTable");
        probe = TestSupport.probeMachine(aws);
        environment = Map.of("STATE_MACHINE_ARN", probe, "INCIDENT_TABLE", table,
                "DRY_RUN", "false");
    }

    @AfterAll
    void close() {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void updatedFindingExtendsItsIncidentWithoutASecondRun() {
        ObjectNode first = finding(BACKDOOR, newInstance(), 1, "2026-01-05T09:30:00Z");
        ObjectNode updated = withCount(first, 5, "2026-01-05T09:55:00Z");
        String incidentId = incidentId(first);

        deliver(handler(Catalogue.bundled()), first, updated);

        assertThat(runsOf(incidentId)).hasSize(1);
        Map<String, AttributeValue> entry = findingEntry(incidentId, first);
        assertThat(entry.get("findingCount").n()).isEqualTo("5");
        assertThat(entry.get("deliveries").n()).isEqualTo("2");
        assertThat(entry.get("placement").s()).isEqualTo("OPENED");
        assertThat(entry.get("versions").n()).isEqualTo("1");
    }

    @Test
    void sameFindingDeliveredAgainIsOnlyCounted() {
        ObjectNode event = finding(BACKDOOR, newInstance(), 1, "2026-01-05T09:30:00Z");
        String incidentId = incidentId(event);

        deliver(handler(Catalogue.bundled()), event, event, event);

        assertThat(runsOf(incidentId)).hasSize(1);
        Map<String, AttributeValue> entry = findingEntry(incidentId, event);
        assertThat(entry.get("deliveries").n()).isEqualTo("3");
        assertThat(entry.get("findingCount").n()).isEqualTo("1");
        assertThat(entry).doesNotContainKey("versions");
    }

    @Test
    void otherFindingOnTheSameInstanceJoinsItsIncident() {
        String instance = newInstance();
        ObjectNode backdoor = finding(BACKDOOR, instance, 1, "2026-01-05T09:30:00Z");
        ObjectNode mining = finding("guardduty-ec2-crypto-mining.json", instance, 1,
                "2026-01-05T09:40:00Z");
        String incidentId = incidentId(backdoor);

        deliver(handler(Catalogue.bundled()), backdoor, mining);

        assertThat(runsOf(incidentId)).hasSize(1);
        Map<String, AttributeValue> joined = findingEntry(incidentId, mining);
        assertThat(joined.get("placement").s()).isEqualTo("JOINED");
        assertThat(joined.get("catalogueEntry").s()).isEqualTo("ec2-crypto-mining");
    }

    @Test
    void containingFindingEscalatesANotifyOnlyIncidentOnce() {
        String instance = newInstance();
        ObjectNode unlisted = finding("guardduty-unlisted-finding-type.json", instance, 1,
                "2026-01-05T09:30:00Z");
        ObjectNode backdoor = finding(BACKDOOR, instance, 1, "2026-01-05T09:40:00Z");
        String incidentId = incidentId(unlisted);

        deliver(handler(Catalogue.bundled()), unlisted, backdoor, backdoor);

        assertThat(runsOf(incidentId)).extracting(ExecutionListItem::name)
                .containsExactlyInAnyOrder(incidentId, incidentId + "-contain-instance");
        JsonNode input = Json.parse(aws.sfn.describeExecution(request -> request.executionArn(
                Executions.arn(probe, incidentId + "-contain-instance"))).input(), "input");
        assertThat(input.at("/incident/playbook").asText()).isEqualTo("contain-instance");
        assertThat(input.at("/incident/incidentId").asText()).isEqualTo(incidentId);
    }

    @Test
    void findingAfterTheWindowClosedOpensANewIncident() {
        ObjectNode event = finding(BACKDOOR, newInstance(), 1, "2026-01-05T09:30:00Z");
        String incidentId = incidentId(event);
        TriageHandler handler = handler(Catalogue.bundled());
        deliver(handler, event);

        clock.advance(Duration.ofHours(25));
        deliver(handler, withCount(event, 2, "2026-01-06T10:30:00Z"));

        assertThat(runsOf(incidentId)).extracting(ExecutionListItem::name)
                .containsExactlyInAnyOrder(incidentId, incidentId + "-2");
        assertThat(findingEntry(incidentId + "-2", event).get("placement").s())
                .isEqualTo("OPENED");
    }

    @Test
    void sampleFlagSuppressionIsHonouredAndAudited() throws IOException {
        ObjectNode sample = finding("guardduty-sample-finding.json", newInstance(), 1,
                "2026-01-05T09:30:00Z");
        String incidentId = incidentId(sample);

        deliver(handler(withSampleSuppression()), sample, sample);

        assertThat(runsOf(incidentId)).isEmpty();
        String day = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC)
                .format(clock.instant());
        Map<String, AttributeValue> audit = item("suppressed#" + day,
                "guardduty#" + sample.at("/detail/id").asText());
        assertThat(audit.get("suppression").s()).isEqualTo("sample-findings");
        assertThat(audit.get("sampleFinding").bool()).isTrue();
        assertThat(audit.get("deliveries").n()).isEqualTo("2");
    }

    private TriageHandler handler(Catalogue catalogue) {
        return new TriageHandler(aws.sfn, aws.dynamoDb, aws.envFor(environment), clock,
                catalogue);
    }

    private static Catalogue withSampleSuppression() throws IOException {
        try (InputStream in = Catalogue.class.getClassLoader()
                .getResourceAsStream(Catalogue.RESOURCE_NAME)) {
            ObjectNode catalogue = (ObjectNode) Json.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), "catalogue");
            ((ArrayNode) catalogue.path("suppressions")).addObject()
                    .put("name", "sample-findings")
                    .put("reason", "GuardDuty sample findings name made-up resources.")
                    .put("sample", true);
            return Catalogue.parse(Json.write(catalogue));
        }
    }

    private void deliver(TriageHandler handler, ObjectNode... events) {
        for (ObjectNode event : events) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody(Json.write(event));
            SQSEvent batch = new SQSEvent();
            batch.setRecords(List.of(message));

            SQSBatchResponse response = handler.handleRequest(batch,
                    LocalContext.start("TriageFunction", 60));

            assertThat(response.getBatchItemFailures()).isEmpty();
        }
    }

    private ObjectNode finding(String sample, String instanceId, int count, String lastSeen) {
        ObjectNode event = new SampleEvents(TestSupport.repositoryRoot()).load(sample,
                Map.of(PLACEHOLDER, instanceId, "i-99999999", instanceId));
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("id", Hashes.sha256Hex(instanceId + sample).substring(0, 32));
        return withCount(event, count, lastSeen);
    }

    private static ObjectNode withCount(ObjectNode event, int count, String lastSeen) {
        ObjectNode copy = TestSupport.copy(event);
        ObjectNode detail = (ObjectNode) copy.path("detail");
        ((ObjectNode) detail.path("service")).put("count", count)
                .put("eventFirstSeen", "2026-01-05T09:00:00.000Z")
                .put("eventLastSeen", lastSeen);
        detail.put("updatedAt", lastSeen);
        return copy;
    }

    private String incidentId(ObjectNode event) {
        return new Triage(clock, false).triage(Json.write(event)).incidentId();
    }

    private List<ExecutionListItem> runsOf(String incidentId) {
        return TestSupport.executions(aws, probe).stream()
                .filter(execution -> execution.name().startsWith(incidentId))
                .toList();
    }

    private Map<String, AttributeValue> findingEntry(String incidentId, JsonNode event) {
        return item(incidentId, "finding#guardduty#" + event.at("/detail/id").asText());
    }

    private Map<String, AttributeValue> item(String partition, String entry) {
        return aws.dynamoDb.getItem(request -> request.tableName(table).consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(partition),
                        "entry", AttributeValue.fromS(entry)))).item();
    }

    private static String newInstance() {
        return "i-" + Hashes.sha256Hex(UUID.randomUUID().toString()).substring(0, 17);
    }

    /** Lets a test move time forward, so an incident window can close without waiting. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

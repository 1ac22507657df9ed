package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.triage.Triage;
import org.cloudir.triage.TriageHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Proves every sample in {@code events/} against the emulator. The template's rules (resolved
 * from template.yaml, MinSeverity as the expectations file gives) are put on a fresh event bus,
 * each targeting a fresh queue of its own; every sample is sent with PutEvents; the queues are
 * read to see which rules matched. (The emulator has no TestEventPattern.) Each delivered
 * message then goes through the real triage handler, which starts a probe state machine and
 * writes the incident table; the chosen playbook, catalogue entry and suppression are read
 * back from the execution input and the table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoverageEmulatorTest {
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private LocalAws aws;
    private JsonNode expectations;
    private final Map<String, String> sampleByKey = new LinkedHashMap<>();
    private final Map<String, TreeSet<String>> rulesBySample = new TreeMap<>();
    private final Map<String, Message> deliveredBySample = new LinkedHashMap<>();
    private final Map<String, Boolean> acceptedBySample = new LinkedHashMap<>();
    private String probe;
    private String table;

    @BeforeAll
    void routeAndTriageEverySample() throws Exception {
        aws = TestSupport.emulator();
        Template template = Template.load(TestSupport.repositoryRoot());
        expectations = Json.parse(Files.readString(TestSupport.repositoryRoot()
                .resolve("events/expectations.json")), "events/expectations.json");
        String minSeverity = expectations.path("minSeverity").asText();
        Stack stack = LocalDeployment.deploy(aws, template, Map.of("MinSeverity", minSeverity));
        table = stack.tableName("IncidentTable");
        probe = TestSupport.probeMachine(aws);

        Map<String, String> queueByRule = rulesOnFreshBus(template, minSeverity);
        List<JsonNode> events = new ArrayList<>();
        SampleEvents samples = new SampleEvents(TestSupport.repositoryRoot());
        expectations.path("events").fieldNames().forEachRemaining(sample -> {
            JsonNode event = samples.load(sample, ownResources(sample));
            sampleByKey.put(TestSupport.eventKey(event), sample);
            rulesBySample.put(sample, new TreeSet<>());
            events.add(event);
        });
        TestSupport.putEvents(aws, busName, events);
        queueByRule.forEach((rule, queueUrl) -> {
            for (Message message : TestSupport.drain(aws, queueUrl)) {
                String sample = sampleByKey.get(TestSupport.eventKey(
                        Json.parse(message.body(), "delivered event")));
                rulesBySample.get(sample).add(rule);
                deliveredBySample.putIfAbsent(sample, message);
            }
        });
        triageDelivered();
    }

    private String busName;
    private final String run = TestSupport.unique("run");

    /**
     * Gives each sample resources of its own, so that no sample joins another's incident
     * here (joining is TriageLedgerEmulatorTest's subject) and a rerun starts afresh.
     */
    private Map<String, String> ownResources(String sample) {
        String hash = Hashes.sha256Hex(run + sample);
        return Map.of(
                "i-0123456789abcdef0", "i-" + hash.substring(0, 17),
                "AKIAIOSFODNN7EXAMPLE", "AKIA" + hash.substring(0, 16).toUpperCase(),
                "drill-user", "user-" + hash.substring(0, 10),
                "drill-reports-example", "bucket-" + hash.substring(0, 10),
                "drill-trail", "trail-" + hash.substring(0, 10),
                "sg-0123456789abcdef0", "sg-" + hash.substring(0, 17));
    }

    private Map<String, String> rulesOnFreshBus(Template template, String minSeverity) {
        busName = TestSupport.unique("coverage");
        aws.events.createEventBus(request -> request.name(busName));
        Resolver resolver = TestSupport.resolver(template, Map.of("MinSeverity", minSeverity));
        Map<String, String> queueByRule = new LinkedHashMap<>();
        template.resources("AWS::Events::Rule").forEach((rule, resource) -> {
            Object pattern = resolver.resolve(Template.map(resource.get("Properties"))
                    .get("EventPattern"));
            String patternJson = pattern instanceof String text ? text : Json.write(pattern);
            String queueUrl = aws.sqs.createQueue(request -> request
                    .queueName(busName + "-" + rule)).queueUrl();
            String queueArn = "arn:aws:sqs:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":"
                    + busName + "-" + rule;
            aws.events.putRule(request -> request.name(rule).eventBusName(busName)
                    .eventPattern(patternJson));
            aws.events.putTargets(request -> request.rule(rule).eventBusName(busName)
                    .targets(target -> target.id("probe").arn(queueArn)));
            queueByRule.put(rule, queueUrl);
        });
        return queueByRule;
    }

    private void triageDelivered() {
        TriageHandler handler = new TriageHandler(aws.envFor(Map.of(
                "STATE_MACHINE_ARN", probe, "INCIDENT_TABLE", table, "DRY_RUN", "false")));
        for (Map.Entry<String, Message> delivered : deliveredBySample.entrySet()) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(delivered.getValue().messageId());
            record.setBody(delivered.getValue().body());
            SQSEvent event = new SQSEvent();
            event.setRecords(List.of(record));
            SQSBatchResponse response = handler.handleRequest(event,
                    LocalContext.start("TriageFunction", 60));
            acceptedBySample.put(delivered.getKey(), response.getBatchItemFailures().isEmpty());
        }
    }

    @AfterAll
    void close() {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void everySampleReachesExactlyItsRules() {
        Map<String, TreeSet<String>> expected = new TreeMap<>();
        expectations.path("events").properties().forEach(entry -> {
            TreeSet<String> rules = new TreeSet<>();
            entry.getValue().path("rules").forEach(rule -> rules.add(rule.asText()));
            expected.put(entry.getKey(), rules);
        });

        assertThat(rulesBySample).isEqualTo(expected);
    }

    @Test
    void everyDeliveredSampleStartsItsPlaybookOrIsSuppressedOrRejected() {
        Triage ids = new Triage(Clock.systemUTC(), false);
        List<String> checked = new ArrayList<>();
        for (String sample : deliveredBySample.keySet()) {
            JsonNode expected = expectations.path("events").path(sample);
            JsonNode body = Json.parse(deliveredBySample.get(sample).body(), sample);
            if (expected.path("rejected").asBoolean()) {
                assertThat(acceptedBySample.get(sample)).as("%s rejected", sample).isFalse();
            } else if (expected.has("suppressedBy")) {
                assertSuppressed(sample, body, expected.path("suppressedBy").asText(),
                        ids.triage(Json.write(body)).incidentId());
            } else {
                String incidentId = ids.triage(Json.write(body)).incidentId();
                assertStarted(sample, incidentId, expected);
                assertLedger(sample, body, incidentId, expected);
            }
            checked.add(sample);
        }

        assertThat(checked).hasSameSizeAs(deliveredBySample.keySet());
    }

    private void assertStarted(String sample, String incidentId, JsonNode expected) {
        String executionArn = Executions.arn(probe, incidentId);
        JsonNode input = Json.parse(aws.sfn.describeExecution(request -> request
                .executionArn(executionArn)).input(), "input of " + sample);

        assertThat(input.at("/incident/playbook").asText()).as("%s playbook", sample)
                .isEqualTo(expected.path("playbook").asText());
        assertThat(input.at("/triage/proposedPlaybook").asText()).as("%s proposed", sample)
                .isEqualTo(expected.path("proposed").asText());
        assertThat(input.at("/triage/catalogueEntry").asText()).as("%s entry", sample)
                .isEqualTo(expected.path("entry").asText());
        assertThat(input.at("/triage/mode").asText()).as("%s mode", sample)
                .isEqualTo(expected.path("mode").asText());
        assertThat(input.at("/incident/dryRun").asBoolean()).as("%s dry run", sample)
                .isEqualTo(expected.path("dryRun").asBoolean(false));
    }

    private void assertLedger(String sample, JsonNode body, String incidentId,
            JsonNode expected) {
        String source = body.path("detail-type").asText().equals("GuardDuty Finding")
                ? "guardduty" : "cloudtrail";
        Map<String, AttributeValue> entry = item(incidentId,
                "finding#" + source + "#" + TestSupport.eventKey(body));

        assertThat(entry).as("ledger entry of %s", sample).isNotEmpty();
        assertThat(entry.get("catalogueEntry").s()).isEqualTo(expected.path("entry").asText());
        assertThat(entry.get("playbook").s()).isEqualTo(expected.path("playbook").asText());
    }

    private void assertSuppressed(String sample, JsonNode body, String suppression,
            String wouldBeIncidentId) {
        String key = "guardduty#" + TestSupport.eventKey(body);
        Map<String, AttributeValue> audit = item("suppressed#" + DAY.format(Instant.now()), key);

        assertThat(audit).as("suppression audit of %s", sample).isNotEmpty();
        assertThat(audit.get("suppression").s()).isEqualTo(suppression);
        assertThat(TestSupport.executions(aws, probe))
                .noneMatch(execution -> execution.name().startsWith(wouldBeIncidentId));
        assertThat(acceptedBySample.get(sample)).isTrue();
    }

    private Map<String, AttributeValue> item(String partition, String entry) {
        return aws.dynamoDb.getItem(request -> request.tableName(table).consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(partition),
                        "entry", AttributeValue.fromS(entry)))).item();
    }
}

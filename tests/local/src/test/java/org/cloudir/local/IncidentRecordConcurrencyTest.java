package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cloudir.core.Json;
import org.cloudir.record.RecordIncidentHandler;
import org.cloudir.record.RecordSummary;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Records many findings of one incident at once against the emulator's DynamoDB. */
class IncidentRecordConcurrencyTest {
    private static final int FINDINGS = 12;

    @Test
    void concurrentFindingsOnOneIncidentLoseNoTimelineEntry() throws Exception {
        LocalAws aws = Emulator.aws();
        Stack stack = Emulator.stack();
        RecordIncidentHandler handler = new RecordIncidentHandler(aws.envFor(
                stack.functions().get("RecordIncidentFunction").environment()));
        String incidentId = "ir-concurrent-" + System.nanoTime();
        List<JsonNode> states = new ArrayList<>();
        for (int i = 0; i < FINDINGS; i++) {
            states.add(state(incidentId, i));
        }

        List<RecordSummary> first = recordAllAtOnce(handler, states);
        List<RecordSummary> again = recordAllAtOnce(handler, states);

        List<Map<String, AttributeValue>> items = aws.dynamoDb.query(request -> request
                .tableName(stack.tableName("IncidentTable")).consistentRead(true)
                .keyConditionExpression("incidentId = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(incidentId))))
                .items();
        assertThat(entries(items, "finding#")).hasSize(FINDINGS);
        assertThat(entries(items, "action#")).hasSize(FINDINGS);
        assertThat(items).filteredOn(item -> item.get("entry").s().equals("incident"))
                .singleElement()
                .satisfies(summary -> assertThat(summary.get("findingIds").ss())
                        .hasSize(FINDINGS));
        assertThat(first).allSatisfy(summary -> assertThat(summary.written()).isEqualTo(2));
        assertThat(again).allSatisfy(summary -> {
            assertThat(summary.written()).isZero();
            assertThat(summary.alreadyRecorded()).isEqualTo(2);
        });
        assertThat(entries(items, "action#")).allSatisfy(item -> {
            assertThat(item.get("actor").s()).isEqualTo("automation");
            assertThat(item.get("inputs").s()).contains("\"dryRun\":false");
        });
    }

    private static List<RecordSummary> recordAllAtOnce(RecordIncidentHandler handler,
            List<JsonNode> states) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(states.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<RecordSummary>> futures = new ArrayList<>();
            for (JsonNode state : states) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return handler.handle(state);
                }));
            }
            start.countDown();
            List<RecordSummary> summaries = new ArrayList<>();
            for (Future<RecordSummary> future : futures) {
                summaries.add(future.get(60, TimeUnit.SECONDS));
            }
            return summaries;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Map<String, AttributeValue>> entries(
            List<Map<String, AttributeValue>> items, String prefix) {
        return items.stream().filter(item -> item.get("entry").s().startsWith(prefix)).toList();
    }

    /** Builds the state of one run: a distinct finding of the incident and one action. */
    private static JsonNode state(String incidentId, int n) {
        Instant seen = Instant.parse("2026-12-01T10:00:00Z").plusSeconds(n);
        ObjectNode state = (ObjectNode) Json.parse("""
                {"incident": {"incidentId": "%s", "playbook": "contain-instance",
                  "severityBand": "High", "drill": false, "dryRun": false,
                  "triagedAt": "%s",
                  "resource": {"type": "Instance", "id": "i-0123456789abcdef0"},
                  "finding": {"source": "guardduty", "id": "finding-%d", "type": "Test",
                    "severity": 8, "accountId": "123456789012", "region": "us-east-1",
                    "firstSeen": "%s", "lastSeen": "%s", "count": 1, "sample": false,
                    "resource": {"type": "Instance", "id": "i-0123456789abcdef0"}}},
                 "isolateInstance": {"result": {"action": "isolate-instance",
                   "incidentId": "%s", "resourceId": "i-0123456789abcdef0",
                   "outcome": "DONE", "summary": "isolated", "details": {}, "verified": [],
                   "startedAt": "%s", "finishedAt": "%s"}}}
                """.formatted(incidentId, seen, n, seen, seen, incidentId, seen, seen),
                "test state");
        return state;
    }
}

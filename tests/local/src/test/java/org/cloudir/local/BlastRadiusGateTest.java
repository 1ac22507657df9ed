package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.lifecycle.BeganPhase;
import org.cloudir.lifecycle.BeginPhaseHandler;
import org.cloudir.lifecycle.internal.LifecycleTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Checks the blast-radius limit where containment decides it, in the first state of the
 * containment machine: against a table of its own in the emulator, with a limit of two
 * resources an hour, the third incident's containment waits for approval.
 */
class BlastRadiusGateTest {
    private static LocalAws aws;
    private static String table;

    @BeforeAll
    static void createTable() {
        aws = LocalHarness.get().aws;
        table = TestSupport.unique("blast-radius");
        aws.dynamoDb.createTable(request -> request.tableName(table)
                .billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(
                        d -> d.attributeName("incidentId").attributeType("S"),
                        d -> d.attributeName("entry").attributeType("S"))
                .keySchema(k -> k.attributeName("incidentId").keyType("HASH"),
                        k -> k.attributeName("entry").keyType("RANGE")));
    }

    @Test
    void containmentBeyondTheHourlyLimitWaitsForApproval() {
        BeginPhaseHandler begin = new BeginPhaseHandler(aws.envFor(Map.of(
                "INCIDENT_TABLE", table, "BLAST_RADIUS_PER_INCIDENT", "1",
                "BLAST_RADIUS_PER_HOUR", "2")));

        BeganPhase first = begin.handle(request("i-00000000000000001"));
        BeganPhase again = begin.handle(request("i-00000000000000001"));
        BeganPhase second = begin.handle(request("i-00000000000000002"));
        BeganPhase third = begin.handle(request("i-00000000000000003"));

        assertThat(first.gates()).containsEntry("containment", false);
        assertThat(again.gates()).as("the same incident and resource counts once")
                .containsEntry("containment", false);
        assertThat(second.gates()).containsEntry("containment", false);
        assertThat(third.gates()).containsEntry("containment", true);
        assertThat(third.reasons()).anyMatch(reason -> reason.contains("hourly limit of 2"));
        List<Map<String, AttributeValue>> acted = aws.dynamoDb.query(request -> request
                .tableName(table).consistentRead(true)
                .keyConditionExpression("incidentId = :p")
                .expressionAttributeValues(Map.of(":p",
                        AttributeValue.fromS(LifecycleTable.ACTED_PARTITION)))).items();
        assertThat(acted).extracting(item -> item.get("resourceId").s())
                .containsExactlyInAnyOrder("i-00000000000000001", "i-00000000000000002");
    }

    @Test
    void dryRunsAreNotCounted() {
        BeginPhaseHandler begin = new BeginPhaseHandler(aws.envFor(Map.of(
                "INCIDENT_TABLE", table, "BLAST_RADIUS_PER_INCIDENT", "1",
                "BLAST_RADIUS_PER_HOUR", "1")));
        ObjectNode dryRun = request("i-0000000000000000d");
        ((ObjectNode) dryRun.path("input").path("incident")).put("dryRun", true);

        BeganPhase planned = begin.handle(dryRun);

        assertThat(planned.gates()).containsEntry("containment", false);
        assertThat(aws.dynamoDb.query(request -> request.tableName(table).consistentRead(true)
                .keyConditionExpression("incidentId = :p AND entry = :e")
                .expressionAttributeValues(Map.of(
                        ":p", AttributeValue.fromS(LifecycleTable.ACTED_PARTITION),
                        ":e", AttributeValue.fromS("acted#" + planned.incidentId()
                                + "#i-0000000000000000d")))).items()).isEmpty();
    }

    private static ObjectNode request(String instanceId) {
        ObjectNode input = ManualRuns.inputForResource(ResourceRef.instance(instanceId), false,
                8.0, Clock.systemUTC());
        ((ObjectNode) input.path("incident")).put("incidentId", "blast-" + instanceId);
        ObjectNode request = Json.mapper().createObjectNode().put("phase", "containment")
                .put("run", "blast-" + instanceId);
        request.set("input", input);
        return request;
    }
}

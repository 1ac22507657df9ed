package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cloudir.core.Json;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sqs.model.Message;

/** Shares what the emulator tests need: the repository, the emulator, events and probes. */
final class TestSupport {
    private TestSupport() {
    }

    static Path repositoryRoot() {
        String configured = System.getProperty("ir.repo.root", "");
        Path start = configured.isBlank() ? Path.of("").toAbsolutePath() : Path.of(configured);
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml above " + start);
    }

    /** Returns clients for the emulator scripts/test started, skipping the test without one. */
    static LocalAws emulator() {
        String endpoint = System.getProperty("ir.endpoint", "");
        Assumptions.assumeFalse(endpoint.isBlank(),
                "no emulator: run scripts/test, or pass -Dir.endpoint=http://127.0.0.1:PORT");
        return new LocalAws(endpoint);
    }

    static Resolver resolver(Template template, Map<String, String> overrides) {
        Map<String, String> parameters = new LinkedHashMap<>();
        template.parameters().forEach((name, definition) -> parameters.put(name,
                String.valueOf(Template.map(definition).get("Default"))));
        parameters.putAll(overrides);
        return new Resolver(template, parameters, id -> "ref-" + id,
                (id, attribute) -> "arn:aws:local:" + id + ":" + attribute);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Creates a state machine that only succeeds: what triage starts, and with which input,
     * is then read back from the emulator without running any action.
     */
    static String probeMachine(LocalAws aws) {
        String definition = "{\"StartAt\": \"Accepted\", \"States\": {\"Accepted\":"
                + " {\"Type\": \"Succeed\"}}}";
        return aws.sfn.createStateMachine(request -> request.name(unique("triage-probe"))
                .definition(definition)
                .roleArn("arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":role/local-step-functions"))
                .stateMachineArn();
    }

    static List<ExecutionListItem> executions(LocalAws aws, String stateMachineArn) {
        return aws.sfn.listExecutionsPaginator(request -> request
                .stateMachineArn(stateMachineArn)).executions().stream().toList();
    }

    /** Sends events in batches of ten entries per PutEvents call, as a busy source does. */
    static void putEvents(LocalAws aws, String busName, List<JsonNode> events) {
        for (int from = 0; from < events.size(); from += 10) {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (JsonNode event : events.subList(from, Math.min(events.size(), from + 10))) {
                entries.add(PutEventsRequestEntry.builder()
                        .eventBusName(busName)
                        .source(event.path("source").asText())
                        .detailType(event.path("detail-type").asText())
                        .detail(Json.write(event.path("detail")))
                        .build());
            }
            PutEventsResponse response = aws.events.putEvents(request -> request
                    .entries(entries));
            if (response.failedEntryCount() > 0) {
                throw new IllegalStateException("EventBridge rejected events: "
                        + response.entries());
            }
        }
    }

    /** Receives every message now in a queue, deleting each. */
    static List<Message> drain(LocalAws aws, String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = aws.sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            for (Message message : batch) {
                aws.sqs.deleteMessage(request -> request.queueUrl(queueUrl)
                        .receiptHandle(message.receiptHandle()));
            }
            all.addAll(batch);
        }
    }

    /** Returns the id a GuardDuty finding or CloudTrail call carries. */
    static String eventKey(JsonNode event) {
        JsonNode detail = event.path("detail");
        return detail.has("eventID") ? detail.path("eventID").asText()
                : detail.path("id").asText();
    }

    static ObjectNode copy(JsonNode event) {
        return (ObjectNode) event.deepCopy();
    }
}

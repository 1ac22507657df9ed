package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cloudir.core.Json;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Puts one event pattern to the test on the emulator's real EventBridge matching: a fresh custom
 * bus with one rule of that pattern whose target is a fresh SQS queue. Events are put on that
 * bus only, so the deployed rules on the default bus never see them.
 */
final class EventBusProbe implements AutoCloseable {
    private static final String RULE = "probe";
    private static final String TARGET = "probe-queue";

    private final LocalAws aws;
    private final String busName;
    private final String queueUrl;
    private final Map<String, JsonNode> arrived = new LinkedHashMap<>();

    private EventBusProbe(LocalAws aws, String busName, String queueUrl) {
        this.aws = aws;
        this.busName = busName;
        this.queueUrl = queueUrl;
    }

    /**
     * Creates the queue first (EventBridge delivers only to a queue that exists), then the bus
     * and its rule.
     */
    static EventBusProbe create(LocalAws aws, String eventPattern) {
        String name = "it-probe-" + LocalHarness.shortRandom();
        String queueUrl = aws.sqs.createQueue(request -> request.queueName(name)).queueUrl();
        String queueArn = aws.sqs.getQueueAttributes(request -> request.queueUrl(queueUrl)
                        .attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        aws.events.createEventBus(request -> request.name(name));
        EventBusProbe probe = new EventBusProbe(aws, name, queueUrl);
        aws.events.putRule(request -> request.name(RULE).eventBusName(name)
                .eventPattern(eventPattern).state("ENABLED"));
        aws.events.putTargets(request -> request.rule(RULE).eventBusName(name)
                .targets(Target.builder().id(TARGET).arn(queueArn).build()));
        return probe;
    }

    /** Puts an event on the probe's bus as its source would and returns its event id. */
    String put(JsonNode event) {
        PutEventsRequestEntry.Builder entry = PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(event.path("source").asText())
                .detailType(event.path("detail-type").asText())
                .detail(Json.write(event.path("detail")));
        if (event.path("resources").size() > 0) {
            entry.resources(Json.convert(event.path("resources"), String[].class));
        }
        PutEventsResponse response = aws.events.putEvents(request -> request
                .entries(entry.build()));
        if (response.failedEntryCount() > 0) {
            throw new IllegalStateException("EventBridge rejected the event: "
                    + response.entries());
        }
        return response.entries().get(0).eventId();
    }

    /**
     * Reads the queue until the event with this id has arrived, and returns every event that
     * arrived so far, by event id.
     */
    Map<String, JsonNode> awaitArrival(String eventId, Duration timeout) {
        Polling.until("event " + eventId + " in queue " + queueUrl, timeout, () -> {
            for (Message message : aws.sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                JsonNode body = Json.parse(message.body(), "delivered event");
                arrived.put(body.path("id").asText(), body);
                aws.sqs.deleteMessage(request -> request.queueUrl(queueUrl)
                        .receiptHandle(message.receiptHandle()));
            }
            return arrived.containsKey(eventId);
        });
        return Map.copyOf(arrived);
    }

    @Override
    public void close() {
        aws.events.removeTargets(request -> request.rule(RULE).eventBusName(busName)
                .ids(TARGET));
        aws.events.deleteRule(request -> request.name(RULE).eventBusName(busName));
        aws.events.deleteEventBus(request -> request.name(busName));
        aws.sqs.deleteQueue(request -> request.queueUrl(queueUrl));
    }
}

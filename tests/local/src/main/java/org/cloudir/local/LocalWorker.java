package org.cloudir.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.cloudir.core.Json;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Plays the part of Lambda locally: runs the real handler classes of template.yaml in this JVM.
 * It answers the localized state machines' task messages with SendTaskSuccess or
 * SendTaskFailure (shaped as the {@code lambda:invoke} integration shapes results and errors),
 * and feeds each function's SQS event source to it in batches, deleting only the messages the
 * handler did not report as failed, as Lambda's event source mapping does.
 */
public final class LocalWorker implements AutoCloseable {
    /** Failed intake messages come back this soon locally (in AWS: the queue's timeout). */
    static final int LOCAL_RETRY_VISIBILITY_SECONDS = 2;
    private static final int ANSWER_ATTEMPTS = 6;

    private final LocalAws aws;
    private final Stack stack;
    private final Map<String, Object> handlers = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
    private final ExecutorService pollers = Executors.newCachedThreadPool();
    private final ExecutorService runners = Executors.newFixedThreadPool(8);
    private volatile boolean running = true;

    private LocalWorker(LocalAws aws, Stack stack) {
        this.aws = aws;
        this.stack = stack;
    }

    /** Creates every handler once (a warm execution environment) and starts polling. */
    public static LocalWorker start(LocalAws aws, Stack stack) {
        return start(aws, stack, true);
    }

    /**
     * Starts the worker; without event sources it only answers state machine tasks and leaves
     * the triage queue alone (for a short-lived command that must not start responses it
     * would not stay to finish).
     */
    public static LocalWorker start(LocalAws aws, Stack stack, boolean feedEventSources) {
        LocalWorker worker = new LocalWorker(aws, stack);
        for (FunctionSpec function : stack.functions().values()) {
            worker.handlers.put(function.logicalId(), worker.instantiate(function));
            worker.invocations.put(function.logicalId(), new AtomicInteger());
            String taskQueue = stack.taskQueueUrls().get(function.logicalId());
            worker.pollers.submit(() -> worker.answerTasks(function, taskQueue));
            if (feedEventSources && function.eventQueue() != null) {
                String intake = aws.sqs.getQueueUrl(r -> r.queueName(function.eventQueue()))
                        .queueUrl();
                worker.pollers.submit(() -> worker.feedEventSource(function, intake));
            }
        }
        return worker;
    }

    /** Returns how often each function has run so far. */
    public Map<String, Integer> invocationCounts() {
        return invocations.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, entry -> entry.getValue().get()));
    }

    private Object instantiate(FunctionSpec function) {
        try {
            return Class.forName(function.handlerClass())
                    .getConstructor(org.cloudir.aws.Env.class)
                    .newInstance(aws.envFor(function.environment()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create handler " + function.handler()
                    + " of " + function.logicalId() + "; is its module on the classpath?", e);
        }
    }

    private void answerTasks(FunctionSpec function, String queueUrl) {
        while (running) {
            for (Message message : receive(queueUrl, 10, function.timeoutSeconds() + 30)) {
                runners.submit(() -> answer(function, queueUrl, message));
            }
        }
    }

    private void answer(FunctionSpec function, String queueUrl, Message message) {
        JsonNode task = Json.parse(message.body(), "task message");
        String token = task.path("taskToken").asText();
        try {
            JsonNode result = invokeStream(function, task.path("payload"));
            if (task.path("callback").asBoolean(false)) {
                // A waitForTaskToken invoke: the function's return value completes nothing;
                // the task waits for an answer to the token it was given.
                return;
            }
            ObjectNode output = Json.mapper().createObjectNode()
                    .put("ExecutedVersion", "$LATEST")
                    .put("StatusCode", 200);
            output.set("Payload", result);
            answerWithRetries(() -> aws.sfn.sendTaskSuccess(request -> request.taskToken(token)
                    .output(Json.write(output))));
        } catch (FunctionError error) {
            answerWithRetries(() -> aws.sfn.sendTaskFailure(request -> request.taskToken(token)
                    .error(error.type)
                    .cause(Json.write(Map.of("errorType", error.type,
                            "errorMessage", error.message, "stackTrace", List.of())))));
        } catch (TaskTimedOutException | InvalidTokenException stale) {
            // The engine gave up on this task already (timeout) or it was answered before.
        } finally {
            aws.sqs.deleteMessage(request -> request.queueUrl(queueUrl)
                    .receiptHandle(message.receiptHandle()));
        }
    }

    /**
     * Sends a task's answer, trying again when the emulator fails the call: Lambda's own
     * integration does not lose an answer, so neither may the worker (the task would otherwise
     * wait for its timeout).
     */
    private static void answerWithRetries(Runnable send) {
        for (int attempt = 1; ; attempt++) {
            try {
                send.run();
                return;
            } catch (TaskTimedOutException | InvalidTokenException stale) {
                throw stale;
            } catch (SdkException e) {
                if (attempt >= ANSWER_ATTEMPTS) {
                    throw e;
                }
                sleepQuietly(200L * attempt);
            }
        }
    }

    private JsonNode invokeStream(FunctionSpec function, JsonNode payload) {
        invocations.get(function.logicalId()).incrementAndGet();
        RequestStreamHandler handler = (RequestStreamHandler) handlers.get(function.logicalId());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(Json.write(payload).getBytes()),
                    output, LocalContext.start(function.logicalId(), function.timeoutSeconds()));
        } catch (IOException | RuntimeException e) {
            throw new FunctionError(e);
        }
        return Json.parse(output.toString(), "result of " + function.logicalId());
    }

    @SuppressWarnings("unchecked")
    private void feedEventSource(FunctionSpec function, String queueUrl) {
        var handler = (RequestHandler<SQSEvent, SQSBatchResponse>) handlers.get(
                function.logicalId());
        while (running) {
            List<Message> messages = receive(queueUrl, 10, LOCAL_RETRY_VISIBILITY_SECONDS);
            if (messages.isEmpty()) {
                continue;
            }
            invocations.get(function.logicalId()).incrementAndGet();
            Set<String> failed;
            try {
                SQSBatchResponse response = handler.handleRequest(event(queueUrl, messages),
                        LocalContext.start(function.logicalId(), function.timeoutSeconds()));
                failed = response.getBatchItemFailures().stream()
                        .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                        .collect(Collectors.toSet());
            } catch (RuntimeException e) {
                continue;
            }
            // Lambda's event source mapping deletes a batch's successes in one call.
            List<DeleteMessageBatchRequestEntry> done = messages.stream()
                    .filter(message -> !failed.contains(message.messageId()))
                    .map(message -> DeleteMessageBatchRequestEntry.builder()
                            .id(message.messageId())
                            .receiptHandle(message.receiptHandle()).build())
                    .toList();
            if (!done.isEmpty()) {
                aws.sqs.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(done));
            }
        }
    }

    private static SQSEvent event(String queueUrl, List<Message> messages) {
        String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setEventSource("aws:sqs");
            record.setAwsRegion(LocalAws.REGION);
            record.setEventSourceArn("arn:aws:sqs:" + LocalAws.REGION + ":"
                    + LocalAws.ACCOUNT_ID + ":" + queueName);
            record.setAttributes(message.attributesAsStrings());
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private List<Message> receive(String queueUrl, int max, int visibilitySeconds) {
        try {
            return aws.sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(max)
                    .waitTimeSeconds(1)
                    .visibilityTimeout(visibilitySeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        } catch (SdkException e) {
            if (running) {
                sleepQuietly();
            }
            return List.of();
        }
    }

    private static void sleepQuietly() {
        sleepQuietly(500);
    }

    private static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        pollers.shutdown();
        runners.shutdown();
        try {
            pollers.awaitTermination(5, TimeUnit.SECONDS);
            runners.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Carries a handler's failure as Lambda reports it: the exception's class name. */
    private static final class FunctionError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String type;
        private final String message;

        FunctionError(Exception cause) {
            super(cause);
            this.type = cause.getClass().getName();
            this.message = String.valueOf(cause.getMessage());
        }
    }
}

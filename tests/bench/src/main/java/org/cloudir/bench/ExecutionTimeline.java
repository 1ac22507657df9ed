package org.cloudir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.Json;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Splits one containment execution by its history: the intake before the execution started,
 * and for each task state the engine sending the task message (entered to submitted), the
 * local worker answering it (submitted to succeeded: SQS delivery, the handler, SendTaskSuccess)
 * and the engine taking the result (succeeded to exited); then the Choice, Pass and Succeed
 * states, the transitions between states, and the execution's own start and end.
 */
final class ExecutionTimeline {
    static final String INTAKE = "intake: PutEvents to execution start (EventBridge, SQS,"
            + " triage handler, StartExecution)";
    static final String SEND = "engine sends task (entered to submitted)";
    static final String WORKER = "worker answers (submitted to succeeded)";
    static final String RESULT = "engine takes result (succeeded to exited)";
    static final String STATES = "Choice, Pass and Succeed states (entered to exited)";
    static final String TRANSITIONS = "transitions (a state exited to the next entered)";
    static final String FIRST = "execution start to first state entered";
    static final String LAST = "last state exited to execution end";
    static final String HANDLER = "handler itself (its result's startedAt to finishedAt)";

    /** The task states of an instance finding's path, by the handler each one runs. */
    static final Map<String, String> TASK_STATES = Map.of(
            "Begin containment", "begin-phase",
            "Collect evidence", "collect-evidence",
            "Snapshot volumes", "snapshot-volumes",
            "Isolate instance", "isolate-instance",
            "Record containment", "record-incident",
            "Write report", "write-report");

    private ExecutionTimeline() {
    }

    /**
     * Returns the run's parts in milliseconds: {@link #INTAKE}, then per task
     * "task / part", then {@link #STATES}, {@link #TRANSITIONS}, {@link #FIRST} and
     * {@link #LAST}; the parts add up to PutEvents to execution end.
     */
    static Map<String, Long> split(SfnClient sfn, String executionArn, Instant sent,
            DescribeExecutionResponse run) {
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put(INTAKE, millis(sent, run.startDate()));
        List<HistoryEvent> events = sfn.getExecutionHistoryPaginator(r -> r
                .executionArn(executionArn)).events().stream().toList();
        long inTasks = 0;
        long inStates = 0;
        long between = 0;
        String task = null;
        Instant entered = null;
        Instant submitted = null;
        Instant succeeded = null;
        Instant lastExited = null;
        Instant firstEntered = null;
        for (HistoryEvent event : events) {
            HistoryEventType type = event.type();
            Instant at = event.timestamp();
            if (type.name().endsWith("_STATE_ENTERED")) {
                if (lastExited != null) {
                    between += millis(lastExited, at);
                }
                if (firstEntered == null) {
                    firstEntered = at;
                }
                entered = at;
                task = type == HistoryEventType.TASK_STATE_ENTERED
                        ? TASK_STATES.get(event.stateEnteredEventDetails().name()) : null;
                submitted = null;
                succeeded = null;
            } else if (type.name().endsWith("_STATE_EXITED")) {
                if (task != null) {
                    Instant sentAt = submitted == null ? entered : submitted;
                    Instant answered = succeeded == null ? at : succeeded;
                    parts.merge(task + " / " + SEND, millis(entered, sentAt), Long::sum);
                    parts.merge(task + " / " + WORKER, millis(sentAt, answered), Long::sum);
                    parts.merge(task + " / " + RESULT, millis(answered, at), Long::sum);
                    inTasks += millis(entered, at);
                } else if (entered != null) {
                    inStates += millis(entered, at);
                }
                task = null;
                lastExited = at;
            } else if (task != null && (type == HistoryEventType.TASK_SUBMITTED
                    || type == HistoryEventType.TASK_STARTED && submitted == null)) {
                submitted = at;
            } else if (task != null && type == HistoryEventType.TASK_SUCCEEDED) {
                succeeded = at;
                String taskName = task;
                handlerMillis(event.taskSucceededEventDetails().output()).ifPresent(ms ->
                        parts.merge(taskName + " / " + HANDLER, ms, Long::sum));
            }
        }
        parts.put(STATES, inStates);
        parts.put(TRANSITIONS, between);
        parts.put(FIRST, firstEntered == null ? 0 : millis(run.startDate(), firstEntered));
        parts.put(LAST, lastExited == null ? 0 : millis(lastExited, run.stopDate()));
        return parts;
    }

    /**
     * Reads how long an action handler took by its own clock (the same host's), from the
     * result the worker sent back; only action results carry their times.
     */
    private static Optional<Long> handlerMillis(String output) {
        if (output == null) {
            return Optional.empty();
        }
        JsonNode payload = Json.parse(output, "task output").path("Payload");
        Optional<Instant> started = instant(payload.path("startedAt"));
        Optional<Instant> finished = instant(payload.path("finishedAt"));
        if (started.isEmpty() || finished.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(millis(started.get(), finished.get()));
    }

    private static Optional<Instant> instant(JsonNode value) {
        if (value.isTextual()) {
            return Optional.of(Instant.parse(value.asText()));
        }
        if (value.isNumber()) {
            // Jackson writes an Instant as seconds with a fraction when it writes numbers.
            long nanos = value.decimalValue().movePointRight(9).longValue();
            return Optional.of(Instant.ofEpochSecond(0, nanos));
        }
        return Optional.empty();
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }
}

package org.cloudir.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/** Reads executions back from the emulator: waiting for them and listing the states entered. */
public final class Executions {
    private final LocalAws aws;

    public Executions(LocalAws aws) {
        this.aws = aws;
    }

    /** Returns the ARN an execution named after an incident has in a state machine. */
    public static String arn(String stateMachineArn, String executionName) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
    }

    /** Polls until the execution exists and has finished, or the deadline passes. */
    public DescribeExecutionResponse awaitFinished(String executionArn, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                DescribeExecutionResponse execution = aws.sfn.describeExecution(
                        request -> request.executionArn(executionArn));
                if (execution.status() != ExecutionStatus.RUNNING) {
                    return execution;
                }
            } catch (ExecutionDoesNotExistException notYet) {
                // Triage has not started it yet.
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("execution " + executionArn
                        + " did not finish within " + timeout.toSeconds() + " s");
            }
            pause();
        }
    }

    /** Returns the names of the states the execution entered, in order. */
    public List<String> statesEntered(String executionArn) {
        List<String> names = new ArrayList<>();
        for (HistoryEvent event : aws.sfn.getExecutionHistoryPaginator(request -> request
                .executionArn(executionArn)).events()) {
            if (event.stateEnteredEventDetails() != null
                    && event.type() != HistoryEventType.EXECUTION_STARTED) {
                names.add(event.stateEnteredEventDetails().name());
            }
        }
        return names;
    }

    /** Returns how many executions of a state machine carry the given name. */
    public long countNamed(String stateMachineArn, String name) {
        return aws.sfn.listExecutionsPaginator(request -> request
                        .stateMachineArn(stateMachineArn))
                .executions().stream()
                .filter(execution -> execution.name().equals(name))
                .count();
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an execution", e);
        }
    }
}

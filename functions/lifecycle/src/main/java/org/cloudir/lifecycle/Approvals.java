package org.cloudir.lifecycle;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.Json;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.lifecycle.internal.ApprovalStatus;
import org.cloudir.lifecycle.internal.LifecycleTable;
import org.cloudir.lifecycle.internal.PendingApproval;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Answers approval gates for a person: finds an incident's pending gate on the incident record
 * and completes its task (SendTaskSuccess to approve, SendTaskFailure with
 * {@value #REJECTED_ERROR} to reject), then records who decided. Used by the command line and
 * by the drill.
 */
public final class Approvals {
    /** The error a rejected gate fails with; the state machines catch this name. */
    public static final String REJECTED_ERROR = "ApprovalRejected";

    private final LifecycleTable table;
    private final SfnClient sfn;
    private final Clock clock;

    public Approvals(DynamoDbClient dynamoDb, SfnClient sfn, String tableName, Clock clock) {
        this.table = new LifecycleTable(dynamoDb, tableName, clock);
        this.sfn = sfn;
        this.clock = clock;
    }

    /** Returns the incident's approvals, decided ones included, oldest first. */
    public List<PendingApproval> list(String incidentId) {
        return table.approvals(incidentId);
    }

    /** Returns the incident's gates still waiting, oldest first. */
    public List<PendingApproval> pending(String incidentId) {
        return list(incidentId).stream()
                .filter(approval -> approval.status() == ApprovalStatus.PENDING)
                .toList();
    }

    /** Approves the incident's pending gate (the named one, or the only one). */
    public PendingApproval approve(String incidentId, Optional<String> gate, String by,
            String reason) {
        PendingApproval approval = choose(incidentId, gate);
        String output = Json.write(Map.of("approved", true, "approvedBy", by,
                "reason", reason, "decidedAt", clock.instant().toString(),
                "gate", approval.gate()));
        complete(approval, ApprovalStatus.APPROVED, by, reason,
                () -> sfn.sendTaskSuccess(request -> request.taskToken(approval.taskToken())
                        .output(output)));
        return approval;
    }

    /** Rejects the incident's pending gate: the phase goes on without that action. */
    public PendingApproval reject(String incidentId, Optional<String> gate, String by,
            String reason) {
        PendingApproval approval = choose(incidentId, gate);
        String cause = Json.write(Map.of("rejectedBy", by, "reason", reason,
                "gate", approval.gate()));
        complete(approval, ApprovalStatus.REJECTED, by, reason,
                () -> sfn.sendTaskFailure(request -> request.taskToken(approval.taskToken())
                        .error(REJECTED_ERROR).cause(cause)));
        return approval;
    }

    private PendingApproval choose(String incidentId, Optional<String> gate) {
        List<PendingApproval> waiting = pending(incidentId).stream()
                .filter(approval -> gate.isEmpty() || approval.gate().equals(gate.get()))
                .toList();
        if (waiting.isEmpty()) {
            throw new ResourceNotFoundException("incident " + incidentId + " has no pending"
                    + gate.map(name -> " '" + name + "'").orElse("") + " approval; "
                    + "'scripts/ir pending " + incidentId + "' lists what waits");
        }
        if (waiting.size() > 1 && gate.isEmpty()) {
            throw new IllegalArgumentException("incident " + incidentId + " has "
                    + waiting.size() + " pending approvals ("
                    + waiting.stream().map(PendingApproval::gate).toList()
                    + "); name one with --gate");
        }
        return waiting.get(waiting.size() - 1);
    }

    /**
     * Answers the task first and records the decision after: a decision is only recorded when
     * the execution took it. A gate that timed out meanwhile is recorded as such.
     */
    private void complete(PendingApproval approval, ApprovalStatus status, String by,
            String reason, Runnable answer) {
        try {
            answer.run();
        } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
            table.decide(approval, ApprovalStatus.TIMED_OUT, "timeout",
                    "the gate stopped waiting before the answer arrived");
            throw new IllegalStateException("the " + approval.gate() + " gate of incident "
                    + approval.incidentId() + " no longer waits (timed out or its run ended);"
                    + " nothing was approved or rejected", e);
        }
        table.decide(approval, status, by, reason);
    }
}

package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.core.model.SeverityBand;
import org.cloudir.core.triage.Triage;
import org.cloudir.core.triage.TriageDecision;
import org.cloudir.lifecycle.Approvals;
import org.cloudir.lifecycle.internal.PendingApproval;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Starts phase machines by hand and follows them: builds the execution input from a finding
 * file (through the real triage) or from a resource, starts the run, and waits until it ends
 * or stops at an approval gate. The command line, the lifecycle drill and the tests use it.
 */
public final class ManualRuns {
    /** Phase (as the command line names it) to the template's state machine logical id. */
    public static final Map<String, String> MACHINES = Map.of(
            "identification", "IdentificationStateMachine",
            "containment", "ContainmentStateMachine",
            "eradication", "EradicationStateMachine",
            "recovery", "RecoveryStateMachine",
            "post-incident", "PostIncidentStateMachine",
            "preparation", "PreparationStateMachine",
            "incident-response", "IncidentResponseStateMachine");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final LocalAws aws;
    private final Stack stack;
    private final Approvals approvals;
    private final Clock clock;

    public ManualRuns(LocalAws aws, Stack stack, Clock clock) {
        this.aws = aws;
        this.stack = stack;
        this.clock = clock;
        this.approvals = new Approvals(aws.dynamoDb, aws.sfn, stack.tableName("IncidentTable"),
                clock);
    }

    public Approvals approvals() {
        return approvals;
    }

    /** How a followed run stands: finished, or waiting at a gate. */
    public record Progress(String executionArn, String status, Optional<PendingApproval> gate,
            List<String> states, String error, String cause) {

        public boolean waiting() {
            return gate.isPresent();
        }
    }

    /** Builds the input triage would give a finding event (a file of {@code events/}). */
    public static ObjectNode inputFromFinding(JsonNode event, boolean dryRun, Clock clock) {
        TriageDecision decision = new Triage(clock, dryRun).decide(Json.write(event));
        if (decision.suppressed()) {
            throw new MalformedEventException("the finding is suppressed by '"
                    + decision.suppression().orElseThrow().name() + "': triage starts nothing");
        }
        ObjectNode input = Json.mapper().createObjectNode();
        input.set("incident", Json.mapper().valueToTree(decision.incident()));
        input.set("triage", Json.mapper().valueToTree(Map.of(
                "catalogueEntry", decision.entry(), "mode", decision.mode(),
                "proposedPlaybook", decision.proposedPlaybook(), "opened", true)));
        return input;
    }

    /** Builds a manual incident on one resource, with a made-up finding saying so. */
    public static ObjectNode inputForResource(ResourceRef resource, boolean dryRun,
            double severity, Clock clock) {
        Instant now = clock.instant();
        String incidentId = ("manual-" + resource.key() + "-" + STAMP.format(now))
                .replaceAll("[^A-Za-z0-9_-]", "-");
        Playbook playbook = switch (resource.type()) {
            case INSTANCE -> Playbook.CONTAIN_INSTANCE;
            case ACCESS_KEY -> Playbook.DISABLE_ACCESS_KEY;
            case OTHER -> Playbook.NOTIFY_ONLY;
        };
        Finding finding = new Finding("manual", incidentId, "Manual", "Started by a responder",
                severity, LocalAws.ACCOUNT_ID, LocalAws.REGION, now, now, 1, false, resource);
        Incident incident = new Incident(incidentId, playbook, SeverityBand.of(severity), false,
                dryRun, resource, finding, now);
        ObjectNode input = Json.mapper().createObjectNode();
        input.set("incident", Json.mapper().valueToTree(incident));
        return input;
    }

    /**
     * Returns the input of the run triage started for an incident (its containment run, or
     * its orchestrated run), so a later phase can be started by hand for the same incident.
     */
    public ObjectNode inputOfIncident(String incidentId) {
        for (String machine : List.of("ContainmentStateMachine",
                "IncidentResponseStateMachine")) {
            DescribeExecutionResponse run = describe(Executions.arn(
                    stack.stateMachineArn(machine), incidentId));
            if (run != null) {
                ObjectNode input = (ObjectNode) Json.parse(run.input(), "execution input");
                input.remove("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID");
                input.remove("options");
                return input;
            }
        }
        throw new IllegalArgumentException("no containment or incident-response run is named "
                + incidentId + "; pass --finding, --input, --instance or --user instead");
    }

    /** Starts a phase run with the given input; returns its execution ARN. */
    public String start(String phase, String name, JsonNode input) {
        String logicalId = MACHINES.get(phase);
        if (logicalId == null) {
            throw new IllegalArgumentException("unknown phase '" + phase + "'; known: "
                    + MACHINES.keySet().stream().sorted().toList());
        }
        String machine = stack.stateMachineArn(logicalId);
        return aws.sfn.startExecution(request -> request.stateMachineArn(machine)
                .name(name).input(Json.write(input))).executionArn();
    }

    /**
     * Returns the run to follow after a gate of a phase run was answered: the orchestrator's
     * run when the orchestrator started that phase run, else the phase run itself.
     */
    public String topRunOf(String run, String phase) {
        String executionArn = Executions.arn(stack.stateMachineArn(MACHINES.get(phase)), run);
        DescribeExecutionResponse execution = describe(executionArn);
        if (execution == null) {
            return executionArn;
        }
        String parent = Json.parse(execution.input(), "execution input")
                .path("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID").asText("");
        return parent.isBlank() ? executionArn : parent;
    }

    /**
     * Follows a run until it ends, or until a gate of the incident opened after
     * {@code since} waits for a person.
     */
    public Progress follow(String executionArn, String incidentId, Instant since,
            Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        Executions executions = new Executions(aws);
        while (true) {
            DescribeExecutionResponse execution = describe(executionArn);
            if (execution != null && execution.status() != ExecutionStatus.RUNNING) {
                return new Progress(executionArn, execution.statusAsString(), Optional.empty(),
                        executions.statesEntered(executionArn),
                        String.valueOf(execution.error()), String.valueOf(execution.cause()));
            }
            Optional<PendingApproval> gate = incidentId == null ? Optional.empty()
                    : approvals.pending(incidentId).stream()
                            .filter(approval -> !approval.requestedAt().isBefore(since))
                            .reduce((first, second) -> second);
            if (gate.isPresent()) {
                return new Progress(executionArn, "RUNNING", gate,
                        executions.statesEntered(executionArn), "", "");
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("run " + executionArn + " neither ended nor"
                        + " stopped at a gate within " + timeout.toSeconds() + " s");
            }
            pause();
        }
    }

    private DescribeExecutionResponse describe(String executionArn) {
        try {
            return aws.sfn.describeExecution(request -> request.executionArn(executionArn));
        } catch (ExecutionDoesNotExistException notYet) {
            return null;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while following a run", e);
        }
    }
}

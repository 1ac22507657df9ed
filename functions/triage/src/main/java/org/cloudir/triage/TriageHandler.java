package org.cloudir.triage;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.Log;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ResponderException;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.triage.Catalogue;
import org.cloudir.core.triage.Triage;
import org.cloudir.core.triage.TriageDecision;
import org.cloudir.record.IncidentTable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Receives EventBridge events through the triage queue, classifies each through the playbook
 * catalogue, places it in the incident open for its resource (or opens one), and starts the
 * containment state machine with an execution named by the incident id. A repeated, updated
 * or joining finding maps to the same name, so Step Functions refuses a second run; only a
 * joining finding whose playbook does more than the incident's starts a second, escalating
 * run. Suppressed findings are recorded and not answered. Messages that fail are reported
 * back so SQS redelivers them, and after three tries moves them to the dead-letter queue.
 */
public final class TriageHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** Reruns of a failed or dry run started at most, so a hopeless case cannot loop. */
    static final int MAX_RERUNS = 3;

    private final Log log = Log.forClass(TriageHandler.class);
    private final SfnClient sfn;
    private final Triage triage;
    private final IncidentLedger ledger;
    private final String stateMachineArn;
    private final Optional<IncidentTable> incidents;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public TriageHandler() {
        this(Env.system());
    }

    public TriageHandler(Env env) {
        this(AwsClients.configure(SfnClient.builder(), env).build(),
                env.get("INCIDENT_TABLE").isPresent()
                        ? AwsClients.configure(DynamoDbClient.builder(), env).build() : null,
                env, Clock.systemUTC());
    }

    public TriageHandler(SfnClient sfn, Env env, Clock clock) {
        this(sfn, AwsClients.configure(DynamoDbClient.builder(), env).build(), env, clock);
    }

    public TriageHandler(SfnClient sfn, DynamoDbClient dynamoDb, Env env, Clock clock) {
        this(sfn, dynamoDb, env, clock, Catalogue.bundled());
    }

    public TriageHandler(SfnClient sfn, DynamoDbClient dynamoDb, Env env, Clock clock,
            Catalogue catalogue) {
        this.sfn = sfn;
        this.triage = new Triage(clock, env.flag("DRY_RUN"), catalogue);
        this.ledger = new IncidentLedger(dynamoDb, env.require("INCIDENT_TABLE"), clock,
                catalogue.incidentWindow());
        this.stateMachineArn = env.require("STATE_MACHINE_ARN");
        this.incidents = Optional.ofNullable(dynamoDb).map(client -> new IncidentTable(client,
                env.require("INCIDENT_TABLE"), clock));
    }

    /**
     * Triages a batch. Deliveries of the same finding version in one batch (a storm) are
     * answered once and counted together; each message still succeeds or fails on its own.
     */
    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<String, List<SQSEvent.SQSMessage>> repeats = new LinkedHashMap<>();
        Map<String, TriageDecision> decisions = new LinkedHashMap<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            TriageDecision decision = decide(message);
            if (decision == null) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                continue;
            }
            String version = version(decision);
            decisions.putIfAbsent(version, decision);
            repeats.computeIfAbsent(version, key -> new ArrayList<>()).add(message);
        }
        repeats.forEach((version, messages) -> {
            if (!respondSafely(decisions.get(version), messages.size())) {
                messages.forEach(message -> failures.add(
                        new SQSBatchResponse.BatchItemFailure(message.getMessageId())));
            }
        });
        return new SQSBatchResponse(failures);
    }

    /** Triages one message and starts its response; returns false when it must be retried. */
    public boolean handleMessage(SQSEvent.SQSMessage message) {
        TriageDecision decision = decide(message);
        return decision != null && respondSafely(decision, 1);
    }

    private TriageDecision decide(SQSEvent.SQSMessage message) {
        try {
            return triage.decide(message.getBody());
        } catch (MalformedEventException e) {
            log.error("event rejected", "messageId", message.getMessageId(),
                    "outcome", "REJECTED", "reason", e.getMessage());
            return null;
        }
    }

    private boolean respondSafely(TriageDecision decision, int deliveries) {
        try {
            respond(decision, deliveries);
            return true;
        } catch (ResponderException | SdkException e) {
            log.error("response not started", "incidentId", decision.incident().incidentId(),
                    "outcome", "FAILED", "error", e.getClass().getName(),
                    "reason", String.valueOf(e.getMessage()));
            return false;
        }
    }

    /** Identifies one version of one finding: what a repeat delivery has in common. */
    private static String version(TriageDecision decision) {
        Finding finding = decision.incident().finding();
        return finding.source() + "|" + finding.accountId() + "|" + finding.id() + "|"
                + finding.count() + "|" + finding.lastSeen();
    }

    private void respond(TriageDecision decision, int deliveries) {
        Incident triaged = decision.incident();
        if (decision.suppressed()) {
            ledger.recordSuppressed(decision, deliveries);
            log.warn("finding suppressed", "findingId", triaged.finding().id(),
                    "findingType", triaged.finding().type(),
                    "resource", triaged.resource().key(),
                    "suppression", decision.suppression().orElseThrow().name(),
                    "deliveries", deliveries, "outcome", FindingOutcome.SUPPRESSED);
            return;
        }

        IncidentLedger.Placement placement = ledger.place(triaged);
        Incident incident = withId(triaged, placement.incidentId());
        String executionName = executionName(incident, placement);
        if (executionName != null) {
            start(executionName, incident, decision, placement);
        }

        FindingOutcome outcome = ledger.recordFinding(incident.incidentId(), decision,
                placement.opened(), executionName, deliveries);
        log.info("finding triaged", "incidentId", incident.incidentId(),
                "findingId", incident.finding().id(), "findingType", incident.finding().type(),
                "resource", incident.resource().key(), "catalogueEntry", decision.entry(),
                "mode", decision.mode(), "playbook", incident.playbook(),
                "proposedPlaybook", decision.proposedPlaybook(),
                "execution", String.valueOf(executionName), "deliveries", deliveries,
                "outcome", outcome);
    }

    /**
     * Names the run a finding starts: the incident's own for the finding that opened it and
     * for findings asking the same; a suffixed one when a joining finding's playbook changes
     * resources the opening one did not; none for a joining notify-only finding.
     */
    private static String executionName(Incident incident, IncidentLedger.Placement placement) {
        if (placement.opened() || incident.playbook() == placement.openingPlaybook()) {
            return placement.incidentId();
        }
        if (incident.playbook() == Playbook.NOTIFY_ONLY) {
            return null;
        }
        return placement.incidentId() + "-" + incident.playbook().wireName();
    }

    private void start(String executionName, Incident incident, TriageDecision decision,
            IncidentLedger.Placement placement) {
        Map<String, Object> triageNote = new LinkedHashMap<>();
        triageNote.put("catalogueEntry", decision.entry());
        triageNote.put("mode", decision.mode());
        triageNote.put("proposedPlaybook", decision.proposedPlaybook());
        triageNote.put("opened", placement.opened());
        String input = Json.write(Map.of("incident", incident, "triage", triageNote));
        String name = executionName;
        for (int attempt = 1; name != null; attempt++) {
            if (startNamed(name, input, incident)) {
                return;
            }
            name = nextRun(executionName, attempt, incident);
        }
        boolean recorded = incidents.map(table -> table.joinFinding(incident)).orElse(false);
        log.info("finding joins a response already started", "incidentId",
                incident.incidentId(), "findingId", incident.finding().id(),
                "count", incident.finding().count(), "recorded", recorded,
                "execution", executionName, "outcome", "ALREADY_HANDLED");
    }

    /** Starts one run; returns false when a run of that name exists already. */
    private boolean startNamed(String name, String input, Incident incident) {
        try {
            String executionArn = AwsErrors.call("StartExecution", () -> sfn.startExecution(
                    request -> request.stateMachineArn(stateMachineArn)
                            .name(name)
                            .input(input)))
                    .executionArn();
            log.info("response started", "incidentId", incident.incidentId(),
                    "playbook", incident.playbook(), "resource", incident.resource().key(),
                    "findingType", incident.finding().type(), "dryRun", incident.dryRun(),
                    "executionArn", executionArn);
            return true;
        } catch (ExecutionAlreadyExistsException exists) {
            return false;
        }
    }

    /**
     * Decides whether a finding that meets an existing run of its name deserves a new one: when
     * that run failed, timed out or was stopped, or only dry-ran while this finding must act.
     * Without this, a failed or dry run would hold the name, and so block every real response,
     * for the 90 days Step Functions keeps execution names. The runs are idempotent, so a rerun
     * finishes what an earlier one left; at most {@link #MAX_RERUNS} reruns are started.
     *
     * @return the next run's name, or null when the existing run stands
     */
    private String nextRun(String executionName, int attempt, Incident incident) {
        String existingName = attempt == 1 ? executionName : executionName + "-rerun-" + attempt;
        DescribeExecutionResponse existing = AwsErrors.call("DescribeExecution", () ->
                sfn.describeExecution(request -> request.executionArn(
                        stateMachineArn.replace(":stateMachine:", ":execution:") + ":"
                                + existingName)));
        boolean failed = existing.status() == ExecutionStatus.FAILED
                || existing.status() == ExecutionStatus.TIMED_OUT
                || existing.status() == ExecutionStatus.ABORTED;
        boolean onlyDryRan = !incident.dryRun() && Json.parse(existing.input(), "execution input")
                .path("incident").path("dryRun").asBoolean(false);
        // A dry run cannot contain anything: it never reruns, and so never uses up the reruns
        // a real response may need later.
        if (incident.dryRun() || !failed && !onlyDryRan) {
            return null;
        }
        if (attempt > MAX_RERUNS) {
            log.warn("reruns exhausted: a person must respond", "incidentId",
                    incident.incidentId(), "execution", existingName,
                    "status", existing.statusAsString(), "outcome", "ESCALATED");
            return null;
        }
        log.warn("earlier run did not contain: starting another", "incidentId",
                incident.incidentId(), "execution", existingName,
                "status", existing.statusAsString(), "earlierRunOnlyDryRan", onlyDryRan);
        return executionName + "-rerun-" + (attempt + 1);
    }

    private static Incident withId(Incident incident, String incidentId) {
        return incidentId.equals(incident.incidentId()) ? incident : new Incident(incidentId,
                incident.playbook(), incident.severityBand(), incident.drill(),
                incident.dryRun(), incident.resource(), incident.finding(),
                incident.triagedAt());
    }
}

package org.cloudir.triage;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Clock;
import java.util.ArrayList;
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
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.cloudir.record.IncidentTable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Receives EventBridge events through the triage queue, triages each into an incident and
 * starts the containment state machine with an execution named by the incident id. A repeated
 * finding maps to the same name, so Step Functions refuses a second run: the response is not
 * repeated. Messages that fail are reported back so SQS redelivers them, and after three tries
 * moves them to the dead-letter queue.
 */
public final class TriageHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final Log log = Log.forClass(TriageHandler.class);
    private final SfnClient sfn;
    private final Triage triage;
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
        this(sfn, null, env, clock);
    }

    /**
     * Creates the handler.
     *
     * @param dynamoDb the incident table's client, or null to leave repeated findings out of
     *     the incident record (they are still logged)
     */
    public TriageHandler(SfnClient sfn, DynamoDbClient dynamoDb, Env env, Clock clock) {
        this.sfn = sfn;
        this.triage = new Triage(clock, env.flag("DRY_RUN"));
        this.stateMachineArn = env.require("STATE_MACHINE_ARN");
        this.incidents = Optional.ofNullable(dynamoDb).map(client -> new IncidentTable(client,
                env.require("INCIDENT_TABLE"), clock));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            if (!handleMessage(message)) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    /** Triages one message and starts its response; returns false when it must be retried. */
    public boolean handleMessage(SQSEvent.SQSMessage message) {
        Incident incident;
        try {
            incident = triage.triage(message.getBody());
        } catch (MalformedEventException e) {
            log.error("event rejected", "messageId", message.getMessageId(),
                    "outcome", "REJECTED", "reason", e.getMessage());
            return false;
        }
        try {
            return start(incident);
        } catch (ResponderException | SdkException e) {
            log.error("response not started", "incidentId", incident.incidentId(),
                    "outcome", "FAILED", "error", e.getClass().getName(),
                    "reason", String.valueOf(e.getMessage()));
            return false;
        }
    }

    private boolean start(Incident incident) {
        try {
            String executionArn = AwsErrors.call("StartExecution", () -> sfn.startExecution(
                    request -> request.stateMachineArn(stateMachineArn)
                            .name(incident.incidentId())
                            .input(Json.write(Map.of("incident", incident)))))
                    .executionArn();
            log.info("response started", "incidentId", incident.incidentId(),
                    "playbook", incident.playbook(), "resource", incident.resource().key(),
                    "findingType", incident.finding().type(), "dryRun", incident.dryRun(),
                    "executionArn", executionArn);
        } catch (ExecutionAlreadyExistsException repeat) {
            boolean recorded = incidents.map(table -> table.joinFinding(incident)).orElse(false);
            log.info("finding joins an incident already handled", "incidentId",
                    incident.incidentId(), "findingId", incident.finding().id(),
                    "count", incident.finding().count(), "recorded", recorded,
                    "outcome", "ALREADY_HANDLED");
        }
        return true;
    }
}

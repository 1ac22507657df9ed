package org.cloudir.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Log;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.IncidentInput;
import org.cloudir.lifecycle.internal.ApprovalStatus;
import org.cloudir.lifecycle.internal.LifecycleTable;
import org.cloudir.lifecycle.internal.PendingApproval;
import org.cloudir.lifecycle.internal.Proposals;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Opens an approval gate: called by a {@code lambda:invoke.waitForTaskToken} task, it stores
 * the task token and a summary of the proposed action on the incident record and sends both to
 * the notification topic. It returns at once; the execution waits until a person answers with
 * {@code approve} or {@code reject} (SendTaskSuccess / SendTaskFailure) or the gate times out.
 */
public final class RequestApprovalHandler extends JsonFunction<Map<String, Object>> {
    private final Log log = Log.forClass(RequestApprovalHandler.class);
    private final LifecycleTable table;
    private final SnsClient sns;
    private final String topicArn;
    private final Clock clock;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RequestApprovalHandler() {
        this(Env.system());
    }

    public RequestApprovalHandler(Env env) {
        this(AwsClients.configure(DynamoDbClient.builder(), env).build(),
                AwsClients.configure(SnsClient.builder(), env).build(), env, Clock.systemUTC());
    }

    public RequestApprovalHandler(DynamoDbClient dynamoDb, SnsClient sns, Env env,
            Clock clock) {
        this.table = new LifecycleTable(dynamoDb, env.require("INCIDENT_TABLE"), clock);
        this.sns = sns;
        this.topicArn = env.require("NOTIFICATION_TOPIC_ARN");
        this.clock = clock;
    }


    /** Stores and announces the gate; the local worker calls this directly. */
    @Override
    public Map<String, Object> handle(JsonNode request) {
        Incident incident = IncidentInput.read(request);
        String gate = required(request, "gate");
        String phase = required(request, "phase");
        String run = required(request, "run");
        String token = required(request, "taskToken");
        String playbook = request.path("playbook").asText(incident.playbook().wireName());
        int timeoutSeconds = request.path("approvalTimeoutSeconds").asInt(0);
        if (timeoutSeconds < 1) {
            throw new MalformedEventException("field 'approvalTimeoutSeconds' is missing or"
                    + " below 1; the phase's first state supplies it");
        }
        Instant now = clock.instant();
        String proposal = Proposals.describe(gate, playbook, incident);
        PendingApproval approval = new PendingApproval(incident.incidentId(), phase, gate, run,
                token, proposal, now, now.plusSeconds(timeoutSeconds),
                ApprovalStatus.PENDING, Optional.empty());
        boolean stored = table.requestApproval(approval);
        if (!stored) {
            log.warn("approval already decided", "incidentId", incident.incidentId(),
                    "gate", gate, "run", run, "outcome", "SKIPPED");
            return Map.of("requested", false, "gate", gate, "proposal", proposal);
        }
        List<String> reasons = new ArrayList<>();
        request.path("reasons").forEach(reason -> reasons.add(reason.asText()));
        String messageId = publish(incident, approval, reasons);
        log.info("approval requested", "incidentId", incident.incidentId(), "phase", phase,
                "gate", gate, "run", run, "expiresAt", approval.expiresAt().toString(),
                "messageId", messageId);
        return Map.of("requested", true, "gate", gate, "proposal", proposal,
                "expiresAt", approval.expiresAt().toString());
    }

    private String publish(Incident incident, PendingApproval approval, List<String> reasons) {
        String subject = String.format(Locale.ROOT, "[%s] Incident %s: approve %s?",
                incident.severityBand().wireName(), incident.incidentId(), approval.gate());
        String message = String.format(Locale.ROOT, "Incident %s waits for approval of its %s"
                        + " gate (phase %s, run %s).%n%nProposed: %s%n%nFinding: %s, severity"
                        + " %.1f%nResource: %s %s%nWhy it waits: %s%nWaits until: %s, then goes"
                        + " on without"
                        + " acting.%n%nApprove: scripts/ir approve %s --gate %s --by <name>%n"
                        + "Reject:  scripts/ir reject %s --gate %s --by <name> --reason <why>%n"
                        + "Task token (what those commands send): %s%n",
                incident.incidentId(), approval.gate(), approval.phase(), approval.run(),
                approval.proposal(), incident.finding().type(), incident.finding().severity(),
                incident.resource().type().wireName(), incident.resource().key(),
                reasons.stream().filter(reason -> reason.startsWith(approval.gate()))
                        .findFirst().orElse(String.join("; ", reasons)),
                approval.expiresAt(), incident.incidentId(), approval.gate(),
                incident.incidentId(), approval.gate(), approval.taskToken());
        return AwsErrors.call("Publish " + topicArn, () -> sns.publish(request -> request
                .topicArn(topicArn)
                .subject(subject.length() > 100 ? subject.substring(0, 97) + "..." : subject)
                .message(message)
                .messageAttributes(Map.of(
                        "kind", text("APPROVAL_NEEDED"),
                        "incidentId", text(incident.incidentId()),
                        "gate", text(approval.gate()))))).messageId();
    }

    private static String required(JsonNode request, String field) {
        String value = request.path(field).asText("");
        if (value.isBlank()) {
            throw new MalformedEventException("field '" + field + "' is missing: the state"
                    + " machine's gate passes it");
        }
        return value;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}

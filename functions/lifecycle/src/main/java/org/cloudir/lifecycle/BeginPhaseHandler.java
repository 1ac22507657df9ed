package org.cloudir.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Json;
import org.cloudir.core.Log;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.blast.BlastRadius;
import org.cloudir.core.lifecycle.ApprovalMode;
import org.cloudir.core.lifecycle.GatePolicy;
import org.cloudir.core.lifecycle.Phase;
import org.cloudir.core.lifecycle.PhasePlan;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.triage.IncidentInput;
import org.cloudir.lifecycle.internal.LifecycleTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs as the first state of every incident phase machine: checks the execution input (a bad
 * manual input fails here, naming the field, before any action), decides which approval gates
 * apply and how long they wait, counts containment against the blast-radius limit, and notes
 * when the phase began.
 */
public final class BeginPhaseHandler extends JsonFunction<BeganPhase> {
    static final int DEFAULT_APPROVAL_TIMEOUT_SECONDS = 86_400;

    private final Log log = Log.forClass(BeginPhaseHandler.class);
    private final LifecycleTable table;
    private final GatePolicy gates;
    private final BlastRadius blastRadius;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public BeginPhaseHandler() {
        this(Env.system());
    }

    public BeginPhaseHandler(Env env) {
        this(AwsClients.configure(DynamoDbClient.builder(), env).build(), env,
                Clock.systemUTC());
    }

    public BeginPhaseHandler(DynamoDbClient dynamoDb, Env env, Clock clock) {
        this.table = new LifecycleTable(dynamoDb, env.require("INCIDENT_TABLE"), clock);
        this.gates = new GatePolicy(
                ApprovalMode.fromWireName(env.get("APPROVAL_MODE").orElse("per-playbook")),
                number(env, "APPROVAL_TIMEOUT_SECONDS", DEFAULT_APPROVAL_TIMEOUT_SECONDS));
        this.blastRadius = new BlastRadius(number(env, "BLAST_RADIUS_PER_INCIDENT", 5),
                number(env, "BLAST_RADIUS_PER_HOUR", 20), clock);
    }


    /**
     * Checks the input and plans the phase; the local worker calls this directly.
     *
     * @param request {@code {"phase": ..., "run": <execution name>, "input": <execution input>}}
     */
    @Override
    public BeganPhase handle(JsonNode request) {
        Phase phase = Phase.fromWireName(request.path("phase").asText(""));
        String run = request.path("run").asText("");
        if (run.isBlank()) {
            throw new MalformedEventException("field 'run' is missing: the state machine passes"
                    + " its execution name");
        }
        JsonNode input = request.path("input");
        Incident incident = IncidentInput.read(input);
        Optional<Boolean> subnetQuarantine = quarantineSubnet(
                input.path("options").path("quarantineSubnet"));
        JsonNode triage = input.path("triage");
        Optional<Playbook> proposed = proposedPlaybook(triage);
        checkAgainstRecord(phase, incident);

        Optional<BlastRadius.Decision> blast = Optional.empty();
        boolean acts = phase == Phase.CONTAINMENT
                && GatePolicy.CONTAINABLE.contains(proposed.orElse(incident.playbook()))
                && !incident.dryRun() && !incident.drill();
        if (acts) {
            blast = Optional.of(blastRadius.decide(incident.incidentId(),
                    List.of(incident.resource().key()), table.actedRecently()));
        }
        PhasePlan plan = shortened(gates.plan(phase, incident, proposed, blast),
                input.path("options").path("approvalTimeoutSeconds"));
        if (acts && !plan.gates().get("containment")) {
            table.recordActed(incident.incidentId(), incident.resource().key());
        }
        if (phase != Phase.INCIDENT_RESPONSE) {
            // The orchestrator's own run is not a phase: its phases are listed one by one.
            table.phaseStarted(incident.incidentId(), phase.wireName(), run);
        }

        log.info("phase started", "incidentId", incident.incidentId(), "phase", phase,
                "run", run, "playbook", plan.playbook(), "gates", plan.gates(),
                "approvalMode", plan.approvalMode());
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("approvalTimeoutSeconds", plan.approvalTimeoutSeconds());
        subnetQuarantine.ifPresent(asked -> options.put("quarantineSubnet", asked));
        return new BeganPhase(plan.phase().wireName(), plan.incidentId(), run, plan.playbook(),
                plan.approvalMode(), plan.gates(), plan.approvalTimeoutSeconds(),
                plan.reasons(), triage.isObject()
                        ? Json.convert(triage, Map.class) : Map.of(), options);
    }

    /**
     * Refuses a run whose input does not fit what the incident record says: a phase that
     * undoes or closes (eradication, recovery, post-incident) needs an incident that was
     * recorded, and no phase may act on another resource than the incident's.
     */
    private void checkAgainstRecord(Phase phase, Incident incident) {
        Optional<Map<String, AttributeValue>> summary = table.summary(incident.incidentId());
        boolean needsRecord = phase == Phase.ERADICATION || phase == Phase.RECOVERY
                || phase == Phase.POST_INCIDENT;
        if (needsRecord && summary.map(item -> !item.containsKey("status")).orElse(true)) {
            throw new MalformedEventException("field 'incident.incidentId': incident "
                    + incident.incidentId() + " has no record yet, so " + phase.wireName()
                    + " has nothing to act on; run containment (or the incident-response"
                    + " orchestrator) for it first");
        }
        String recorded = summary.map(item -> item.get("resourceId"))
                .map(AttributeValue::s).orElse(null);
        if (recorded != null && !recorded.equals(incident.resource().key())) {
            throw new MalformedEventException("field 'incident.resource' names "
                    + incident.resource().key() + " but incident " + incident.incidentId()
                    + " is about " + recorded + "; start the run with that incident's input");
        }
    }

    /** Reads {@code options.quarantineSubnet}: a run may ask for the subnet quarantine. */
    private static Optional<Boolean> quarantineSubnet(JsonNode asked) {
        if (asked.isMissingNode() || asked.isNull()) {
            return Optional.empty();
        }
        if (!asked.isBoolean()) {
            throw new MalformedEventException("field 'options.quarantineSubnet' is '" + asked
                    + "'; it must be true or false");
        }
        return Optional.of(asked.booleanValue());
    }

    /**
     * Applies a manual run's {@code options.approvalTimeoutSeconds}: a run may wait less than
     * the deployment's timeout, never longer.
     */
    private static PhasePlan shortened(PhasePlan plan, JsonNode requested) {
        if (requested.isMissingNode() || requested.isNull()) {
            return plan;
        }
        if (!requested.canConvertToInt() || !requested.isIntegralNumber()
                || requested.asInt() < 1) {
            throw new MalformedEventException("field 'options.approvalTimeoutSeconds' is '"
                    + requested + "'; it must be a whole number of seconds, at least 1");
        }
        int seconds = Math.min(requested.asInt(), plan.approvalTimeoutSeconds());
        return new PhasePlan(plan.phase(), plan.incidentId(), plan.playbook(),
                plan.approvalMode(), plan.gates(), seconds, plan.reasons());
    }

    /**
     * Returns the playbook triage proposed for a gated catalogue entry: the incident itself
     * then carries notify-only until a person approves.
     */
    private static Optional<Playbook> proposedPlaybook(JsonNode triage) {
        if (!"gated".equals(triage.path("mode").asText(""))) {
            return Optional.empty();
        }
        String proposed = triage.path("proposedPlaybook").asText("");
        try {
            return Optional.of(Playbook.fromWireName(proposed));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("field 'triage.proposedPlaybook' is '" + proposed
                    + "': " + e.getMessage(), e);
        }
    }

    private static int number(Env env, String name, int fallback) {
        String value = env.get(name).orElse(Integer.toString(fallback));
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " is '" + value
                    + "'; it must be a whole number", e);
        }
    }
}

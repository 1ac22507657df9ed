package org.cloudir.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Json;
import org.cloudir.core.Log;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.triage.IncidentInput;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Appends what a response did to the incident's record in DynamoDB: the incident itself, the
 * finding that joined it, each action result found in the state (with its actor and inputs),
 * the failure a Catch routed here, and when the phase run ended. The phase comes from the
 * plan the run's first state made ({@code plan.result.phase}); without one it is containment.
 * Every item is written conditionally, so a retried or repeated step never duplicates an entry.
 */
public final class RecordIncidentHandler extends JsonFunction<RecordSummary> {
    private final Log log = Log.forClass(RecordIncidentHandler.class);
    private final IncidentTable table;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RecordIncidentHandler() {
        this(Env.system());
    }

    public RecordIncidentHandler(Env env) {
        this(AwsClients.configure(DynamoDbClient.builder(), env).build(), env,
                Clock.systemUTC());
    }

    public RecordIncidentHandler(DynamoDbClient dynamoDb, Env env, Clock clock) {
        this.table = new IncidentTable(dynamoDb, env.require("INCIDENT_TABLE"), clock);
    }


    /** Records the state of a response; the local worker calls this directly. */
    @Override
    public RecordSummary handle(JsonNode state) {
        Incident incident = IncidentInput.read(state);
        List<ActionResult> actions = actionsIn(state);
        JsonNode error = state.path("error");
        JsonNode plan = state.path("plan").path("result");
        String phase = plan.path("phase").asText("containment");
        String gateDecision = state.path("gateOutcome").path("decision").asText("");
        boolean skipped = !gateDecision.isBlank();
        Optional<IncidentStatus> next = IncidentStatus.after(phase, incident, actions,
                !error.isMissingNode(), skipped);

        String actor = actor(state);
        int written = table.appendFinding(incident) ? 1 : 0;
        for (ActionResult action : actions) {
            written += table.appendAction(action, actor, inputs(incident)) ? 1 : 0;
        }
        if (!error.isMissingNode()) {
            written += table.appendFailure(incident.incidentId(),
                    error.path("Error").asText("unknown"), error.path("Cause").asText("")) ? 1 : 0;
        }
        IncidentStatus status = table.upsertIncident(incident, next);
        String runOutcome = phaseOutcome(error, gateDecision, actions);
        String run = plan.path("run").asText("");
        if (!run.isBlank()) {
            table.phaseFinished(incident.incidentId(), phase, run, runOutcome);
            if (gateDecision.equals("TIMED_OUT")) {
                table.approvalTimedOut(incident.incidentId(), run,
                        state.path("gateOutcome").path("gate").asText(phase));
            }
        }

        RecordSummary summary = new RecordSummary(incident.incidentId(), status, runOutcome,
                written, 1 + actions.size() + (error.isMissingNode() ? 0 : 1) - written);
        log.info("incident recorded", "incidentId", incident.incidentId(), "phase", phase,
                "status", status, "written", summary.written(),
                "alreadyRecorded", summary.alreadyRecorded());
        return summary;
    }

    /** Names how a phase run ended, for its {@code phase#} entry and the report. */
    private static String phaseOutcome(JsonNode error, String gateDecision,
            List<ActionResult> actions) {
        if (!error.isMissingNode()) {
            return "FAILED";
        }
        if (!gateDecision.isBlank()) {
            return gateDecision;
        }
        if (actions.stream().anyMatch(action -> action.outcome() == Outcome.DRY_RUN)) {
            return "DRY_RUN";
        }
        return "SUCCEEDED";
    }

    /**
     * Names who decided the actions: a person when the state carries an approval (an approval
     * step stores {@code approval.approvedBy}), otherwise the automation itself.
     */
    static String actor(JsonNode state) {
        String approver = state.path("approval").path("approvedBy").asText("");
        return approver.isBlank() ? "automation" : "person:" + approver;
    }

    /** Returns what every action of this run was asked to do, as JSON. */
    private static String inputs(Incident incident) {
        return Json.write(Map.of("resource", incident.resource(),
                "playbook", incident.playbook().wireName(), "dryRun", incident.dryRun(),
                "findingId", incident.finding().id()));
    }

    /**
     * Collects every action result in the state: each task stores its Lambda result under its
     * own key as {@code {"result": ActionResult}}.
     */
    private static List<ActionResult> actionsIn(JsonNode state) {
        List<ActionResult> actions = new ArrayList<>();
        state.properties().forEach(entry -> {
            JsonNode result = entry.getValue().path("result");
            if (result.isObject() && result.has("action") && result.has("outcome")) {
                actions.add(Json.convert(result, ActionResult.class));
            }
        });
        return actions;
    }
}

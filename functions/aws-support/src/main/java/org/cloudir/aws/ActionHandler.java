package org.cloudir.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.cloudir.core.Json;
import org.cloudir.core.Log;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.IncidentInput;

/**
 * Runs one response action as a Lambda function: reads {@code {"incident": ...}}, acts (or only
 * plans, in dry run), and returns the {@link ActionResult}. Exceptions leave the handler so
 * Step Functions sees their class names and applies the state machine's Retry and Catch.
 */
public abstract class ActionHandler implements RequestStreamHandler {
    private final Log log = Log.forClass(getClass());
    private final Clock clock;
    private final boolean dryRunForced;

    protected ActionHandler(Env env, Clock clock) {
        this.clock = clock;
        this.dryRunForced = env.flag("DRY_RUN");
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        JsonNode request = Json.mapper().readTree(input);
        ActionResult result = handle(request == null ? Json.mapper().nullNode() : request);
        Json.mapper().writeValue(output, result);
    }

    /** Runs the action on a parsed request; the local worker calls this directly. */
    public final ActionResult handle(JsonNode request) {
        Incident incident = IncidentInput.read(request);
        Instant started = clock.instant();
        try {
            ActionResult result = act(incident, request, incident.dryRun() || dryRunForced,
                    started);
            log.info("action finished", "incidentId", incident.incidentId(),
                    "action", result.action(), "resource", result.resourceId(),
                    "outcome", result.outcome(),
                    "durationMs", Duration.between(started, clock.instant()).toMillis());
            return result;
        } catch (ProtectedResourceException e) {
            log.warn("action refused", "incidentId", incident.incidentId(), "action", name(),
                    "resource", incident.resource().key(), "outcome", "REFUSED",
                    "reason", e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            log.error("action failed", "incidentId", incident.incidentId(), "action", name(),
                    "resource", incident.resource().key(), "outcome", "FAILED",
                    "error", e.getClass().getName(), "reason", String.valueOf(e.getMessage()));
            throw e;
        }
    }

    /** Returns the action's name as recorded in the incident, e.g. "isolate-instance". */
    protected abstract String name();

    /**
     * Performs the action idempotently and verifies it by re-reading the resource.
     *
     * @param dryRun true to report the plan without changing anything
     */
    protected abstract ActionResult act(Incident incident, boolean dryRun, Instant started);

    /**
     * Performs the action with the whole request at hand; undo actions override this to read
     * the recorded result they reverse. The default ignores everything but the incident.
     */
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        return act(incident, dryRun, started);
    }

    protected final Clock clock() {
        return clock;
    }
}

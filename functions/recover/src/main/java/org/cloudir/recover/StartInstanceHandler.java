package org.cloudir.recover;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.TransientAwsException;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.ResourceType;
import org.cloudir.ec2.Ec2Instances;
import org.cloudir.recover.internal.Recorded;
import org.cloudir.recover.internal.Requests;
import org.cloudir.recover.internal.Waiter;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Starts an instance again that eradication's stop-instance stopped, and only then: the
 * recorded stop-instance result must show that the responder stopped it and that it was
 * running before. An instance someone else stopped is left as it is. Stop protection, which
 * eradication lifted to stop it, is not touched here: restore-instance puts back the
 * attributes the instance had before the incident. Expects
 * {@code {"incident": ..., "recorded": {"stopInstance": <stop-instance result>}}}.
 */
public final class StartInstanceHandler extends ActionHandler {
    static final String ACTION = "start-instance";
    static final String STOP_KEY = "stopInstance";
    static final String STOP_ACTION = "stop-instance";
    static final Duration WAIT = Duration.ofSeconds(40);
    static final Duration POLL = Duration.ofSeconds(2);
    private static final Set<String> STARTED = Set.of("pending", "running");

    private final Ec2Client ec2;
    private final Waiter waiter;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public StartInstanceHandler() {
        this(Env.system());
    }

    public StartInstanceHandler(Env env) {
        this(AwsClients.configure(Ec2Client.builder(), env).build(), env, Clock.systemUTC());
    }

    public StartInstanceHandler(Ec2Client ec2, Env env, Clock clock) {
        super(env, clock);
        this.ec2 = ec2;
        this.waiter = new Waiter(clock, WAIT, POLL);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        throw new MalformedEventException(ACTION + " needs field '" + Recorded.FIELD + "'");
    }

    @Override
    protected ActionResult act(Incident incident, JsonNode request, boolean dryRun,
            Instant started) {
        Requests.requireType(incident, ResourceType.INSTANCE, ACTION);
        Recorded recorded = Recorded.read(request, incident.incidentId());
        String instanceId = incident.resource().id();
        Instance instance = Ec2Instances.describe(ec2, instanceId);
        Protection.refuseIfProtected(Ec2Instances.tags(instance.tags()), ACTION,
                "instance " + instanceId, incident.incidentId());
        String state = instance.state().nameAsString();
        Optional<JsonNode> stop = stoppedByResponder(recorded);
        Map<String, Object> details = details(instanceId, stop, state);
        if (stop.isEmpty()) {
            details.put("state", state);
            return result(incident, dryRun ? Outcome.DRY_RUN : Outcome.DONE,
                    "not stopped by the responder: " + instanceId + " left " + state, details,
                    List.of(), started);
        }
        if (dryRun) {
            details.put("state", state);
            return result(incident, Outcome.DRY_RUN, STARTED.contains(state)
                    ? instanceId + " is " + state + " already; nothing to start"
                    : "would start " + instanceId + " (now " + state + ")", details, List.of(),
                    started);
        }

        boolean startedNow = startIfStopped(instanceId, state);
        String now = verify(instanceId);
        details.put("state", now);
        details.put("startedInstance", startedNow);
        return result(incident, startedNow ? Outcome.DONE : Outcome.ALREADY_DONE,
                startedNow ? "started " + instanceId + ", which the responder had stopped"
                        : instanceId + " was " + state + " already",
                details, List.of("instance " + instanceId + " is " + now), started);
    }

    /** The recorded stop, when the responder stopped an instance that was running. */
    private static Optional<JsonNode> stoppedByResponder(Recorded recorded) {
        return recorded.done(STOP_KEY, STOP_ACTION)
                .filter(details -> STARTED.contains(details.path("previousState").asText("")));
    }

    /** Returns true when it started the instance, false when it was started already. */
    private boolean startIfStopped(String instanceId, String state) {
        if (STARTED.contains(state)) {
            return false;
        }
        if ("stopping".equals(state)) {
            // StartInstances refuses an instance that is still stopping: wait for it to stop.
            waitFor(instanceId, Set.of("stopped")).orElseThrow(() ->
                    new TransientAwsException("instance " + instanceId + " is still stopping"
                            + " after " + WAIT.toSeconds() + " s; start it again later"));
        } else if (!"stopped".equals(state)) {
            throw new ResourceNotFoundException("instance " + instanceId + " is " + state
                    + " and cannot be started; it is being terminated");
        }
        AwsErrors.run("StartInstances " + instanceId, () -> ec2.startInstances(r -> r
                .instanceIds(instanceId)));
        return true;
    }

    private String verify(String instanceId) {
        return waitFor(instanceId, STARTED).orElseThrow(() ->
                new VerificationFailedException("instance " + instanceId + " is "
                        + Ec2Instances.describe(ec2, instanceId).state().nameAsString()
                        + " " + WAIT.toSeconds() + " s after StartInstances; expected"
                        + " pending or running"));
    }

    private Optional<String> waitFor(String instanceId, Set<String> wanted) {
        return waiter.until(() -> Optional.of(Ec2Instances.describe(ec2, instanceId)
                        .state().nameAsString())
                .filter(wanted::contains));
    }

    private static Map<String, Object> details(String instanceId, Optional<JsonNode> stop,
            String state) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("instanceId", instanceId);
        details.put("stoppedByResponder", stop.isPresent());
        details.put("previousState", state);
        stop.ifPresent(recorded -> {
            details.put("stateBeforeStop", recorded.path("previousState").asText());
            details.put("stopProtectionLifted",
                    recorded.path("stopProtectionLifted").asBoolean(false));
        });
        return details;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Map<String, Object> details, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().id(),
                outcome, summary, details, verified, started, clock().instant());
    }
}

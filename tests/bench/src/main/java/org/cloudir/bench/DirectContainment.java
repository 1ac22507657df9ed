package org.cloudir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.triage.Triage;
import org.cloudir.core.triage.TriageDecision;
import org.cloudir.evidence.collect.CollectEvidenceHandler;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.cloudir.lifecycle.BeginPhaseHandler;
import org.cloudir.local.FunctionSpec;
import org.cloudir.local.LocalAws;
import org.cloudir.local.Stack;
import org.cloudir.record.RecordIncidentHandler;
import org.cloudir.report.WriteReportHandler;
import org.cloudir.snapshot.SnapshotVolumesHandler;

/**
 * The overhead baseline: a plain program that calls, in the containment machine's order, the
 * same handler classes its tasks run for an instance finding, each with the payload its state
 * passes and each result stored where its ResultPath puts it. It does what the machine does
 * with no EventBridge, SQS, triage handler, Step Functions or task tokens in between.
 */
final class DirectContainment {
    /** The tasks of the containment machine's path for an instance, in order. */
    static final List<String> TASKS = List.of("begin-phase", "collect-evidence",
            "snapshot-volumes", "isolate-instance", "record-incident", "write-report");

    private final Map<String, List<Long>> actionMs = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> calls = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> callMs = new LinkedHashMap<>();
    private final Triage triage = new Triage(Clock.systemUTC(), false);
    private final BeginPhaseHandler beginPhase;
    private final CollectEvidenceHandler collectEvidence;
    private final SnapshotVolumesHandler snapshotVolumes;
    private final IsolateInstanceHandler isolateInstance;
    private final RecordIncidentHandler recordIncident;
    private final WriteReportHandler writeReport;

    /** Creates each handler once, with its function's environment, as the worker does. */
    DirectContainment(LocalAws aws, Stack stack) {
        this.beginPhase = new BeginPhaseHandler(env(aws, stack, "BeginPhaseFunction"));
        this.collectEvidence = new CollectEvidenceHandler(env(aws, stack,
                "CollectEvidenceFunction"));
        this.snapshotVolumes = new SnapshotVolumesHandler(env(aws, stack,
                "SnapshotVolumesFunction"));
        this.isolateInstance = new IsolateInstanceHandler(env(aws, stack,
                "IsolateInstanceFunction"));
        this.recordIncident = new RecordIncidentHandler(env(aws, stack,
                "RecordIncidentFunction"));
        this.writeReport = new WriteReportHandler(env(aws, stack, "WriteReportFunction"));
    }

    private static Env env(LocalAws aws, Stack stack, String logicalId) {
        FunctionSpec function = stack.functions().get(logicalId);
        if (function == null) {
            throw new IllegalStateException("template.yaml has no function " + logicalId
                    + "; the direct baseline calls what the containment machine calls");
        }
        return aws.envFor(function.environment());
    }

    /** Returns each task's run times so far, in milliseconds. */
    Map<String, List<Long>> actionMs() {
        return actionMs;
    }

    /** Returns each task's AWS calls in the last counted run. */
    Map<String, Map<String, Integer>> calls() {
        return calls;
    }

    /** Returns each task's mean time per AWS call in the last counted run. */
    Map<String, Map<String, Double>> callMs() {
        return callMs;
    }

    /**
     * Responds to one finding as the machine would and returns the final state.
     *
     * @param countCalls whether to keep each task's AWS calls (the counter must be unmuted)
     */
    ObjectNode run(String findingJson, boolean countCalls) {
        TriageDecision decision = triage.decide(findingJson);
        String incidentId = decision.incident().incidentId();
        ObjectNode state = (ObjectNode) Json.parse(Json.write(Map.of(
                "incident", decision.incident(), "triage", triageNote(decision))),
                "execution input");

        ObjectNode begin = Json.mapper().createObjectNode()
                .put("phase", "containment")
                .put("run", incidentId);
        begin.set("input", state.deepCopy());
        state.set("plan", task("begin-phase", countCalls, () -> beginPhase.handle(begin)));
        if (state.path("plan").path("result").path("gates").path("containment")
                .asBoolean(false)) {
            throw new IllegalStateException("containment of " + incidentId + " waits for"
                    + " approval; the benchmark needs an ungated playbook");
        }
        JsonNode incidentOnly = incidentOnly(state);
        state.set("evidence", task("collect-evidence", countCalls,
                () -> collectEvidence.handle(incidentOnly)));
        // The "Adopt playbook" Pass state.
        ((ObjectNode) state.path("incident")).set("playbook",
                state.path("plan").path("result").path("playbook"));

        JsonNode adopted = incidentOnly(state);
        state.set("snapshotVolumes", task("snapshot-volumes", countCalls,
                () -> snapshotVolumes.handle(adopted)));
        state.set("isolateInstance", task("isolate-instance", countCalls,
                () -> isolateInstance.handle(adopted)));
        ObjectNode beforeRecord = state.deepCopy();
        state.set("record", task("record-incident", countCalls,
                () -> recordIncident.handle(beforeRecord)));
        ObjectNode beforeReport = state.deepCopy();
        state.set("report", task("write-report", countCalls,
                () -> writeReport.handle(beforeReport)));
        return state;
    }

    /** The triage note the triage handler puts beside the incident in the execution input. */
    private static Map<String, Object> triageNote(TriageDecision decision) {
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("catalogueEntry", decision.entry());
        note.put("mode", decision.mode());
        note.put("proposedPlaybook", decision.proposedPlaybook());
        note.put("opened", true);
        return note;
    }

    private static JsonNode incidentOnly(ObjectNode state) {
        ObjectNode payload = Json.mapper().createObjectNode();
        payload.set("incident", state.path("incident").deepCopy());
        return payload;
    }

    /** Runs one task, timed, and wraps its result as the state's ResultSelector does. */
    private JsonNode task(String name, boolean countCalls, Supplier<Object> handler) {
        if (countCalls) {
            CallCounter.reset();
        }
        long started = System.nanoTime();
        Object result = handler.get();
        // The worker serializes every result to JSON for SendTaskSuccess; so does this.
        JsonNode payload = Json.parse(Json.write(result), "result of " + name);
        actionMs.computeIfAbsent(name, ignored -> new ArrayList<>())
                .add((System.nanoTime() - started) / 1_000_000);
        if (countCalls) {
            calls.put(name, handlerCalls(CallCounter.snapshot()));
            Map<String, Double> means = new LinkedHashMap<>(CallCounter.meanMillis());
            means.keySet().retainAll(calls.get(name).keySet());
            callMs.put(name, means);
        }
        ObjectNode wrapper = Json.mapper().createObjectNode();
        wrapper.set("result", payload);
        return wrapper;
    }

    /** Leaves out the calls the local worker makes meanwhile on its own threads. */
    static Map<String, Integer> handlerCalls(Map<String, Integer> calls) {
        Map<String, Integer> kept = new LinkedHashMap<>(calls);
        kept.keySet().removeIf(key -> key.startsWith("Sqs:") || key.startsWith("Sfn:"));
        return kept;
    }
}

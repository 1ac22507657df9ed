package org.cloudir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.core.Json;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.cloudir.local.Check;
import org.cloudir.local.EmulatorChecks;
import org.cloudir.local.Executions;
import org.cloudir.local.FunctionSpec;
import org.cloudir.local.LocalAws;
import org.cloudir.local.SampleEvents;
import org.cloudir.local.Stack;
import org.cloudir.local.Victim;
import org.cloudir.local.VictimSeeder;
import org.cloudir.record.RecordIncidentHandler;
import org.cloudir.snapshot.SnapshotVolumesHandler;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Times one instance finding from PutEvents to verified containment through the deployed
 * pipeline (EventBridge, SQS, triage, Step Functions, the handlers via task tokens), and the
 * same AWS calls issued in sequence by a plain program that calls the handlers directly. Each
 * run uses a fresh victim, so both do the full work; runs alternate so drift hits both alike.
 * The direct runs also count each action's AWS calls.
 */
final class Overhead {
    static final double GOAL = 1.2;
    private static final int RUNS = 5;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * The fewest calls each action needs on a fresh instance with two volumes and one network
     * interface, and why.
     */
    static final Map<String, Minimum> MINIMUM = Map.of(
            "triage", new Minimum(1, "StartExecution"),
            "snapshot-volumes", new Minimum(6, "read instance, find earlier snapshots (the"
                    + " idempotency check), CreateSnapshots, one device tag per volume (values"
                    + " differ), re-read snapshots"),
            "isolate-instance", new Minimum(7, "read instance, find isolation group (when it"
                    + " exists), tag and move the ENI, set termination protection, re-read ENI"
                    + " and attribute"),
            "disable-access-key", new Minimum(4, "read user tags, list keys, update key,"
                    + " re-list keys"),
            "record-incident", new Minimum(3, "one conditional write per action result and"
                    + " one for the incident"));

    /** The fewest calls an action needs. */
    record Minimum(int calls, String why) {
    }

    private final LocalAws aws;
    private final Stack stack;
    private final SampleEvents samples;
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> callsByAction = new LinkedHashMap<>();
    private final Map<String, List<Long>> directActionMs = new LinkedHashMap<>();

    Overhead(LocalAws aws, Stack stack, SampleEvents samples) {
        this.aws = aws;
        this.stack = stack;
        this.samples = samples;
    }

    Map<String, Object> details() {
        return details;
    }

    List<Row> measure() {
        Direct direct = new Direct();
        orchestrated("bench-warm-o");
        direct.run("bench-warm-d", false);
        List<Long> orchestrated = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        List<Map<String, Long>> phases = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Timed timed = orchestrated("bench-o-" + i);
            orchestrated.add(timed.millis());
            phases.add(timed.phases());
            plain.add(direct.run("bench-d-" + i, i == 0));
        }
        double measured = median(orchestrated);
        double baseline = median(plain);
        details.put("orchestratedMs", orchestrated);
        details.put("directMs", plain);
        details.put("phasesOfEachOrchestratedRunMs", phases);
        details.put("callsByAction", callsByAction);
        details.put("directActionMs", directActionMs);
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("orchestration overhead", "instance finding", measured, baseline, "ms",
                GOAL, "median of " + RUNS + " each, fresh victim per run; where the time goes"
                        + " (median run): " + phases.get(indexOfMedian(orchestrated))
                        + "; the same actions called directly (median ms): "
                        + medians(directActionMs) + spread(orchestrated, plain)));
        callsByAction.put("disable-access-key", direct.accessKeyCalls());
        for (Map.Entry<String, Map<String, Integer>> action : callsByAction.entrySet()) {
            Minimum minimum = MINIMUM.get(action.getKey());
            rows.add(Row.of("API economy", action.getKey(),
                    CallCounter.total(action.getValue()), minimum.calls(), "calls", 0,
                    action.getValue() + "; minimum: " + minimum.why()));
        }
        return rows;
    }

    private Timed orchestrated(String victimName) {
        CallCounter.mute();
        Victim victim = new VictimSeeder(aws, victimName).ensure(victimName + "-user");
        ObjectNode finding = samples.load("guardduty-ec2-backdoor.json", victim.placeholders());
        Incident incident = new Triage(Clock.systemUTC(), false).triage(Json.write(finding));
        String arn = Executions.arn(stack.stateMachineArn("ContainmentStateMachine"),
                incident.incidentId());
        long started = System.nanoTime();
        Instant sent = Instant.now();
        SampleEvents.put(aws, finding);
        DescribeExecutionResponse run = awaitFinished(arn);
        long millis = (System.nanoTime() - started) / 1_000_000;
        Instant seen = Instant.now();
        requireContained(run, incident, victim);
        Map<String, Long> phases = phases(arn, sent, run, seen);
        CallCounter.unmute();
        return new Timed(millis, phases);
    }

    private DescribeExecutionResponse awaitFinished(String arn) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            try {
                DescribeExecutionResponse run = aws.sfn.describeExecution(r -> r
                        .executionArn(arn));
                if (run.status() != ExecutionStatus.RUNNING) {
                    return run;
                }
            } catch (ExecutionDoesNotExistException notYet) {
                // Triage has not started it yet.
            }
            Bench.sleep(10);
        }
        throw new IllegalStateException(arn + " did not finish within " + WAIT);
    }

    private void requireContained(DescribeExecutionResponse run, Incident incident,
            Victim victim) {
        EmulatorChecks checks = new EmulatorChecks(aws);
        List<Check> all = new ArrayList<>(checks.volumesSnapshotted(incident.incidentId(),
                victim.instanceId(), victim.volumeIds()));
        all.addAll(checks.instanceIsolated(victim.instanceId()));
        List<Check> failed = all.stream().filter(check -> !check.passed()).toList();
        if (run.status() != ExecutionStatus.SUCCEEDED || !failed.isEmpty()) {
            throw new IllegalStateException("containment of " + victim.instanceId()
                    + " not verified: " + run.statusAsString() + " " + failed);
        }
    }

    /** Splits an orchestrated run by its execution history: where the time goes. */
    private Map<String, Long> phases(String arn, Instant sent, DescribeExecutionResponse run,
            Instant seen) {
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put("PutEvents to execution start (EventBridge, SQS, triage)",
                Duration.between(sent, run.startDate()).toMillis());
        Instant entered = null;
        String state = null;
        for (HistoryEvent event : aws.sfn.getExecutionHistoryPaginator(r -> r.executionArn(arn))
                .events()) {
            if (event.stateEnteredEventDetails() != null) {
                entered = event.timestamp();
                state = event.stateEnteredEventDetails().name();
            } else if (event.stateExitedEventDetails() != null && entered != null) {
                phases.merge(state, Duration.between(entered, event.timestamp()).toMillis(),
                        Long::sum);
            }
        }
        phases.put("execution end to seen by the poller", Duration.between(run.stopDate(),
                seen).toMillis());
        return phases;
    }

    /** The plain program: the handlers' calls in the state machine's order, no orchestration. */
    private final class Direct {
        private final SnapshotVolumesHandler snapshot = new SnapshotVolumesHandler(
                env("SnapshotVolumesFunction"));
        private final IsolateInstanceHandler isolate = new IsolateInstanceHandler(
                env("IsolateInstanceFunction"));
        private final RecordIncidentHandler record = new RecordIncidentHandler(
                env("RecordIncidentFunction"));
        private final DisableAccessKeyHandler accessKey = new DisableAccessKeyHandler(
                env("DisableAccessKeyFunction"));
        private final Triage triage = new Triage(Clock.systemUTC(), false);

        private org.cloudir.aws.Env env(String logicalId) {
            FunctionSpec function = stack.functions().get(logicalId);
            return aws.envFor(function.environment());
        }

        long run(String victimName, boolean countCalls) {
            CallCounter.mute();
            Victim victim = new VictimSeeder(aws, victimName).ensure(victimName + "-user");
            String finding = Json.write(samples.load("guardduty-ec2-backdoor.json",
                    victim.placeholders()));
            CallCounter.unmute();
            long started = System.nanoTime();
            Incident incident = triage.triage(finding);
            ObjectNode state = Json.mapper().createObjectNode();
            state.set("incident", Json.mapper().valueToTree(incident));
            ActionResult snapped = counted("snapshot-volumes", countCalls,
                    () -> snapshot.handle(state));
            state.set("snapshotVolumes", wrap(snapped));
            ActionResult isolated = counted("isolate-instance", countCalls,
                    () -> isolate.handle(state));
            state.set("isolateInstance", wrap(isolated));
            counted("record-incident", countCalls, () -> record.handle(state));
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (countCalls) {
                callsByAction.put("triage", Map.of("SFN:StartExecution", 1));
            }
            return millis;
        }

        Map<String, Integer> accessKeyCalls() {
            CallCounter.mute();
            Victim victim = new VictimSeeder(aws, "bench-key").ensure("bench-key-user");
            Incident incident = triage.triage(Json.write(samples.load(
                    "guardduty-iam-malicious-ip.json", victim.placeholders())));
            ObjectNode state = Json.mapper().createObjectNode();
            state.set("incident", Json.mapper().valueToTree(incident));
            CallCounter.unmute();
            CallCounter.reset();
            accessKey.handle(state);
            return handlerCalls(CallCounter.snapshot());
        }

        private <T> T counted(String action, boolean countCalls,
                java.util.function.Supplier<T> call) {
            CallCounter.reset();
            long started = System.nanoTime();
            T result = call.get();
            directActionMs.computeIfAbsent(action, ignored -> new ArrayList<>())
                    .add((System.nanoTime() - started) / 1_000_000);
            if (countCalls) {
                callsByAction.put(action, handlerCalls(CallCounter.snapshot()));
            }
            return result;
        }

        private JsonNode wrap(ActionResult result) {
            ObjectNode wrapper = Json.mapper().createObjectNode();
            wrapper.set("result", Json.mapper().valueToTree(result));
            return wrapper;
        }
    }

    /** One orchestrated run: total time and its phases. */
    private record Timed(long millis, Map<String, Long> phases) {
    }

    static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Leaves out the calls the local worker makes meanwhile on its own threads. */
    private static Map<String, Integer> handlerCalls(Map<String, Integer> calls) {
        Map<String, Integer> kept = new LinkedHashMap<>(calls);
        kept.keySet().removeIf(key -> key.startsWith("Sqs:") || key.startsWith("SFN:"));
        return kept;
    }

    private static Map<String, Long> medians(Map<String, List<Long>> values) {
        Map<String, Long> medians = new LinkedHashMap<>();
        values.forEach((key, list) -> medians.put(key, (long) median(list)));
        return medians;
    }

    private static int indexOfMedian(List<Long> values) {
        return values.indexOf((long) median(values));
    }

    private static String spread(List<Long> orchestrated, List<Long> plain) {
        return "; runs " + orchestrated + " vs " + plain + " ms";
    }
}

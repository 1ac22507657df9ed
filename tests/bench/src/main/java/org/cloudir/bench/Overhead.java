package org.cloudir.bench;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.cloudir.eradicate.QuarantinePrincipalHandler;
import org.cloudir.eradicate.StopInstanceHandler;
import org.cloudir.local.Check;
import org.cloudir.local.EmulatorChecks;
import org.cloudir.local.Executions;
import org.cloudir.local.FunctionSpec;
import org.cloudir.local.LocalAws;
import org.cloudir.local.SampleEvents;
import org.cloudir.local.Stack;
import org.cloudir.local.Victim;
import org.cloudir.local.VictimSeeder;
import org.cloudir.triage.TriageHandler;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Times one instance finding from PutEvents to the end of its containment execution through
 * the deployed pipeline (EventBridge, SQS, triage, Step Functions, the handlers via task
 * tokens), and the same six handlers the machine's tasks run, called in sequence by a plain
 * program ({@link DirectContainment}). Each run uses a fresh victim, so both do the full work;
 * runs alternate so drift hits both alike. Both are verified from the emulator afterwards. The
 * direct runs also count each action's AWS calls.
 */
final class Overhead {
    static final double GOAL = 1.2;
    private static final int RUNS = 9;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** How often the benchmark asks whether the execution ended; its end is read, not seen. */
    private static final long POLL_MS = 50;

    /**
     * The fewest calls each action needs on a fresh instance (two volumes, one network
     * interface, no Auto Scaling group, target group or instance profile, in a VPC the
     * responder has not used yet) or a fresh IAM user with one key, and why.
     */
    static final Map<String, Minimum> MINIMUM = Map.ofEntries(
            Map.entry("triage", new Minimum(3, "place the incident (one conditional write),"
                    + " StartExecution, record the finding")),
            Map.entry("begin-phase", new Minimum(3, "read the blast-radius window, count the"
                    + " resource (conditional write), note the phase start")),
            Map.entry("collect-evidence", new Minimum(11, "read the manifest; describe the"
                    + " instance as its evidence records it (instance, interfaces, their groups,"
                    + " 3 attributes one at a time: 6); put the finding, the description and"
                    + " the manifest; the OPENED notice")),
            Map.entry("snapshot-volumes", new Minimum(6, "read instance, find earlier"
                    + " snapshots (the idempotency check), CreateSnapshots, one device tag per"
                    + " volume (values differ), re-read snapshots")),
            Map.entry("isolate-instance", new Minimum(29, "9 reads to plan (instance, its"
                    + " interfaces with tags, both responder groups in one call, Auto Scaling,"
                    + " target groups, 3 attributes, one at a time as EC2 answers them,"
                    + " profile); 6 to make the groups (2 creates, one read of their default"
                    + " rules, revoke the default egress, allow all in and out on the"
                    + " untracking group); 6 to act (tag the interface, move it twice, tag the"
                    + " instance, termination and stop protection); 8 to verify (interfaces,"
                    + " both groups in one call, Auto Scaling, target groups, 3 attributes,"
                    + " profile). One-step isolation of the first benchmark needed 7")),
            Map.entry("record-incident", new Minimum(5, "one conditional write each for the"
                    + " finding, the two action results, the incident and the phase's end")),
            Map.entry("write-report", new Minimum(19, "read the incident record, the manifest"
                    + " and the before description; describe the instance after (6, as"
                    + " collect-evidence); put the after description, the actions, the"
                    + " activity, 3 report files and the manifest; record the manifest's hash;"
                    + " 2 notices (CONTAINED, CLOSED)")),
            Map.entry("disable-access-key", new Minimum(7, "read the user (tags with it), list"
                    + " keys, update the key, look for the session-deny policy, put it, re-list"
                    + " keys, re-read the policy")),
            Map.entry("stop-instance", new Minimum(8, "read instance, find its evidence"
                    + " snapshots, read stop protection, tag, lift stop protection,"
                    + " StopInstances, re-read state and stop protection")),
            Map.entry("quarantine-principal", new Minimum(6, "read the user (tags with it),"
                    + " look for the quarantine policy, put it, look for the session deny,"
                    + " re-read both policies")));

    /** The fewest calls an action needs. */
    record Minimum(int calls, String why) {
    }

    private final LocalAws aws;
    private final Stack stack;
    private final SampleEvents samples;
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> callsByAction = new LinkedHashMap<>();
    private final List<Map<String, Double>> orchestratedCallMs = new ArrayList<>();
    private final List<Map<String, Integer>> orchestratedCalls = new ArrayList<>();

    Overhead(LocalAws aws, Stack stack, SampleEvents samples) {
        this.aws = aws;
        this.stack = stack;
        this.samples = samples;
    }

    Map<String, Object> details() {
        return details;
    }

    List<Row> measure() {
        DirectContainment direct = new DirectContainment(aws, stack);
        orchestrated("bench-warm-o");
        direct(direct, "bench-warm-d", false);
        List<Long> orchestrated = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        List<Map<String, Long>> parts = new ArrayList<>();
        Incident counted = null;
        for (int i = 0; i < RUNS; i++) {
            Timed timed = orchestrated("bench-o-" + i);
            orchestrated.add(timed.millis());
            parts.add(timed.parts());
            DirectRun run = direct(direct, "bench-d-" + i, i == 0);
            plain.add(run.millis());
            if (i == 0) {
                counted = run.incident();
            }
        }
        callsByAction.putAll(direct.calls());
        callsByAction.put("triage", triageCalls());
        callsByAction.put("stop-instance", stopInstanceCalls(counted));
        accessKeyAndQuarantineCalls();

        double measured = median(orchestrated);
        double baseline = median(plain);
        Map<String, Long> medianParts = medians(parts);
        Map<String, Long> directMedians = medians(direct.actionMs());
        details.put("orchestratedMs", orchestrated);
        details.put("directMs", plain);
        details.put("partsOfEachOrchestratedRunMs", parts);
        details.put("medianPartsMs", medianParts);
        details.put("directActionMs", direct.actionMs());
        details.put("callsByAction", callsByAction);
        details.put("directCallMeanMs", direct.callMs());
        details.put("orchestratedCalls", orchestratedCalls);
        details.put("orchestratedCallMeanMs", orchestratedCallMs);
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("orchestration overhead", "instance finding", measured, baseline, "ms",
                GOAL, whereTimeGoes(medianParts, directMedians, direct.callMs())
                        + spread(orchestrated, plain)));
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
        // The worker's threads are not muted: their calls (handlers, SQS, SendTaskSuccess)
        // are counted and timed from here on.
        CallCounter.reset();
        Instant sent = Instant.now();
        SampleEvents.put(aws, finding);
        DescribeExecutionResponse run = awaitFinished(arn);
        Instant seen = Instant.now();
        orchestratedCalls.add(CallCounter.snapshot());
        orchestratedCallMs.add(CallCounter.meanMillis());
        requireContained(run, incident, victim);
        Map<String, Long> parts = ExecutionTimeline.split(aws.sfn, arn, sent, run);
        parts.put("end seen by the benchmark's poll (not counted)",
                Duration.between(run.stopDate(), seen).toMillis());
        CallCounter.unmute();
        return new Timed(Duration.between(sent, run.stopDate()).toMillis(), parts);
    }

    private DirectRun direct(DirectContainment direct, String victimName, boolean countCalls) {
        CallCounter.mute();
        Victim victim = new VictimSeeder(aws, victimName).ensure(victimName + "-user");
        String finding = Json.write(samples.load("guardduty-ec2-backdoor.json",
                victim.placeholders()));
        CallCounter.unmute();
        long started = System.nanoTime();
        ObjectNode state = direct.run(finding, countCalls);
        long millis = (System.nanoTime() - started) / 1_000_000;
        CallCounter.mute();
        Incident incident = Json.convert(state.path("incident"), Incident.class);
        requireContained(state, incident, victim);
        CallCounter.unmute();
        return new DirectRun(millis, incident);
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
            Bench.sleep(POLL_MS);
        }
        throw new IllegalStateException(arn + " did not finish within " + WAIT);
    }

    private void requireContained(DescribeExecutionResponse run, Incident incident,
            Victim victim) {
        List<Check> failed = failedChecks(incident, victim);
        if (run.status() != ExecutionStatus.SUCCEEDED || !failed.isEmpty()) {
            throw new IllegalStateException("containment of " + victim.instanceId()
                    + " not verified: " + run.statusAsString() + " " + failed);
        }
    }

    private void requireContained(JsonNode state, Incident incident, Victim victim) {
        List<Check> failed = failedChecks(incident, victim);
        String status = state.path("record").path("result").path("status").asText();
        if (!"CONTAINED".equals(status) || !failed.isEmpty()) {
            throw new IllegalStateException("direct containment of " + victim.instanceId()
                    + " not verified: " + status + " " + failed);
        }
    }

    private List<Check> failedChecks(Incident incident, Victim victim) {
        EmulatorChecks checks = new EmulatorChecks(aws);
        List<Check> all = new ArrayList<>(checks.volumesSnapshotted(incident.incidentId(),
                victim.instanceId(), victim.volumeIds()));
        all.addAll(checks.instanceIsolated(victim.instanceId()));
        return all.stream().filter(check -> !check.passed()).toList();
    }

    /**
     * Counts a triage handler's calls for one new finding. Its calls cannot be told apart from
     * the handlers' in a pipeline run, so a triage handler of its own starts a probe machine.
     */
    private Map<String, Integer> triageCalls() {
        CallCounter.mute();
        Victim victim = new VictimSeeder(aws, "bench-triage").ensure("bench-triage-user");
        ObjectNode finding = samples.load("guardduty-ec2-backdoor.json", victim.placeholders());
        String probe = aws.sfn.createStateMachine(r -> r.name("bench-triage-probe")
                .definition("{\"StartAt\":\"Accepted\",\"States\":{\"Accepted\":"
                        + "{\"Type\":\"Succeed\"}}}")
                .roleArn("arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":role/bench"))
                .stateMachineArn();
        Map<String, String> variables = new LinkedHashMap<>(
                stack.functions().get("TriageFunction").environment());
        variables.put("STATE_MACHINE_ARN", probe);
        TriageHandler triage = new TriageHandler(aws.envFor(variables));
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("bench-triage-1");
        message.setBody(Json.write(finding));
        CallCounter.unmute();
        CallCounter.reset();
        if (!triage.handleMessage(message)) {
            throw new IllegalStateException("the triage handler did not start a response to"
                    + " the benchmark's finding; see reports/bench-handlers.log");
        }
        Map<String, Integer> calls = CallCounter.snapshot();
        // The worker keeps polling meanwhile; the probe machine has no tasks to answer.
        calls.keySet().removeIf(key -> key.startsWith("Sqs:")
                || key.startsWith("Sfn:") && !key.equals("Sfn:StartExecution"));
        return calls;
    }

    /** Stops the instance the counted direct run contained, as eradication would. */
    private Map<String, Integer> stopInstanceCalls(Incident incident) {
        StopInstanceHandler stop = new StopInstanceHandler(env("StopInstanceFunction"));
        CallCounter.unmute();
        CallCounter.reset();
        stop.handle(request(incident));
        return DirectContainment.handlerCalls(CallCounter.snapshot());
    }

    /** Disables a fresh user's key, then quarantines the user, counting each. */
    private void accessKeyAndQuarantineCalls() {
        DisableAccessKeyHandler accessKey = new DisableAccessKeyHandler(
                env("DisableAccessKeyFunction"));
        QuarantinePrincipalHandler quarantine = new QuarantinePrincipalHandler(
                env("QuarantinePrincipalFunction"));
        CallCounter.mute();
        Victim victim = new VictimSeeder(aws, "bench-key").ensure("bench-key-user");
        Incident incident = new Triage(Clock.systemUTC(), false).triage(Json.write(
                samples.load("guardduty-iam-malicious-ip.json", victim.placeholders())));
        CallCounter.unmute();
        CallCounter.reset();
        accessKey.handle(request(incident));
        callsByAction.put("disable-access-key",
                DirectContainment.handlerCalls(CallCounter.snapshot()));
        CallCounter.reset();
        quarantine.handle(request(incident));
        callsByAction.put("quarantine-principal",
                DirectContainment.handlerCalls(CallCounter.snapshot()));
    }

    private org.cloudir.aws.Env env(String logicalId) {
        FunctionSpec function = stack.functions().get(logicalId);
        if (function == null) {
            throw new IllegalStateException("template.yaml has no function " + logicalId);
        }
        return aws.envFor(function.environment());
    }

    private static ObjectNode request(Incident incident) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.set("incident", Json.mapper().valueToTree(incident));
        return request;
    }

    /**
     * Sums the median parts into the intake, the engine's share (sending tasks, taking
     * results, the other states), and the worker's share; for the action tasks, whose results
     * carry their own start and end, the worker's share is split into the handler itself and
     * the delivery around it (SQS to the worker, the result back by SendTaskSuccess).
     */
    private static String whereTimeGoes(Map<String, Long> parts, Map<String, Long> direct,
            Map<String, Map<String, Double>> directCallMs) {
        long send = sum(parts, ExecutionTimeline.SEND);
        long worker = sum(parts, ExecutionTimeline.WORKER);
        long result = sum(parts, ExecutionTimeline.RESULT);
        long handlers = direct.values().stream().mapToLong(Long::longValue).sum();
        Map<String, String> actions = new LinkedHashMap<>();
        for (String task : DirectContainment.TASKS) {
            Long answered = parts.get(task + " / " + ExecutionTimeline.WORKER);
            Long itself = parts.get(task + " / " + ExecutionTimeline.HANDLER);
            if (answered != null && itself != null) {
                actions.put(task, "handler " + itself + " (direct " + direct.get(task)
                        + "), delivery " + (answered - itself));
            }
        }
        return "PutEvents to execution end vs the six handlers called in sequence; median of "
                + RUNS + " each, fresh victim per run. Median parts (ms): intake (EventBridge,"
                + " SQS, triage handler, StartExecution) " + parts.get(ExecutionTimeline.INTAKE)
                + "; engine sends the 6 task messages " + send + ", takes their results "
                + result + ", runs the 5 Choice, Pass and Succeed states "
                + parts.get(ExecutionTimeline.STATES) + ", the transitions between the 11 states "
                + parts.get(ExecutionTimeline.TRANSITIONS) + ", from the execution's start to"
                + " its first state " + parts.get(ExecutionTimeline.FIRST) + " and from its last"
                + " state to its end " + parts.get(ExecutionTimeline.LAST)
                + "; worker answers the tasks " + worker
                + " (the same handlers called directly: " + handlers + "; for the action tasks "
                + actions + "). Direct handler medians (ms): " + direct
                + ". Slowest mean ms per call in the direct run: " + slowest(directCallMs);
    }

    private static long sum(Map<String, Long> parts, String suffix) {
        return parts.entrySet().stream().filter(e -> e.getKey().endsWith(" / " + suffix))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Names the three slowest calls of the direct run, by mean time. */
    private static String slowest(Map<String, Map<String, Double>> callMs) {
        Map<String, Double> all = new LinkedHashMap<>();
        callMs.values().forEach(all::putAll);
        return all.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(3)
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** One orchestrated run: PutEvents to execution end, and its parts. */
    private record Timed(long millis, Map<String, Long> parts) {
    }

    /** One direct run: its time and the incident it contained. */
    private record DirectRun(long millis, Incident incident) {
    }

    static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Map<String, Long> medians(Map<String, List<Long>> values) {
        Map<String, Long> medians = new LinkedHashMap<>();
        values.forEach((key, list) -> medians.put(key, (long) median(list)));
        return medians;
    }

    private static Map<String, Long> medians(List<Map<String, Long>> runs) {
        Map<String, List<Long>> byPart = new LinkedHashMap<>();
        runs.forEach(run -> run.forEach((part, ms) -> byPart.computeIfAbsent(part,
                ignored -> new ArrayList<>()).add(ms)));
        return medians(byPart);
    }

    private static String spread(List<Long> orchestrated, List<Long> plain) {
        return "; runs " + orchestrated + " vs " + plain + " ms";
    }
}

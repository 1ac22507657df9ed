package org.cloudir.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.triage.Triage;
import org.cloudir.local.LocalAws;
import org.cloudir.local.SampleEvents;
import org.cloudir.local.Stack;
import org.cloudir.local.Victim;
import org.cloudir.local.VictimSeeder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Sends a storm through the deployed pipeline: n deliveries of one instance finding plus n/10
 * distinct findings on n/10 other instances, mixed, and waits until every incident is
 * contained and the intake queue is empty. Counts executions started and duplicate actions
 * from the emulator's own state, and AWS calls with the SDK interceptor.
 */
final class Storm {
    static final List<Integer> SIZES = List.of(10, 100, 1000);
    private static final Duration WAIT = Duration.ofMinutes(8);
    private static final String INCIDENT_TAG = "ir:incident-id";

    /** One storm's figures. */
    record Result(int deliveries, int distinct, long wallMs, int executionsStarted,
            int expectedExecutions, int duplicateActions, int awsCalls,
            Map<String, Long> phasesMs, Map<String, Long> emulator,
            Map<String, Integer> calls, Map<String, Double> callMeanMs) {
        /** Names the operations that took longest in all, as count times mean, in seconds. */
        String slowest() {
            Map<String, Double> seconds = new HashMap<>();
            callMeanMs.forEach((key, mean) -> {
                if (!key.endsWith(":ReceiveMessage")) {
                    seconds.put(key, mean * calls.getOrDefault(key, 0) / 1000);
                }
            });
            return seconds.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(4)
                    .map(e -> e.getKey() + " " + calls.get(e.getKey()) + " x "
                            + callMeanMs.get(e.getKey()) + " ms = " + Row.format(e.getValue())
                            + " s")
                    .collect(Collectors.joining(", "));
        }
    }

    private final LocalAws aws;
    private final Stack stack;
    private final SampleEvents samples;
    private final Victim site;

    Storm(LocalAws aws, Stack stack, SampleEvents samples) {
        this.aws = aws;
        this.stack = stack;
        this.samples = samples;
        CallCounter.mute();
        this.site = new VictimSeeder(aws, "bench-storm").ensure("bench-storm-user");
    }

    List<Result> runAll() {
        List<Result> results = new ArrayList<>();
        for (int size : SIZES) {
            results.add(run(size));
        }
        return results;
    }

    static List<Row> rows(List<Result> results) {
        Result full = results.get(results.size() - 1);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("storm", full.deliveries() + " + " + full.distinct() + " findings",
                full.wallMs() / 1000.0 / (full.expectedExecutions()),
                Row.format(full.wallMs() / 1000.0) + " s until all contained",
                full.expectedExecutions() + " incidents", "", null,
                "s per incident; " + full.awsCalls() + " AWS calls (SQS polling excluded);"
                        + " ms after the first PutEvents: " + full.phasesMs()
                        + "; emulator at the end: " + full.emulator()
                        + "; most time in all, over every thread: " + full.slowest()));
        rows.add(new Row("storm", "executions started", full.executionsStarted(),
                full.executionsStarted() + " started", full.expectedExecutions() + " expected",
                "= " + full.expectedExecutions(),
                full.executionsStarted() == full.expectedExecutions(), ""));
        rows.add(new Row("storm", "duplicate actions", full.duplicateActions(),
                full.duplicateActions() + " duplicates", "0 allowed", "= 0",
                full.duplicateActions() == 0,
                "actions recorded twice for one incident, plus snapshots beyond one per volume"));
        for (int i = 1; i < results.size(); i++) {
            Result small = results.get(i - 1);
            Result large = results.get(i);
            String step = small.deliveries() + " -> " + large.deliveries();
            rows.add(new Row("storm growth (x10 findings)", "wall time " + step,
                    (double) large.wallMs() / small.wallMs(), large.wallMs() + " ms",
                    small.wallMs() + " ms", "", null, "10 = linear"));
            rows.add(new Row("storm growth (x10 findings)", "AWS calls " + step,
                    (double) large.awsCalls() / small.awsCalls(), large.awsCalls() + " calls",
                    small.awsCalls() + " calls", "", null, "10 = linear"));
        }
        return rows;
    }

    private Result run(int deliveries) {
        CallCounter.mute();
        int distinct = deliveries / 10;
        List<Instance> instances = launch(distinct + 1);
        Triage triage = new Triage(Clock.systemUTC(), false);
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        Map<String, String> incidents = new LinkedHashMap<>();
        for (int i = 0; i <= distinct; i++) {
            ObjectNode finding = finding(instances.get(i));
            String incidentId = triage.triage(Json.write(finding)).incidentId();
            incidents.put(incidentId, instances.get(i).instanceId());
            int copies = i == 0 ? deliveries : 1;
            for (int c = 0; c < copies; c++) {
                entries.add(entry(finding));
            }
        }
        Collections.shuffle(entries, new Random(deliveries));
        Set<String> before = executionNames();

        CallCounter.reset();
        CallCounter.unmute();
        long started = System.nanoTime();
        for (int i = 0; i < entries.size(); i += 10) {
            List<PutEventsRequestEntry> batch = entries.subList(i, Math.min(i + 10,
                    entries.size()));
            PutEventsResponse response = aws.events.putEvents(r -> r.entries(batch));
            if (response.failedEntryCount() > 0) {
                throw new IllegalStateException("EventBridge rejected storm events: "
                        + response.entries());
            }
        }
        CallCounter.mute();
        Map<String, Long> phases = awaitContained(incidents.keySet(), started);
        long wallMs = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> calls = CallCounter.snapshot();
        Map<String, Double> callMeanMs = CallCounter.meanMillis();

        Set<String> started2 = executionNames();
        started2.removeAll(before);
        return new Result(deliveries, distinct, wallMs, started2.size(), distinct + 1,
                duplicates(incidents), CallCounter.total(calls), phases, snapshotFilterCost(),
                calls, callMeanMs);
    }

    private List<Instance> launch(int count) {
        String imageId = aws.ec2.describeImages(r -> r.owners("amazon")).images().get(0)
                .imageId();
        return aws.ec2.runInstances(r -> r.imageId(imageId).instanceType("t3.micro")
                .minCount(count).maxCount(count)
                .subnetId(site.subnetId())
                .securityGroupIds(site.groupId())
                .blockDeviceMappings(
                        m -> m.deviceName("/dev/xvda").ebs(ebs -> ebs.volumeSize(8)),
                        m -> m.deviceName("/dev/sdf").ebs(ebs -> ebs.volumeSize(20))))
                .instances();
    }

    private ObjectNode finding(Instance instance) {
        Map<String, String> placeholders = new HashMap<>(site.placeholders());
        placeholders.put("i-0123456789abcdef0", instance.instanceId());
        ObjectNode finding = samples.load("guardduty-ec2-backdoor.json", placeholders);
        // GuardDuty gives every finding its own id; the triage ledger keys findings by it.
        ((ObjectNode) finding.path("detail")).put("id",
                Hashes.sha256Hex(instance.instanceId()).substring(0, 32));
        return finding;
    }

    private static PutEventsRequestEntry entry(ObjectNode event) {
        return PutEventsRequestEntry.builder()
                .source(event.path("source").asText())
                .detailType(event.path("detail-type").asText())
                .detail(Json.write(event.path("detail")))
                .build();
    }

    private Set<String> executionNames() {
        Set<String> names = new HashSet<>();
        aws.sfn.listExecutionsPaginator(r -> r.stateMachineArn(machine())).executions()
                .forEach(execution -> names.add(execution.executionArn()));
        return names;
    }

    private String machine() {
        return stack.stateMachineArn("ContainmentStateMachine");
    }

    /** Waits for containment; returns when all runs had started, triage was done, all ended. */
    private Map<String, Long> awaitContained(Set<String> incidentIds, long startedNanos) {
        Map<String, Long> phases = new LinkedHashMap<>();
        Instant deadline = Instant.now().plus(WAIT);
        String intake = stack.queueUrl("TriageQueue");
        while (Instant.now().isBefore(deadline)) {
            Map<String, ExecutionStatus> status = new HashMap<>();
            for (ExecutionListItem item : aws.sfn.listExecutionsPaginator(r -> r
                    .stateMachineArn(machine())).executions()) {
                status.put(item.name(), item.status());
            }
            long done = incidentIds.stream()
                    .filter(id -> status.get(id) == ExecutionStatus.SUCCEEDED).count();
            List<String> failed = incidentIds.stream().filter(id -> status.get(id) != null
                    && status.get(id) != ExecutionStatus.RUNNING
                    && status.get(id) != ExecutionStatus.SUCCEEDED).toList();
            if (!failed.isEmpty()) {
                throw new IllegalStateException("storm executions did not succeed: " + failed);
            }
            long elapsed = (System.nanoTime() - startedNanos) / 1_000_000;
            if (incidentIds.stream().allMatch(status::containsKey)) {
                phases.putIfAbsent("allExecutionsStarted", elapsed);
            }
            boolean drained = queueEmpty(intake);
            if (drained) {
                phases.putIfAbsent("intakeQueueDrained", elapsed);
            }
            if (done == incidentIds.size()) {
                phases.putIfAbsent("allContained", elapsed);
            }
            if (done == incidentIds.size() && drained) {
                return phases;
            }
            Bench.sleep(250);
        }
        throw new IllegalStateException("storm of " + incidentIds.size()
                + " incidents not contained within " + WAIT + ": " + progress(incidentIds,
                intake));
    }

    /** Says how far a storm got: its executions by status, and what the intake still holds. */
    private String progress(Set<String> incidentIds, String intake) {
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, ExecutionStatus> status = new HashMap<>();
        aws.sfn.listExecutionsPaginator(r -> r.stateMachineArn(machine())).executions()
                .forEach(item -> status.put(item.name(), item.status()));
        incidentIds.forEach(id -> byStatus.merge(String.valueOf(status.get(id)),
                1L, Long::sum));
        Map<QueueAttributeName, String> queue = aws.sqs.getQueueAttributes(r -> r
                .queueUrl(intake).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return "executions by status (null: not started) " + byStatus + ", intake queue "
                + queue;
    }

    private boolean queueEmpty(String queueUrl) {
        Map<QueueAttributeName, String> attributes = aws.sqs.getQueueAttributes(r -> r
                .queueUrl(queueUrl).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return attributes.values().stream().allMatch("0"::equals);
    }

    /** Counts actions done twice: extra action entries in the table, extra snapshots. */
    private int duplicates(Map<String, String> incidents) {
        String table = stack.tableName("IncidentTable");
        int duplicates = 0;
        // One read of every evidence snapshot: the emulator filters snapshots slowly.
        Map<String, Integer> snapshotsPerVolume = new HashMap<>();
        aws.ec2.describeSnapshotsPaginator(r -> r.ownerIds("self")
                        .filters(f -> f.name("tag-key").values(INCIDENT_TAG)))
                .snapshots().forEach(snapshot -> snapshot.tags().stream()
                        .filter(tag -> INCIDENT_TAG.equals(tag.key()))
                        .filter(tag -> incidents.containsKey(tag.value()))
                        .forEach(tag -> snapshotsPerVolume.merge(tag.value() + "/"
                                + snapshot.volumeId(), 1, Integer::sum)));
        duplicates += snapshotsPerVolume.values().stream().mapToInt(n -> n - 1).sum();
        for (String incidentId : incidents.keySet()) {
            Map<String, Integer> perAction = new HashMap<>();
            for (Map<String, AttributeValue> item : aws.dynamoDb.queryPaginator(r -> r
                    .tableName(table)
                    .keyConditionExpression("incidentId = :id")
                    .expressionAttributeValues(Map.of(":id",
                            AttributeValue.fromS(incidentId)))).items()) {
                String entry = item.get("entry").s();
                if (entry.startsWith("action#")) {
                    perAction.merge(entry.substring(entry.lastIndexOf('#') + 1), 1,
                            Integer::sum);
                }
            }
            duplicates += perAction.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
        }
        return duplicates;
    }

    /** Times one tag-filtered DescribeSnapshots, the call the emulator answers slowest. */
    private Map<String, Long> snapshotFilterCost() {
        long started = System.nanoTime();
        aws.ec2.describeSnapshots(r -> r.ownerIds("self")
                .filters(f -> f.name("tag:" + INCIDENT_TAG).values("none")));
        long millis = (System.nanoTime() - started) / 1_000_000;
        long count = aws.ec2.describeSnapshotsPaginator(r -> r.maxResults(1000)).snapshots()
                .stream().count();
        return Map.of("describeSnapshotsByTagMs", millis, "snapshotsInEmulator", count);
    }
}

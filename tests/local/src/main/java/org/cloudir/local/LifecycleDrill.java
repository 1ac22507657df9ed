package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.cloudir.lifecycle.internal.PendingApproval;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * Runs the whole incident lifecycle as a drill: triage starts the incident-response
 * orchestrator for a GuardDuty instance finding and an IAM key finding; identification,
 * containment, eradication, recovery and post-incident run as nested executions; every
 * approval gate is answered by the drill (or, on a terminal, by the person at it). The
 * scorecard shows each phase and checks the end state from the emulator's own records.
 */
final class LifecycleDrill {
    static final Map<String, String> PARAMETERS = Map.of("MinSeverity", "4", "DryRun", "false",
            "TriageStarts", "lifecycle", "ApprovalMode", "per-playbook");
    static final List<String> PHASES = List.of("identification", "containment", "eradication",
            "recovery", "post-incident");
    private static final Duration FOLLOW = Duration.ofSeconds(120);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("MMddHHmmss").withZone(ZoneOffset.UTC);

    private final LocalAws aws;
    private final Path root;
    private final PrintStream console;
    private final boolean interactive;
    private final List<Check> failed = new ArrayList<>();
    private int passed;

    LifecycleDrill(LocalAws aws, Path root, PrintStream console, boolean interactive) {
        this.aws = aws;
        this.root = root;
        this.console = console;
        this.interactive = interactive;
    }

    boolean run() throws IOException {
        Instant started = Instant.now();
        Stack stack = LocalDeployment.deploy(aws, Template.load(root), PARAMETERS);
        console.println("Lifecycle drill on " + aws.endpoint() + " with " + PARAMETERS);
        try (LocalWorker worker = LocalWorker.start(aws, stack)) {
            String name = "lifecycle-" + STAMP.format(Instant.now());
            Victim victim = new VictimSeeder(aws, name).ensure(name + "-user");
            SampleEvents samples = new SampleEvents(root);
            ObjectNode instanceFinding = SampleEvents.fresh(samples.load(
                    "guardduty-ec2-backdoor.json", victim.placeholders()));
            ObjectNode keyFinding = SampleEvents.fresh(samples.load(
                    "guardduty-iam-malicious-ip.json", victim.placeholders()));
            Triage triage = new Triage(Clock.systemUTC(), false);
            Incident instance = triage.triage(Json.write(instanceFinding));
            Incident key = triage.triage(Json.write(keyFinding));
            SampleEvents.put(aws, instanceFinding);
            SampleEvents.put(aws, keyFinding);
            ManualRuns runs = new ManualRuns(aws, stack, Clock.systemUTC());
            Instant sent = Instant.now().minusSeconds(1);
            respond(runs, stack, instance, sent);
            checkInstance(stack, instance, victim);
            // The key's gates may have opened while the instance's were answered: look back
            // to when both findings were sent.
            respond(runs, stack, key, sent);
            checkKey(stack, key, victim);
        }
        console.printf(Locale.ROOT, "%nChecks passed: %d/%d, verified from the emulator's own"
                + " state. Lifecycle drill took %.1f s. RESULT: %s%n", passed,
                passed + failed.size(), Duration.between(started, Instant.now()).toMillis()
                        / 1000.0, failed.isEmpty() ? "RESPONDED AND CLOSED" : "FAILED");
        return failed.isEmpty();
    }

    /** Follows the incident's orchestrated run, answering each gate, and prints its phases. */
    private void respond(ManualRuns runs, Stack stack, Incident incident, Instant sent)
            throws IOException {
        console.printf("%n%s  %s on %s (%s %.1f, playbook %s)%n", incident.incidentId(),
                incident.finding().type(), incident.resource().key(),
                incident.severityBand().wireName(), incident.finding().severity(),
                incident.playbook().wireName());
        String top = Executions.arn(stack.stateMachineArn("IncidentResponseStateMachine"),
                incident.incidentId());
        Instant since = sent;
        ManualRuns.Progress progress = runs.follow(top, incident.incidentId(), since, FOLLOW);
        while (progress.waiting()) {
            PendingApproval gate = progress.gate().orElseThrow();
            since = Instant.now();
            answer(runs, incident, gate);
            progress = runs.follow(top, incident.incidentId(), since, FOLLOW);
        }
        check("orchestrator " + progress.status() + " through its states",
                progress.status().equals("SUCCEEDED"), String.join(" -> ", progress.states()));
        Executions executions = new Executions(aws);
        for (String phase : PHASES) {
            String run = Executions.arn(stack.stateMachineArn(ManualRuns.MACHINES.get(phase)),
                    incident.incidentId() + "-" + phase);
            DescribeExecutionResponse child = aws.sfn.describeExecution(r -> r
                    .executionArn(run));
            double seconds = Duration.between(child.startDate(), child.stopDate()).toMillis()
                    / 1000.0;
            console.printf(Locale.ROOT, "  phase %-15s %-9s %6.1f s  %s%n", phase,
                    child.statusAsString(), seconds,
                    String.join(" -> ", executions.statesEntered(run)));
            check(phase + " run succeeded", child.statusAsString().equals("SUCCEEDED"),
                    child.statusAsString());
        }
    }

    private void answer(ManualRuns runs, Incident incident, PendingApproval gate)
            throws IOException {
        console.println("  gate " + gate.gate() + " (" + gate.phase() + ") waits: "
                + gate.proposal());
        if (!interactive) {
            runs.approvals().approve(incident.incidentId(), Optional.of(gate.gate()),
                    "drill", "approved by the lifecycle drill");
            console.println("    approved by the drill (scripts/ir approve "
                    + incident.incidentId() + " --gate " + gate.gate() + " --by <name>)");
            return;
        }
        console.print("    approve? [y]es / [r]eject: ");
        console.flush();
        String reply = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8)).readLine();
        if (reply != null && reply.trim().toLowerCase(Locale.ROOT).startsWith("r")) {
            runs.approvals().reject(incident.incidentId(), Optional.of(gate.gate()),
                    System.getProperty("user.name", "responder"), "rejected at the drill");
            console.println("    rejected");
        } else {
            runs.approvals().approve(incident.incidentId(), Optional.of(gate.gate()),
                    System.getProperty("user.name", "responder"), "approved at the drill");
            console.println("    approved");
        }
    }

    private void checkInstance(Stack stack, Incident incident, Victim victim) {
        String id = incident.incidentId();
        Map<String, String> outcomes = actionOutcomes(stack, id);
        check("instance isolated by containment, stopped by eradication",
                outcomes.containsKey("isolate-instance")
                        && "DONE".equals(outcomes.get("stop-instance")), outcomes.toString());
        int snapshots = new EmulatorChecks(aws).snapshotsOf(id).size();
        check("evidence snapshots kept for every volume",
                snapshots >= victim.volumeIds().size(), snapshots + " snapshots");
        Instance now = aws.ec2.describeInstances(r -> r.instanceIds(victim.instanceId()))
                .reservations().get(0).instances().get(0);
        List<String> groups = now.networkInterfaces().stream()
                .flatMap(eni -> eni.groups().stream()).map(group -> group.groupId())
                .distinct().toList();
        check("original security groups restored by recovery",
                groups.equals(List.of(victim.groupId())), "groups " + groups);
        check("instance running again", now.state().nameAsString().equals("running"),
                now.state().nameAsString());
        checkReport(stack, id);
    }

    private void checkKey(Stack stack, Incident incident, Victim victim) {
        String id = incident.incidentId();
        Map<String, String> outcomes = actionOutcomes(stack, id);
        check("deny-all policy attached by eradication", "DONE".equals(
                outcomes.get("quarantine-principal")), outcomes.toString());
        List<String> policies = aws.iam.listUserPolicies(r -> r.userName(victim.userName()))
                .policyNames();
        check("deny policies removed by recovery",
                policies.stream().noneMatch(name -> name.startsWith("ir-")),
                "inline policies " + policies);
        List<AccessKeyMetadata> keys = aws.iam.listAccessKeys(r -> r
                .userName(victim.userName())).accessKeyMetadata();
        check("compromised key deleted", keys.stream().noneMatch(k -> k.accessKeyId()
                .equals(victim.accessKeyId())), "keys " + keys.stream()
                .map(k -> k.accessKeyId() + "=" + k.statusAsString()).toList());
        String secret = "incident-responder/" + id + "/" + victim.userName();
        try (SecretsManagerClient secrets = AwsClients.configure(
                SecretsManagerClient.builder(), aws.envFor(Map.of())).build()) {
            boolean stored = secrets.describeSecret(r -> r.secretId(secret)).name() != null;
            check("key rotated: a new active key, its secret stored for the owner",
                    stored && keys.size() == 1 && keys.get(0).statusAsString()
                            .equals("Active"), secret);
        }
        checkReport(stack, id);
    }

    private void checkReport(Stack stack, String incidentId) {
        String bucket = stack.bucketName("EvidenceBucket");
        JsonNode report = Json.parse(new String(aws.s3.getObjectAsBytes(r -> r.bucket(bucket)
                .key("incidents/" + incidentId + "/report/report.json")).asByteArray(),
                StandardCharsets.UTF_8), "report.json");
        Map<String, String> phases = new LinkedHashMap<>();
        for (JsonNode phase : report.path("phases")) {
            phases.put(phase.path("phase").asText(), phase.path("startedAt").asText() + " .. "
                    + phase.path("finishedAt").asText("running"));
        }
        check("report lists every phase with its times",
                phases.keySet().containsAll(PHASES), phases.toString());
        check("report valid against schemas/incident-report.schema.json",
                new ReportSchema(root).violations(report).isEmpty(), "status "
                        + report.path("status").asText());
        Optional<String> status = Optional.ofNullable(aws.dynamoDb.getItem(r -> r
                .tableName(stack.tableName("IncidentTable")).consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(incidentId),
                        "entry", AttributeValue.fromS("incident")))).item().get("status"))
                .map(AttributeValue::s);
        check("incident closed", status.equals(Optional.of("CLOSED")), status.orElse("none"));
    }

    private Map<String, String> actionOutcomes(Stack stack, String incidentId) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        aws.dynamoDb.queryPaginator(r -> r.tableName(stack.tableName("IncidentTable"))
                .consistentRead(true)
                .keyConditionExpression("incidentId = :id AND begins_with(#e, :p)")
                .expressionAttributeNames(Map.of("#e", "entry"))
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(incidentId),
                        ":p", AttributeValue.fromS("action#")))).items()
                .forEach(item -> outcomes.merge(item.get("action").s(),
                        item.get("outcome").s(), (a, b) -> a.equals("DONE") ? a : b));
        return outcomes;
    }

    private void check(String name, boolean ok, String observed) {
        console.printf("  [%s] %s: %s%n", ok ? "ok" : "FAIL", name, observed);
        if (ok) {
            passed++;
        } else {
            failed.add(new Check(name, false, observed));
        }
    }
}

package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * Runs the drill: deploys template.yaml into the emulator, seeds a victim, sends a GuardDuty
 * instance finding and an IAM access key finding through EventBridge, waits for containment,
 * delivers the instance finding again, verifies everything from the emulator's own state (the
 * evidence re-hashed against its manifest, the report against its schema, the notifications
 * read from a queue subscribed to the topic), and prints a scorecard. Handler logs go to a file
 * beside the Markdown and JSON reports.
 */
public final class Drill {
    static final Map<String, String> PARAMETERS = Map.of("MinSeverity", "4", "DryRun", "false");
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final LocalAws aws;
    private final Path repositoryRoot;
    private final Path reports;
    private final PrintStream console;
    private final DrillReport report;
    private final ReportSchema schema;
    private final List<Path> incidentReports = new ArrayList<>();

    private Drill(LocalAws aws, Path repositoryRoot, Path reports, PrintStream console) {
        this.aws = aws;
        this.repositoryRoot = repositoryRoot;
        this.reports = reports;
        this.console = console;
        this.report = new DrillReport(System.getenv().getOrDefault("IR_EMULATOR", "emulator"),
                aws.endpoint(), PARAMETERS);
        this.schema = new ReportSchema(repositoryRoot);
    }

    public static void main(String[] args) throws IOException {
        List<String> words = new ArrayList<>(List.of(args));
        boolean lifecycle = words.remove("--lifecycle");
        boolean unattended = words.remove("--yes");
        Map<String, String> options = options(words.toArray(String[]::new));
        Path root = Path.of(options.getOrDefault("--repo", ".")).toAbsolutePath().normalize();
        Path reports = root.resolve(options.getOrDefault("--reports", "reports"));
        Files.createDirectories(reports);
        PrintStream console = System.out;
        boolean passed;
        try (PrintStream handlerLog = new PrintStream(
                new FileOutputStream(reports.resolve("drill-handlers.log").toFile()), true);
             LocalAws aws = new LocalAws(requireOption(options, "--endpoint"))) {
            System.setOut(handlerLog);
            passed = lifecycle
                    ? new LifecycleDrill(aws, root, console,
                            System.console() != null && !unattended).run()
                    : new Drill(aws, root, reports, console).run();
        } finally {
            System.setOut(console);
        }
        System.exit(passed ? 0 : 1);
    }

    private boolean run() throws IOException {
        Instant started = Instant.now();
        Stack stack = LocalDeployment.deploy(aws, Template.load(repositoryRoot), PARAMETERS);
        String machine = stack.stateMachineArn("ContainmentStateMachine");
        try (LocalWorker worker = LocalWorker.start(aws, stack)) {
            Victim victim = new VictimSeeder(aws, "victim").ensure("drill-user");
            SampleEvents samples = new SampleEvents(repositoryRoot);
            Triage triage = new Triage(Clock.systemUTC(), false);

            ObjectNode instanceFinding = SampleEvents.fresh(samples.load(
                    "guardduty-ec2-backdoor.json", victim.placeholders()));
            ObjectNode keyFinding = SampleEvents.fresh(samples.load(
                    "guardduty-iam-malicious-ip.json", victim.placeholders()));
            String notifications = EvidenceChecks.subscribeQueue(aws,
                    stack.topicArn("IncidentNotificationTopic"), "drill-notifications");
            Incident instanceIncident = triage.triage(Json.write(instanceFinding));
            Incident keyIncident = triage.triage(Json.write(keyFinding));
            Instant sent = Instant.now();
            SampleEvents.put(aws, instanceFinding);
            SampleEvents.put(aws, keyFinding);

            Executions executions = new Executions(aws);
            DescribeExecutionResponse instanceRun = executions.awaitFinished(
                    Executions.arn(machine, instanceIncident.incidentId()), WAIT);
            DescribeExecutionResponse keyRun = executions.awaitFinished(
                    Executions.arn(machine, keyIncident.incidentId()), WAIT);
            int snapshotsBefore = new EmulatorChecks(aws)
                    .snapshotsOf(instanceIncident.incidentId()).size();
            List<Check> repeat = deliverAgain(worker, executions, machine,
                    stack.tableName("IncidentTable"), instanceFinding, instanceIncident,
                    snapshotsBefore);

            EmulatorChecks checks = new EmulatorChecks(aws);
            String table = stack.tableName("IncidentTable");
            List<Check> instanceChecks = new ArrayList<>();
            instanceChecks.addAll(checks.volumesSnapshotted(instanceIncident.incidentId(),
                    victim.instanceId(), victim.volumeIds()));
            instanceChecks.addAll(checks.instanceIsolated(victim.instanceId()));
            instanceChecks.add(checks.incidentRecorded(table, instanceIncident.incidentId(),
                    "CONTAINED"));
            instanceChecks.add(historyCheck(executions, instanceRun, List.of(
                    "Begin containment", "Collect evidence", "Containment approval needed?",
                    "Adopt playbook", "Route by resource type", "Snapshot volumes",
                    "Isolate instance", "Subnet quarantine asked?", "Record containment",
                    "Write report",
                    "Route by outcome", "Contained")));
            List<Check> keyChecks = new ArrayList<>(List.of(
                    checks.accessKeyInactive(victim.userName(), victim.accessKeyId()),
                    checks.incidentRecorded(table, keyIncident.incidentId(), "CONTAINED"),
                    historyCheck(executions, keyRun, List.of("Begin containment",
                            "Collect evidence",
                            "Containment approval needed?", "Adopt playbook",
                            "Route by resource type", "Disable access key",
                            "Record containment", "Write report", "Route by outcome",
                            "Contained"))));
            EvidenceChecks evidence = new EvidenceChecks(aws,
                    stack.bucketName("EvidenceBucket"), table);
            instanceChecks.addAll(evidenceChecks(evidence, instanceIncident, instanceRun, sent,
                    notifications));
            keyChecks.addAll(evidenceChecks(evidence, keyIncident, keyRun, sent,
                    notifications));
            saveReport(evidence, instanceIncident);
            saveReport(evidence, keyIncident);

            report.addIncident(instanceIncident, instanceRun, sent, instanceChecks);
            report.addIncident(keyIncident, keyRun, sent, keyChecks);
            report.setRepeat(repeat);
        }
        report.finish(started, Instant.now());
        console.print(report.scorecard());
        report.write(reports);
        for (Path saved : incidentReports) {
            console.println("Post-incident report: " + repositoryRoot.relativize(saved)
                    + " (with report.json and timeline.svg beside it)");
        }
        console.println("Reports: " + repositoryRoot.relativize(reports.resolve("drill-report.md"))
                + ", " + repositoryRoot.relativize(reports.resolve("drill-report.json"))
                + "; handler logs: "
                + repositoryRoot.relativize(reports.resolve("drill-handlers.log")));
        return report.passed();
    }

    /**
     * Checks the incident's evidence, report and notifications. Notifications are checked only
     * for a run this drill started; an earlier drill's were read by that drill.
     */
    private List<Check> evidenceChecks(EvidenceChecks evidence, Incident incident,
            DescribeExecutionResponse run, Instant sent, String notificationQueue) {
        String id = incident.incidentId();
        List<Check> checks = new ArrayList<>(List.of(evidence.manifestComplete(id),
                evidence.evidenceVerified(id), evidence.reportValid(id, schema),
                evidence.timelineInOrder(id)));
        if (!run.startDate().isBefore(sent.minusSeconds(1))) {
            List<String> expected = List.of("OPENED", "CONTAINED", "CLOSED");
            List<String> kinds = EvidenceChecks.notificationKinds(aws, notificationQueue, id,
                    expected.size(), Duration.ofSeconds(10));
            checks.add(new Check("notifications delivered through SNS to a subscribed queue",
                    kinds.equals(expected), String.join(", ", kinds)));
        }
        return checks;
    }

    private void saveReport(EvidenceChecks evidence, Incident incident) throws IOException {
        List<Path> saved = evidence.saveReport(incident.incidentId(),
                reports.resolve(incident.incidentId()));
        incidentReports.add(saved.get(0));
    }

    /**
     * Delivers the instance finding again as GuardDuty does for a recurring finding (higher
     * count, later updatedAt) and checks that no second execution or snapshot appeared.
     */
    private List<Check> deliverAgain(LocalWorker worker, Executions executions, String machine,
            String table, ObjectNode finding, Incident incident, int snapshotsBefore) {
        ObjectNode again = finding.deepCopy();
        ObjectNode detail = (ObjectNode) again.path("detail");
        ((ObjectNode) detail.path("service")).put("count", 2);
        detail.put("updatedAt", Instant.now().toString());
        int triageRuns = worker.invocationCounts().get("TriageFunction");
        SampleEvents.put(aws, again);
        Instant deadline = Instant.now().plusSeconds(30);
        while (worker.invocationCounts().get("TriageFunction") == triageRuns
                && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        sleep(500);
        long runs = executions.countNamed(machine, incident.incidentId());
        int snapshots = new EmulatorChecks(aws).snapshotsOf(incident.incidentId()).size();
        String entry = "finding#" + incident.finding().id() + "#2";
        boolean joined = awaitEntry(table, incident.incidentId(), entry);
        return List.of(
                new Check("repeated finding joined the incident record", joined,
                        joined ? "entry " + entry : "no entry " + entry),
                new Check("repeat delivery triaged", worker.invocationCounts()
                        .get("TriageFunction") > triageRuns, "triage ran again"),
                new Check("one execution for the incident", runs == 1, runs + " executions"),
                new Check("no new snapshots", snapshots == snapshotsBefore,
                        snapshots + " snapshots (was " + snapshotsBefore + ")"));
    }

    /** Polls the incident table for an entry; triage writes it while handling the event. */
    private boolean awaitEntry(String table, String incidentId, String entry) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            boolean present = aws.dynamoDb.getItem(request -> request.tableName(table)
                    .consistentRead(true)
                    .key(Map.of("incidentId", AttributeValue.fromS(incidentId),
                            "entry", AttributeValue.fromS(entry)))).hasItem();
            if (present) {
                return true;
            }
            sleep(200);
        }
        return false;
    }

    private static Check historyCheck(Executions executions, DescribeExecutionResponse run,
            List<String> expected) {
        List<String> entered = executions.statesEntered(run.executionArn());
        return new Check("execution " + run.statusAsString() + " through the deployed states",
                entered.equals(expected) && "SUCCEEDED".equals(run.statusAsString()),
                String.join(" -> ", entered));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String requireOption(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required, e.g. " + name
                    + " http://127.0.0.1:5123 (scripts/drill passes it)");
        }
        return value;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonNode output(DescribeExecutionResponse run) {
        return run.output() == null ? Json.mapper().createObjectNode()
                : Json.parse(run.output(), "execution output");
    }
}

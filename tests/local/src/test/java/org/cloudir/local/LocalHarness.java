package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;

/**
 * Shares one deployment of template.yaml and one local worker among every integration test of a
 * JVM, started on first use against the emulator named by {@code -Dir.endpoint}. Tests never
 * share AWS resources: each seeds its own victim under a unique name.
 */
final class LocalHarness {
    /** The drill's parameters: a floor low enough for the medium key finding to count. */
    static final Map<String, String> PARAMETERS = Map.of("MinSeverity", "4", "DryRun", "false");
    static final String CONTAINMENT = "ContainmentStateMachine";
    static final String INCIDENT_TABLE = "IncidentTable";
    static final String TRIAGE_QUEUE = "TriageQueue";
    static final String TRIAGE_DEAD_LETTER_QUEUE = "TriageDeadLetterQueue";

    static final String BACKDOOR = "guardduty-ec2-backdoor.json";
    static final String MALICIOUS_IP = "guardduty-iam-malicious-ip.json";
    static final String SAMPLE = "guardduty-sample-finding.json";
    static final String KEY_QUARANTINE = "cloudtrail-key-quarantine.json";
    /** The made-up instance GuardDuty's sample findings name. */
    static final String SAMPLE_INSTANCE_ID = "i-99999999";

    /** Triage time for incidents built in-process; incident ids do not depend on it. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-16T15:00:00Z"), ZoneOffset.UTC);

    private static LocalHarness shared;
    private static RuntimeException startFailure;

    final Path root;
    final Template template;
    final LocalAws aws;
    final Stack stack;
    final LocalWorker worker;
    final SampleEvents samples;

    private LocalHarness(Path root, LocalAws aws) {
        this.root = root;
        this.template = Template.load(root);
        this.aws = aws;
        this.stack = LocalDeployment.deploy(aws, template, PARAMETERS);
        this.worker = LocalWorker.start(aws, stack);
        this.samples = new SampleEvents(root);
    }

    /** Returns the JVM's harness, deploying and starting the worker on the first call. */
    static synchronized LocalHarness get() {
        if (startFailure != null) {
            throw new IllegalStateException("the shared local deployment failed to start;"
                    + " the first test that used it shows why", startFailure);
        }
        if (shared == null) {
            try {
                shared = start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return shared;
    }

    private static LocalHarness start() {
        String endpoint = System.getProperty("ir.endpoint", "").trim();
        if (endpoint.isEmpty()) {
            throw new IllegalStateException("system property ir.endpoint is empty: run"
                    + " scripts/test, which starts the emulator and passes -Dir.endpoint");
        }
        Path root = repositoryRoot();
        redirectHandlerLogs(root);
        LocalAws aws = new LocalAws(endpoint);
        LocalHarness harness;
        try {
            harness = new LocalHarness(root, aws);
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            harness.worker.close();
            harness.aws.close();
        }, "local-harness-shutdown"));
        return harness;
    }

    /** Returns the victim of one test: its own VPC, instance, security group, user and key. */
    Victim newVictim() {
        String id = shortRandom();
        return new VictimSeeder(aws, "it-" + id).ensure("it-user-" + id);
    }

    /** Returns a sample event of {@code events/} pointed at the victim's resources. */
    ObjectNode event(String file, Victim victim) {
        return samples.load(file, victim.placeholders());
    }

    /**
     * Returns GuardDuty's sample finding pointed at the victim's instance instead of the
     * made-up one it names.
     */
    ObjectNode sampleFinding(Victim victim) {
        Map<String, String> placeholders = new HashMap<>(victim.placeholders());
        placeholders.put(SAMPLE_INSTANCE_ID, victim.instanceId());
        return samples.load(SAMPLE, placeholders);
    }

    String containmentArn() {
        return stack.stateMachineArn(CONTAINMENT);
    }

    String incidentTable() {
        return stack.tableName(INCIDENT_TABLE);
    }

    String executionArn(Incident incident) {
        return Executions.arn(containmentArn(), incident.incidentId());
    }

    /** Triages an event in-process, as the triage function would. */
    static Incident triage(JsonNode event, boolean dryRun) {
        return new Triage(CLOCK, dryRun).triage(Json.write(event));
    }

    /** Returns the input every action handler and task gets: {@code {"incident": ...}}. */
    static ObjectNode input(Incident incident) {
        ObjectNode input = Json.mapper().createObjectNode();
        input.set("incident", Json.mapper().valueToTree(incident));
        return input;
    }

    static String shortRandom() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /**
     * Sends handler logs (one JSON line per action) to a file beside the build output, as the
     * drill does, so test output stays readable. Handlers take System.out when created, so this
     * runs before the worker creates them.
     */
    private static void redirectHandlerLogs(Path root) {
        Path target = Path.of(System.getProperty("basedir",
                root.resolve("tests/local").toString())).resolve("target");
        try {
            Files.createDirectories(target);
            System.setOut(new PrintStream(new FileOutputStream(
                    target.resolve("it-handlers.log").toFile(), false), true,
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the handler log in " + target, e);
        }
    }

    private static Path repositoryRoot() {
        String configured = System.getProperty("ir.repo.root", "").trim();
        if (!configured.isEmpty() && Files.isRegularFile(Path.of(configured, "template.yaml"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml in " + start + " or above it; set"
                + " -Dir.repo.root to the repository root");
    }
}

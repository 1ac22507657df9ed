package org.cloudir.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.cloudir.local.FunctionSpec;
import org.cloudir.local.LocalAws;
import org.cloudir.local.LocalDeployment;
import org.cloudir.local.LocalWorker;
import org.cloudir.local.SampleEvents;
import org.cloudir.local.Stack;
import org.cloudir.local.Template;
import org.cloudir.local.Victim;
import org.cloudir.local.VictimSeeder;

/**
 * Runs every benchmark against the emulator in one process and prints one table of ratios,
 * each beside the two raw figures it divides; writes reports/bench.json and reports/bench.md.
 */
public final class Bench {
    /**
     * The deployment's parameters. The benchmark measures containment at machine speed, so it
     * lifts the hourly blast-radius limit (default 20): the storm alone contains 101 instances,
     * and with the default each one after the twentieth in an hour would wait at the approval
     * gate, by design.
     */
    static final Map<String, String> PARAMETERS = Map.of("MinSeverity", "4", "DryRun", "false",
            "BlastRadiusPerHour", "100000");
    private static final Map<String, String> JARS = Map.of(
            "TriageFunction", "triage",
            "SnapshotVolumesFunction", "snapshot-volumes",
            "IsolateInstanceFunction", "isolate-instance",
            "DisableAccessKeyFunction", "disable-access-key",
            "RecordIncidentFunction", "record-incident");

    private static final PrintStream CONSOLE = System.out;

    private final LocalAws aws;
    private final Path root;
    private final Path work;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();

    private Bench(LocalAws aws, Path root, Path work) {
        this.aws = aws;
        this.root = root;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path root = Path.of(options.getOrDefault("--repo", ".")).toAbsolutePath().normalize();
        Path work = root.resolve("tests/bench/target/bench-work");
        Files.createDirectories(work);
        String endpoint = options.get("--endpoint");
        if (endpoint == null) {
            throw new IllegalArgumentException("--endpoint is required, e.g. --endpoint"
                    + " http://127.0.0.1:5600 (scripts/bench passes it)");
        }
        List<String> only = Arrays.asList(options.getOrDefault("--only",
                "size,cold,overhead,storm,jmh").split(","));
        Path reports = root.resolve("reports");
        Files.createDirectories(reports);
        // Handlers log JSON lines to standard output: keep them in a file, the table on screen.
        try (PrintStream handlerLog = new PrintStream(Files.newOutputStream(
                reports.resolve("bench-handlers.log")), true);
             LocalAws aws = new LocalAws(endpoint)) {
            System.setOut(handlerLog);
            new Bench(aws, root, work).run(only);
        } finally {
            System.setOut(CONSOLE);
        }
        System.exit(0);
    }

    private void run(List<String> only) throws Exception {
        Instant started = Instant.now();
        CallCounter.mute();
        if (only.contains("size")) {
            section("size: function jars vs one shared jar");
            rows.addAll(Sizes.measure(root, work));
        }
        Stack stack = LocalDeployment.deploy(aws, Template.load(root), PARAMETERS);
        SampleEvents samples = new SampleEvents(root);
        if (only.contains("cold")) {
            section("cold start: fresh JVMs from the deployable jars");
            ColdStarts coldStarts = new ColdStarts(work);
            rows.addAll(coldStarts.measure(trivial(), subjects(stack, samples)));
            details.put("coldStart", coldStarts.details());
        }
        if (only.contains("overhead") || only.contains("storm")) {
            try (LocalWorker worker = LocalWorker.start(aws, stack)) {
                if (only.contains("overhead")) {
                    section("orchestration overhead and API economy");
                    Overhead overhead = new Overhead(aws, stack, samples);
                    rows.addAll(overhead.measure());
                    details.put("overhead", overhead.details());
                }
                if (only.contains("storm")) {
                    section("storm: 10, 100, 1000 deliveries");
                    List<Storm.Result> storms = new Storm(aws, stack, samples).runAll();
                    rows.addAll(Storm.rows(storms));
                    details.put("storm", storms);
                }
                CallCounter.mute();
            }
        }
        if (only.contains("jmh")) {
            section("triage throughput (JMH)");
            rows.addAll(Throughput.measure(root));
        }
        report(started);
    }

    private void report(Instant started) throws IOException {
        long seconds = Instant.now().getEpochSecond() - started.getEpochSecond();
        String machine = machine();
        String table = BenchTable.render(rows, Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + ", " + machine + ", bench took " + seconds + " s");
        CONSOLE.println();
        CONSOLE.print(table);
        Path reports = root.resolve("reports");
        Files.writeString(reports.resolve("bench.md"), table);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        json.put("machine", machine);
        json.put("jvm", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        json.put("seconds", seconds);
        json.put("rows", rows);
        json.put("details", details);
        Files.writeString(reports.resolve("bench.json"), Json.mapper().copy()
                .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        CONSOLE.println("Results: reports/bench.md, reports/bench.json; handler logs:"
                + " reports/bench-handlers.log");
    }

    private static String machine() {
        long bytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        return Runtime.getRuntime().availableProcessors() + " cores, "
                + Math.round(bytes / (1024.0 * 1024 * 1024)) + " GiB, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", Java " + System.getProperty("java.runtime.version");
    }

    private ColdStarts.Subject trivial() throws IOException {
        Path request = work.resolve("requests").resolve("trivial.json");
        Files.createDirectories(request.getParent());
        Files.writeString(request, "{\"ping\":true}");
        String lambdaCore = Arrays.stream(System.getProperty("java.class.path")
                        .split(File.pathSeparator))
                .filter(entry -> entry.contains("aws-lambda-java-core"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("aws-lambda-java-core is not on"
                        + " the classpath"));
        return new ColdStarts.Subject(ColdStarts.TRIVIAL,
                "org.cloudir.bench.ColdStart$TrivialHandler",
                ColdStarts.driverJar(work) + File.pathSeparator + lambdaCore, request,
                "stream", Map.of());
    }

    /** Builds each function's cold-start subject: its jar, environment and a dry-run request. */
    private List<ColdStarts.Subject> subjects(Stack stack, SampleEvents samples)
            throws IOException {
        Victim victim = new VictimSeeder(aws, "bench-cold").ensure("bench-cold-user");
        Triage dryRun = new Triage(Clock.systemUTC(), true);
        Incident instance = dryRun.triage(Json.write(samples.load("guardduty-ec2-backdoor.json",
                victim.placeholders())));
        Incident key = dryRun.triage(Json.write(samples.load("guardduty-iam-malicious-ip.json",
                victim.placeholders())));
        Map<String, String> requests = Map.of(
                "TriageFunction", Json.write(samples.load("guardduty-sample-finding.json",
                        victim.placeholders())),
                "SnapshotVolumesFunction", incidentRequest(instance),
                "IsolateInstanceFunction", incidentRequest(instance),
                "DisableAccessKeyFunction", incidentRequest(key),
                "RecordIncidentFunction", incidentRequest(instance));
        Path driver = ColdStarts.driverJar(work);
        List<ColdStarts.Subject> subjects = new ArrayList<>();
        for (FunctionSpec function : stack.functions().values()) {
            String name = JARS.get(function.logicalId());
            if (name == null || !requests.containsKey(function.logicalId())) {
                // Functions without a representative request here are not cold-started.
                continue;
            }
            Path jar = root.resolve("functions").resolve(name).resolve("target")
                    .resolve(name + "-lambda.jar");
            Path request = work.resolve("requests").resolve(name + ".json");
            Files.writeString(request, requests.get(function.logicalId()));
            Map<String, String> environment = new HashMap<>(
                    aws.envFor(function.environment()).variables());
            environment.remove("JAVA_TOOL_OPTIONS");
            environment.put("AWS_EC2_METADATA_DISABLED", "true");
            subjects.add(new ColdStarts.Subject(name, function.handlerClass(),
                    jar + File.pathSeparator + driver, request,
                    "TriageFunction".equals(function.logicalId()) ? "sqs" : "stream",
                    environment));
        }
        return subjects;
    }

    private static String incidentRequest(Incident incident) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.set("incident", Json.mapper().valueToTree(incident));
        return Json.write(request);
    }

    private static void section(String title) {
        CONSOLE.println("== " + title + " (" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + ")");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

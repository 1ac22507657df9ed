package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Optional;
import org.cloudir.core.Json;
import org.cloudir.core.ResponderException;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.lifecycle.internal.PendingApproval;

/**
 * The responder's command line on the local emulator: starts any phase machine by hand, lists
 * an incident's pending approvals and answers them. Locally it also runs the task worker while
 * a run goes on, and returns when the run ends or stops at an approval gate.
 *
 * <pre>
 * ir start PHASE (--incident ID | --finding FILE | --input FILE | --instance ID
 *                | --user NAME [--access-key ID])
 *          [--dry-run] [--severity N] [--name RUN] [--approval-timeout SECONDS]
 * ir pending INCIDENT
 * ir approve INCIDENT [--gate GATE] --by NAME [--reason TEXT]
 * ir reject INCIDENT [--gate GATE] --by NAME --reason TEXT
 * </pre>
 */
public final class ResponderCli {
    private static final Duration FOLLOW = Duration.ofSeconds(180);

    private final PrintStream out;
    private final ManualRuns runs;
    private final Clock clock;

    private ResponderCli(PrintStream out, ManualRuns runs, Clock clock) {
        this.out = out;
        this.runs = runs;
        this.clock = clock;
    }

    public static void main(String[] args) throws IOException {
        PrintStream console = System.out;
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + " (see scripts/ir for the usage)");
            System.exit(2);
            return;
        }
        Path root = Path.of(arguments.option("--repo").orElse(".")).toAbsolutePath();
        Path log = root.resolve("reports").resolve("ir-handlers.log");
        Files.createDirectories(log.getParent());
        int status;
        try (PrintStream handlerLog = new PrintStream(Files.newOutputStream(log,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND), true);
             LocalAws aws = new LocalAws(arguments.required("--endpoint"))) {
            System.setOut(handlerLog);
            Stack stack = LocalDeployment.deploy(aws, Template.load(root), Drill.PARAMETERS);
            try (LocalWorker worker = LocalWorker.start(aws, stack, false)) {
                Clock clock = Clock.systemUTC();
                status = new ResponderCli(console, new ManualRuns(aws, stack, clock), clock)
                        .run(arguments, root);
            }
        } catch (ResponderException | IllegalArgumentException | IllegalStateException e) {
            System.setOut(console);
            System.err.println("error: " + e.getMessage());
            status = 2;
        } catch (IOException | java.io.UncheckedIOException e) {
            System.setOut(console);
            System.err.println("error: cannot read " + e.getMessage());
            status = 2;
        } finally {
            System.setOut(console);
        }
        System.exit(status);
    }

    private int run(Arguments arguments, Path root) throws IOException {
        String command = arguments.positional(0, "command (start, pending, approve, reject)");
        return switch (command) {
            case "start" -> start(arguments, root);
            case "pending" -> pending(arguments.positional(1, "incident id"));
            case "approve", "reject" -> decide(command, arguments);
            default -> throw new IllegalArgumentException("unknown command '" + command
                    + "'; use start, pending, approve or reject");
        };
    }

    private int start(Arguments arguments, Path root) throws IOException {
        String phase = arguments.positional(1, "phase");
        boolean dryRun = arguments.flag("--dry-run");
        ObjectNode input = input(arguments, root, dryRun);
        arguments.option("--approval-timeout").ifPresent(seconds -> input.putObject("options")
                .put("approvalTimeoutSeconds", (int) number("--approval-timeout", seconds)));
        String incidentId = input.path("incident").path("incidentId").asText("manual");
        String name = arguments.option("--name").orElse(
                (incidentId + "-" + phase + "-" + clock.millis()).replaceAll("[^A-Za-z0-9_-]",
                        "-"));
        if (name.length() > 80) {
            name = name.substring(name.length() - 80);
        }
        Instant since = clock.instant();
        String executionArn = runs.start(phase, name, input);
        out.println("started " + phase + " run " + name + " for incident " + incidentId);
        return report(runs.follow(executionArn, incidentId, since, FOLLOW), incidentId);
    }

    private ObjectNode input(Arguments arguments, Path root, boolean dryRun) throws IOException {
        Optional<String> finding = arguments.option("--finding");
        if (finding.isPresent()) {
            return ManualRuns.inputFromFinding(Json.parse(read(root, finding.get()),
                    finding.get()), dryRun, clock);
        }
        Optional<String> incident = arguments.option("--incident");
        if (incident.isPresent()) {
            return runs.inputOfIncident(incident.get());
        }
        Optional<String> raw = arguments.option("--input");
        if (raw.isPresent()) {
            JsonNode parsed = Json.parse(read(root, raw.get()), raw.get());
            if (!parsed.isObject()) {
                throw new IllegalArgumentException(raw.get() + " holds no JSON object");
            }
            return (ObjectNode) parsed;
        }
        double severity = number("--severity", arguments.option("--severity").orElse("8"));
        Optional<String> instance = arguments.option("--instance");
        if (instance.isPresent()) {
            return ManualRuns.inputForResource(ResourceRef.instance(instance.get()), dryRun,
                    severity, clock);
        }
        Optional<String> user = arguments.option("--user");
        if (user.isPresent()) {
            return ManualRuns.inputForResource(ResourceRef.accessKey(
                    arguments.option("--access-key").orElse(null), user.get()), dryRun,
                    severity, clock);
        }
        throw new IllegalArgumentException("say what the run is about: --incident ID, --finding"
                + " FILE, --input FILE, --instance ID, or --user NAME [--access-key ID]");
    }

    private int pending(String incidentId) {
        List<PendingApproval> approvals = runs.approvals().list(incidentId);
        if (approvals.isEmpty()) {
            out.println("incident " + incidentId + " has no approval gates");
            return 0;
        }
        for (PendingApproval approval : approvals) {
            out.printf("%-10s %-12s %-9s requested %s, waits until %s%s%n  %s%n",
                    approval.gate(), approval.phase(), approval.status(),
                    approval.requestedAt(), approval.expiresAt(),
                    approval.decidedBy().map(by -> ", decided by " + by).orElse(""),
                    approval.proposal());
        }
        return 0;
    }

    private int decide(String command, Arguments arguments) {
        String incidentId = arguments.positional(1, "incident id");
        Optional<String> gate = arguments.option("--gate");
        String by = arguments.required("--by");
        String reason = command.equals("reject") ? arguments.required("--reason")
                : arguments.option("--reason").orElse("approved");
        Instant since = clock.instant();
        PendingApproval decided = command.equals("approve")
                ? runs.approvals().approve(incidentId, gate, by, reason)
                : runs.approvals().reject(incidentId, gate, by, reason);
        out.println((command.equals("approve") ? "approved " : "rejected ") + decided.gate()
                + " gate of incident " + incidentId + " (run " + decided.run() + ")");
        String executionArn = runs.topRunOf(decided.run(), decided.phase());
        return report(runs.follow(executionArn, incidentId, since, FOLLOW), incidentId);
    }

    private int report(ManualRuns.Progress progress, String incidentId) {
        out.println("  states: " + String.join(" -> ", progress.states()));
        if (progress.waiting()) {
            PendingApproval gate = progress.gate().get();
            out.println("  waiting for approval of the " + gate.gate() + " gate: "
                    + gate.proposal());
            out.println("  answer with: scripts/ir approve " + incidentId + " --gate "
                    + gate.gate() + " --by <name>   (or reject ... --reason <why>)");
            return 0;
        }
        out.println("  run " + progress.status());
        if (!progress.status().equals("SUCCEEDED")) {
            out.println("  error: " + progress.error() + ": " + progress.cause());
            return 1;
        }
        return 0;
    }

    private static double number(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'",
                    e);
        }
    }

    private static String read(Path root, String file) throws IOException {
        Path path = Path.of(file);
        return Files.readString(path.isAbsolute() || Files.exists(path) ? path
                : root.resolve(file));
    }

    /** Splits the command line into positional words, {@code --name value} options and flags. */
    record Arguments(List<String> positional, Map<String, String> options) {
        private static final List<String> FLAGS = List.of("--dry-run");

        private static final List<String> OPTIONS = List.of("--endpoint", "--repo",
                "--incident", "--finding", "--input", "--instance", "--user", "--access-key",
                "--severity", "--name", "--approval-timeout", "--gate", "--by", "--reason");

        static Arguments parse(String[] args) {
            List<String> positional = new ArrayList<>();
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (FLAGS.contains(args[i])) {
                    options.put(args[i], "true");
                } else if (args[i].startsWith("--")) {
                    if (!OPTIONS.contains(args[i])) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new IllegalArgumentException(args[i] + " needs a value");
                    }
                    options.put(args[i], args[++i]);
                } else {
                    positional.add(args[i]);
                }
            }
            return new Arguments(positional, options);
        }

        String positional(int index, String what) {
            if (index >= positional.size()) {
                throw new IllegalArgumentException("missing " + what);
            }
            return positional.get(index);
        }

        Optional<String> option(String name) {
            return Optional.ofNullable(options.get(name));
        }

        String required(String name) {
            return option(name).orElseThrow(() -> new IllegalArgumentException(name
                    + " is required"));
        }

        boolean flag(String name) {
            return options.containsKey(name);
        }
    }
}

package org.cloudir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.cloudir.core.Json;

/**
 * Starts fresh JVMs that answer one request each, from each function's deployable jar, and
 * compares them with a fresh JVM answering a trivial handler under the same flags. The time
 * is taken by this process from starting the child to reading its answer: JVM start, class
 * loading, client setup, the first request against the emulator and its round trips.
 */
final class ColdStarts {
    static final double GOAL = 1.5;
    static final String TRIVIAL = "trivial";
    private static final int REPETITIONS = 3;

    /** One JVM configuration tried. */
    record Config(String name, List<String> flags, boolean appCds) {
    }

    /** One subject: a handler class on a classpath, with its request. */
    record Subject(String name, String handlerClass, String classpath, Path request,
            String mode, Map<String, String> environment) {
    }

    /** One child JVM's figures. */
    record Run(long wallMs, long mainAtMs, long constructMs, long firstRequestMs,
            long classesLoaded) {
    }

    static final List<Config> CONFIGS = List.of(
            new Config("JDK defaults", List.of(), false),
            new Config("C1 only (template default)",
                    List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"), false),
            new Config("C1 + AppCDS", List.of("-XX:+TieredCompilation",
                    "-XX:TieredStopAtLevel=1"), true));

    private final Path java;
    private final Path work;
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final Set<String> trained = new HashSet<>();

    ColdStarts(Path work) {
        this.java = Path.of(System.getProperty("java.home"), "bin", "java");
        this.work = work;
    }

    Map<String, Object> details() {
        return details;
    }

    /**
     * Writes the driver classes into their own jar, so a child sees only them and a function's
     * jar (a jar, not a folder: class-data sharing archives only classes from jars).
     */
    static Path driverJar(Path work) throws IOException {
        Path jar = work.resolve("cold-start-driver.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("ColdStart", "ColdStart$SqsInvoker",
                    "ColdStart$TrivialHandler")) {
                out.putNextEntry(new JarEntry("org/cloudir/bench/" + name + ".class"));
                try (InputStream in = ColdStart.class.getResourceAsStream(name + ".class")) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    List<Row> measure(Subject trivial, List<Subject> functions) throws IOException {
        List<Row> rows = new ArrayList<>();
        Map<String, Double> totals = new LinkedHashMap<>();
        // One discarded run each first, so the first configuration does not pay for reading
        // the jars into the page cache.
        run(List.of(), trivial, false);
        for (Subject function : functions) {
            run(List.of(), function, false);
        }
        Map<String, Run> c1 = new LinkedHashMap<>();
        for (Config config : CONFIGS) {
            Map<String, Object> perConfig = new LinkedHashMap<>();
            perConfig.put("flags", config.flags());
            Run base = median(config, trivial, false);
            perConfig.put(TRIVIAL, base);
            double total = 0;
            for (Subject function : functions) {
                Run run = median(config, function, false);
                perConfig.put(function.name(), run);
                if (config == CONFIGS.get(1)) {
                    c1.put(function.name(), run);
                }
                total += run.wallMs();
                rows.add(Row.of("cold start, " + config.name(), function.name(),
                        run.wallMs(), base.wallMs(), "ms", GOAL, String.format(
                                "classes %,d vs %,d; handler created at %d ms, first request"
                                        + " %d ms; JVM up at %d ms (trivial: %d, %d, %d ms)",
                                run.classesLoaded(), base.classesLoaded(),
                                run.mainAtMs() + run.constructMs(), run.firstRequestMs(),
                                run.mainAtMs(), base.mainAtMs() + base.constructMs(),
                                base.firstRequestMs(), base.mainAtMs())));
            }
            totals.put(config.name(), total);
            details.put(config.name(), perConfig);
        }
        details.put("sumOfFunctionMedians", totals);
        rows.addAll(primed(functions, c1));
        return rows;
    }

    /**
     * Times the first real request after a priming request in the same JVM, as SnapStart
     * restores a snapshot taken after priming; the restore itself cannot be measured here.
     */
    private List<Row> primed(List<Subject> functions, Map<String, Run> unprimed)
            throws IOException {
        Config c1 = CONFIGS.get(1);
        List<Row> rows = new ArrayList<>();
        Map<String, Object> perFunction = new LinkedHashMap<>();
        for (Subject function : functions) {
            Run cold = unprimed.get(function.name());
            Run primed = median(c1, function, true);
            perFunction.put(function.name(), primed);
            rows.add(Row.of("first request after priming (SnapStart)", function.name(),
                    primed.firstRequestMs(), cold.firstRequestMs(), "ms", 0,
                    "request time only, primed vs unprimed, C1; SnapStart restore time not"
                            + " measurable locally"));
        }
        details.put("primed", perFunction);
        return rows;
    }

    private Run median(Config config, Subject subject, boolean prime) throws IOException {
        List<String> flags = new ArrayList<>(config.flags());
        if (config.appCds()) {
            Path archive = work.resolve("cds").resolve(subject.name() + ".jsa");
            Files.createDirectories(archive.getParent());
            // Trained afresh in every run: the JVM silently ignores an archive made from jars
            // that have been rebuilt since, which would time a run without it.
            if (trained.add(subject.name())) {
                Files.deleteIfExists(archive);
                List<String> training = new ArrayList<>(flags);
                training.add("-XX:ArchiveClassesAtExit=" + archive);
                run(training, subject, false);
            }
            flags.add("-XX:SharedArchiveFile=" + archive);
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < REPETITIONS; i++) {
            runs.add(run(flags, subject, prime));
        }
        runs.sort((a, b) -> Long.compare(a.wallMs(), b.wallMs()));
        return runs.get(runs.size() / 2);
    }

    private Run run(List<String> flags, Subject subject, boolean prime) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(flags);
        command.addAll(List.of("-cp", subject.classpath(), "org.cloudir.bench.ColdStart",
                subject.handlerClass(), subject.request().toString(), subject.mode()));
        if (prime) {
            command.add("prime");
        }
        Path errors = work.resolve("logs").resolve(subject.name() + ".stderr");
        Files.createDirectories(errors.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(errors.toFile()));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(subject.environment());
        long started = System.nanoTime();
        Process process = builder.start();
        String result = null;
        long wallMs = 0;
        StringBuilder output = new StringBuilder();
        // Read to the end: a child whose output is closed early fails writing its exit logs.
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (result == null && line.startsWith("{\"mainAtMs\"")) {
                    wallMs = (System.nanoTime() - started) / 1_000_000;
                    result = line;
                } else if (result == null) {
                    output.append(line).append('\n');
                }
            }
        }
        waitFor(process);
        if (result == null || process.exitValue() != 0) {
            throw new IllegalStateException(subject.name() + " did not answer from "
                    + subject.classpath() + " (exit " + process.exitValue() + "): " + output
                    + Files.readString(errors));
        }
        JsonNode figures = Json.parse(result, "cold start result");
        return new Run(wallMs, figures.path("mainAtMs").asLong(),
                figures.path("constructMs").asLong(), figures.path("firstRequestMs").asLong(),
                figures.path("classesLoaded").asLong());
    }

    private static void waitFor(Process process) {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.cloudir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.cloudir.core.model.Incident;
import org.cloudir.core.triage.Triage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parses and classifies the valid sample events of events/ in turn, one finding per
 * operation, so operations per second are findings per second on one thread (one core).
 */
@State(Scope.Thread)
public class TriageBenchmark {
    static final String EVENTS_PROPERTY = "ir.events";

    private String[] events;
    private Triage triage;
    private int next;

    @Setup
    public void load() throws IOException {
        Path folder = Path.of(System.getProperty(EVENTS_PROPERTY, "events"));
        events = samples(folder).toArray(String[]::new);
        triage = new Triage(Clock.fixed(Instant.parse("2025-03-14T10:00:00Z"), ZoneOffset.UTC),
                false);
    }

    /** Returns the texts of the sample events in a folder (not its invalid/ near misses). */
    static List<String> samples(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".json"))
                    .filter(file -> file.getFileName().toString().startsWith("guardduty-")
                            || file.getFileName().toString().startsWith("cloudtrail-"))
                    .sorted()
                    .map(TriageBenchmark::read).toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    @Benchmark
    public Incident triageOneFinding() {
        String event = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        return triage.triage(event);
    }
}

package org.cloudir.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the triage JMH benchmark in one forked JVM on one thread, with the GC profiler. */
final class Throughput {
    private Throughput() {
    }

    static List<Row> measure(Path root) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(TriageBenchmark.class.getName())
                .forks(1)
                .threads(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(1))
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend("-D" + TriageBenchmark.EVENTS_PROPERTY + "="
                        + root.resolve("events"), "-Xmx512m")
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        RunResult run = results.iterator().next();
        Result<?> primary = run.getPrimaryResult();
        double perSecond = primary.getScore();
        double error = primary.getScoreError();
        Result<?> allocation = run.getSecondaryResults().get("gc.alloc.rate.norm");
        double bytes = allocation == null ? Double.NaN : allocation.getScore();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("triage throughput (JMH)", "findings / s / core", perSecond,
                Row.format(perSecond) + " findings/s", "1 core", "", null,
                "+/- " + Row.format(error) + " (99.9%), " + (error / perSecond > 0.1
                        ? "noisy" : "stable") + "; 4 samples of events/ in turn"));
        rows.add(new Row("triage allocation (JMH gc)", "bytes / finding", bytes,
                Row.format(bytes) + " B", "1 finding", "", null, "gc.alloc.rate.norm"));
        return rows;
    }
}

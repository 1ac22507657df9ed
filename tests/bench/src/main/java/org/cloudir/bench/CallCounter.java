package org.cloudir.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS call made in this JVM by service and operation. The SDK registers it on
 * every client through the classpath file software/amazon/awssdk/global/handlers/
 * execution.interceptors, so handlers count their calls with no change to their code. Calls
 * the benchmark makes itself to observe the emulator run on muted threads and are not counted.
 * It also adds up how long each operation took, from the SDK's first step to its last, so the
 * benchmark can tell the emulator's answer times from the time spent around the calls.
 */
public final class CallCounter implements ExecutionInterceptor {
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> NANOS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);
    private static final ExecutionAttribute<Long> STARTED =
            new ExecutionAttribute<>("org.cloudir.bench.CallCounter.started");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (MUTED.get()) {
            return;
        }
        CALLS.computeIfAbsent(key(attributes), ignored -> new AtomicInteger())
                .incrementAndGet();
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        addTime(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context,
            ExecutionAttributes attributes) {
        addTime(attributes);
    }

    private static void addTime(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        if (started != null) {
            NANOS.computeIfAbsent(key(attributes), ignored -> new AtomicLong())
                    .addAndGet(System.nanoTime() - started);
        }
    }

    private static String key(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    /** Stops counting the calls this thread makes (the benchmark's own observation). */
    public static void mute() {
        MUTED.set(true);
    }

    public static void unmute() {
        MUTED.set(false);
    }

    public static void reset() {
        CALLS.clear();
        NANOS.clear();
    }

    /**
     * Returns the mean time per call in milliseconds since the last reset, "Service:Operation"
     * to mean, sorted; long polls included, so a ReceiveMessage mean is mostly waiting.
     */
    public static Map<String, Double> meanMillis() {
        Map<String, Double> means = new TreeMap<>();
        NANOS.forEach((key, nanos) -> {
            AtomicInteger count = CALLS.get(key);
            if (count != null && count.get() > 0) {
                means.put(key, Math.round(nanos.get() / 1e5 / count.get()) / 10.0);
            }
        });
        return means;
    }

    /** Returns the calls counted since the last reset, "Service:Operation" to count, sorted. */
    public static Map<String, Integer> snapshot() {
        Map<String, Integer> counts = new TreeMap<>();
        CALLS.forEach((key, count) -> counts.put(key, count.get()));
        return counts;
    }

    /** Returns the total of the counted calls, leaving out SQS polling (idle by nature). */
    public static int total(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .filter(entry -> !entry.getKey().endsWith(":ReceiveMessage"))
                .mapToInt(Map.Entry::getValue).sum();
    }
}

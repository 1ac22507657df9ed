package org.cloudir.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS call made in this JVM by service and operation. The SDK registers it on
 * every client through the classpath file software/amazon/awssdk/global/handlers/
 * execution.interceptors, so handlers count their calls with no change to their code. Calls
 * the benchmark makes itself to observe the emulator run on muted threads and are not counted.
 */
public final class CallCounter implements ExecutionInterceptor {
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (MUTED.get()) {
            return;
        }
        String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        CALLS.computeIfAbsent(key, ignored -> new AtomicInteger()).incrementAndGet();
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

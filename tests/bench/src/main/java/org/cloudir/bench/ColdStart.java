package org.cloudir.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs in a fresh JVM whose classpath is one function's deployable jar: creates the handler as
 * Lambda does (no-argument constructor, clients built from the environment), answers one
 * request against the emulator, and prints one JSON line with its timings and class count.
 * With "prime", it first answers the request once and times the second answer, as a function
 * primed before a SnapStart checkpoint answers its first request after restore.
 *
 * <p>Arguments: handler class, request file, "stream" or "sqs", and optionally "prime".
 */
public final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        long mainNanos = System.nanoTime();
        boolean prime = args.length > 3 && "prime".equals(args[3]);
        byte[] request = Files.readAllBytes(Path.of(args[1]));

        Object handler = Class.forName(args[0]).getConstructor().newInstance();
        long constructed = System.nanoTime();
        String response = invoke(handler, request, args[2]);
        long answered = System.nanoTime();
        if (prime) {
            constructed = System.nanoTime();
            response = invoke(handler, request, args[2]);
            answered = System.nanoTime();
        }

        long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        long sinceMainMs = (System.nanoTime() - mainNanos) / 1_000_000;
        System.out.println("{\"mainAtMs\":" + (uptimeMs - sinceMainMs)
                + ",\"constructMs\":" + (constructed - mainNanos) / 1_000_000
                + ",\"firstRequestMs\":" + (answered - constructed) / 1_000_000
                + ",\"classesLoaded\":"
                + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount()
                + ",\"responseBytes\":" + response.length() + "}");
        System.out.flush();
        System.exit(0);
    }

    private static String invoke(Object handler, byte[] request, String mode) throws Exception {
        if ("sqs".equals(mode)) {
            return SqsInvoker.invoke(handler, new String(request, StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ((RequestStreamHandler) handler).handleRequest(new ByteArrayInputStream(request), output,
                null);
        return output.toString(StandardCharsets.UTF_8);
    }

    /** Kept apart so the SQS event classes load only for the function that takes them. */
    private static final class SqsInvoker {
        @SuppressWarnings("unchecked")
        static String invoke(Object handler, String body) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId("cold-start-1");
            message.setBody(body);
            message.setEventSource("aws:sqs");
            SQSEvent event = new SQSEvent();
            event.setRecords(List.of(message));
            SQSBatchResponse response = ((RequestHandler<SQSEvent, SQSBatchResponse>) handler)
                    .handleRequest(event, null);
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("the handler reported the message as failed;"
                        + " see its log above");
            }
            return String.valueOf(response);
        }
    }

    /** Answers with its input: the trivial function every cold start is compared with. */
    public static final class TrivialHandler implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context)
                throws IOException {
            input.transferTo(output);
        }
    }
}

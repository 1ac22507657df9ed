package org.cloudir.local;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every request a client sends and, on request, fails chosen operations before they
 * are sent with a throttling or server error, the faults the emulator cannot produce. A failed
 * attempt never reaches the emulator, so what the emulator holds shows what really happened.
 */
final class RecordingInterceptor implements ExecutionInterceptor {
    /** One request as sent: its operation name and the SDK request object. */
    record Sent(String operation, SdkRequest request) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<String> injected = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> faultsLeft = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();

    /** The injected error: an EC2-style throttling code or an HTTP 500. */
    enum Fault {
        THROTTLING(400, "RequestLimitExceeded"),
        THROTTLING_QUERY(400, "Throttling"),
        SERVER_ERROR(500, "InternalError");

        private final int status;
        private final String code;

        Fault(int status, String code) {
            this.status = status;
            this.code = code;
        }
    }

    /** Fails the next {@code times} attempts of the operation with the fault. */
    RecordingInterceptor failNext(String operation, int times, Fault fault) {
        faultsLeft.put(operation, new AtomicInteger(times));
        faults.put(operation, fault);
        return this;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context,
            ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        AtomicInteger left = faultsLeft.get(operation);
        if (left != null && left.getAndDecrement() > 0) {
            Fault fault = faults.get(operation);
            injected.add(operation);
            throw AwsServiceException.builder()
                    .statusCode(fault.status)
                    .message("injected " + fault.code + " for " + operation)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(fault.code)
                            .errorMessage("injected by the fault-injection test").build())
                    .build();
        }
        sent.add(new Sent(operation, context.request()));
    }

    /** Returns the requests that reached the emulator, in order. */
    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Returns how many requests of the operation reached the emulator. */
    long sentCount(String operation) {
        return sent.stream().filter(request -> request.operation().equals(operation)).count();
    }

    /** Returns the operations of the attempts that were failed before sending. */
    List<String> injected() {
        return List.copyOf(injected);
    }

    List<SdkRequest> requestsOf(String operation) {
        return sent.stream().filter(request -> request.operation().equals(operation))
                .map(Sent::request).toList();
    }
}

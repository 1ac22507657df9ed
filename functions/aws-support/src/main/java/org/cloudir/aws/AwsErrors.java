package org.cloudir.aws;

import java.util.function.Supplier;
import org.cloudir.core.TransientAwsException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Classifies SDK failures so the state machine retries only what is worth retrying. */
public final class AwsErrors {
    private AwsErrors() {
    }

    /** Runs one AWS call, classifying its failure with {@link #classify}. */
    public static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw classify(e, operation);
        }
    }

    /** Runs one AWS call whose response is not needed. */
    public static void run(String operation, Runnable call) {
        try {
            call.run();
        } catch (SdkException e) {
            throw classify(e, operation);
        }
    }

    /**
     * Returns a {@link TransientAwsException} for throttling, 5xx and connection failures that
     * the SDK's own retries did not overcome, or the original exception for everything else.
     */
    public static RuntimeException classify(SdkException e, String operation) {
        if (isTransient(e)) {
            return new TransientAwsException(operation + " failed transiently after the SDK's"
                    + " retries: " + e.getMessage(), e);
        }
        return e;
    }

    public static boolean isTransient(SdkException e) {
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return e instanceof SdkClientException;
    }

    /** Returns the AWS error code of a service exception, or an empty string. */
    public static String code(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            return code == null ? "" : code;
        }
        return "";
    }
}

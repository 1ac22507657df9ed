package org.cloudir.prepare.internal;

import org.cloudir.aws.AwsErrors;
import org.cloudir.core.ResponderException;
import org.cloudir.core.readiness.ReadinessCheck;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns a failed look into an UNKNOWN check that says what could not be read and why. */
final class Failures {
    private Failures() {
    }

    static ReadinessCheck unknown(String name, String what, RuntimeException e) {
        String code = e instanceof SdkException sdk ? AwsErrors.code(sdk) : "";
        String hint = e instanceof SdkException sdk && AwsErrors.isTransient(sdk)
                || e instanceof ResponderException ? "; try again later" : "";
        return ReadinessCheck.unknown(name, "could not read " + what + ": "
                + (code.isBlank() ? e.getClass().getSimpleName() : code) + ": " + e.getMessage()
                + hint);
    }
}

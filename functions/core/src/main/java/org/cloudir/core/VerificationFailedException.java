package org.cloudir.core;

/** Signals that an action ran but re-reading the resource did not show its effect. */
public final class VerificationFailedException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public VerificationFailedException(String message) {
        super(message);
    }

    public VerificationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

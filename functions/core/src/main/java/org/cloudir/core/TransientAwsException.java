package org.cloudir.core;

/** Signals an AWS throttling or server error that is worth retrying later. */
public final class TransientAwsException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public TransientAwsException(String message) {
        super(message);
    }

    public TransientAwsException(String message, Throwable cause) {
        super(message, cause);
    }
}

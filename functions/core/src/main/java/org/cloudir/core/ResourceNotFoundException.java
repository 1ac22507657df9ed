package org.cloudir.core;

/** Signals that the resource named by a finding does not exist (or is not visible). */
public final class ResourceNotFoundException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public ResourceNotFoundException(String message) {
        super(message);
    }

    public ResourceNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

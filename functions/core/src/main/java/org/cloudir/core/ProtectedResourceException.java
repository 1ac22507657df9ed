package org.cloudir.core;

/** Signals that an action was refused because its resource is tagged ir:protected=true. */
public final class ProtectedResourceException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public ProtectedResourceException(String message) {
        super(message);
    }

    public ProtectedResourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.cloudir.core;

/** Signals an event or execution input that lacks a required field or holds an invalid value. */
public final class MalformedEventException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}

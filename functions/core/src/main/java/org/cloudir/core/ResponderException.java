package org.cloudir.core;

/**
 * Signals a condition the responder recognises; each subtype names one domain problem.
 *
 * <p>Step Functions sees a Java handler's error by the exception's fully qualified class name,
 * so the state machines' Retry and Catch clauses match these class names.
 */
public abstract class ResponderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected ResponderException(String message) {
        super(message);
    }

    protected ResponderException(String message, Throwable cause) {
        super(message, cause);
    }
}

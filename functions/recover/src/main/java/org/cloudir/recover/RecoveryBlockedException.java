package org.cloudir.recover;

import org.cloudir.core.ResponderException;

/**
 * Signals that recovery found the resource in a state its record does not explain (a secret
 * it did not write, a user already holding two keys), so a person must decide before it goes on.
 */
public final class RecoveryBlockedException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public RecoveryBlockedException(String message) {
        super(message);
    }

    public RecoveryBlockedException(String message, Throwable cause) {
        super(message, cause);
    }
}

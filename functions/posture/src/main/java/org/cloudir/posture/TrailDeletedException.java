package org.cloudir.posture;

import org.cloudir.core.ResponderException;

/**
 * Signals that the trail whose logging must be restored was deleted: a deleted trail cannot be
 * brought back automatically, so a person must recreate it. The state machine routes this
 * class name to a notification instead of a retry.
 */
public final class TrailDeletedException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public TrailDeletedException(String message) {
        super(message);
    }

    public TrailDeletedException(String message, Throwable cause) {
        super(message, cause);
    }
}

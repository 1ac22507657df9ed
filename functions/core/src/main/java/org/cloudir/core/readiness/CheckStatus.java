package org.cloudir.core.readiness;

/** Tells what one readiness check found. */
public enum CheckStatus {
    /** The thing is there and works as the responder needs. */
    OK,
    /** The thing is absent or switched off: the responder is not ready. */
    MISSING,
    /** The check could not tell (no permission to look, or no such API locally). */
    UNKNOWN
}

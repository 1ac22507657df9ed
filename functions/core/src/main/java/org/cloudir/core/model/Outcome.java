package org.cloudir.core.model;

/** Tells what an action did. */
public enum Outcome {
    /** The action changed the resource and the change was verified. */
    DONE,
    /** The resource was already in the wanted state; nothing was changed. */
    ALREADY_DONE,
    /** Dry run: the plan is reported, nothing was changed. */
    DRY_RUN
}
